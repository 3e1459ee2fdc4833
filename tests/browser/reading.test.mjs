// End-to-end tests of where a conversation opens: at the first message the
// reader has not seen, with a "New messages" line above it, rather than at the
// newest message with the unread ones scrolled past.
//
// The server, browser and shared helpers come from harness.mjs (see there for
// the environment variables).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DESKTOP,
  PHONE,
  TEST_TIMEOUT_MS,
  assertNoProblems,
  createAccount,
  groupsNav,
  joinGroup,
  log,
  messageBox,
  newPersonForTest,
  setUpHarness,
  startServer,
} from './harness.mjs';

const GROUP = 'Nottingham';
const UNREAD = 12;

setUpHarness();

/** Whether the element's box overlaps the conversation's scrolling area. */
function inView(locator) {
  return locator.evaluate((el) => {
    const view = document.getElementById('conv-scroller').getBoundingClientRect();
    const box = el.getBoundingClientRect();
    return box.bottom > view.top && box.top < view.bottom;
  });
}

test('a group with 12 unread opens at the first of them, under a New messages line', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const ann = await newPersonForTest(t, PHONE);
  const raj = await newPersonForTest(t, DESKTOP);
  await createAccount(ann.page, server.url, { username: 'ann', displayName: 'Ann' });
  await createAccount(raj.page, server.url, { username: 'raj', displayName: 'Raj' });
  await joinGroup(ann.page, GROUP);
  await joinGroup(raj.page, GROUP);
  await messageBox(raj.page).fill('Read before Ann left');
  await raj.page.getByRole('button', { name: 'Send', exact: true }).click();
  await log(ann.page, GROUP).getByText('Read before Ann left', { exact: true }).waitFor();
  await ann.page.getByRole('link', { name: 'All groups', exact: true }).click();

  // Tall messages, so twelve of them do not fit on a phone's screen.
  for (let i = 1; i <= UNREAD; i += 1) {
    await messageBox(raj.page).fill(`Unread number ${i}\nsecond line\nthird line`);
    await raj.page.getByRole('button', { name: 'Send', exact: true }).click();
    await log(raj.page, GROUP).locator('.msg-text').getByText(`Unread number ${i}`).waitFor();
  }
  const row = groupsNav(ann.page).getByRole('listitem').filter({ hasText: GROUP }).first();
  await row.filter({ hasText: `${UNREAD} unread` }).waitFor();

  await groupsNav(ann.page).getByRole('link', { name: GROUP, exact: true }).click();
  const conversation = log(ann.page, GROUP);
  const divider = conversation.getByText('New messages', { exact: true });
  await divider.waitFor();
  const first = conversation.getByRole('article').filter({ hasText: 'Unread number 1' }).first();
  const last = conversation.getByRole('article').filter({ hasText: `Unread number ${UNREAD}` });
  assert.equal(await inView(divider), true, 'the New messages line is in view');
  assert.equal(await inView(first), true, 'the first unread message is in view');
  assert.equal(await inView(last), false, 'the newest is still below');
  // The line sits right above the first unread message.
  assert.equal(
    await divider.evaluate((el) => {
      let next = el.nextElementSibling;
      while (next && !next.classList.contains('msg')) next = next.nextElementSibling;
      return next ? next.textContent : '';
    }).then((text) => text.includes('Unread number 1')),
    true,
  );
  const pill = ann.page.getByRole('button', { name: /^\d+ new messages?$/ });
  await pill.waitFor();

  await pill.click();
  assert.equal(await inView(last), true);
  await pill.waitFor({ state: 'hidden' });
  assertNoProblems(ann, raj);
});
