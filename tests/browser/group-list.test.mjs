// End-to-end tests of the group list saying what is new: under each group's
// name, who said what last and when, kept up to date as messages arrive, with
// the region and member count to tell similar names apart, on a phone.
//
// The server, browser and shared helpers come from harness.mjs. The seed's
// `demo` account is a site admin and a moderator of every demo group.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEMO,
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
  openGroup,
  setUpHarness,
  signIn,
  startServer,
} from './harness.mjs';

const GROUP = 'Nottingham';
const PRIVATE_GROUP = 'Nottingham homecare workers';

setUpHarness();

function item(page, name) {
  return groupsNav(page).locator('.group-item').filter({ has: page.getByRole('link', { name, exact: true }) });
}

function clock(date) {
  return new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/London' }).format(date);
}

test('each group says who said what last, kept up to date, and it fits on a phone', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const admin = await newPersonForTest(t, DESKTOP);
  const wendy = await newPersonForTest(t, PHONE);
  await signIn(admin.page, server.url, DEMO);
  await createAccount(wendy.page, server.url, { username: 'wendy', displayName: 'Wendy' });
  await joinGroup(wendy.page, GROUP);
  await wendy.page.getByRole('link', { name: 'All groups', exact: true }).click();
  await groupsNav(wendy.page).waitFor();

  // The private group's talk stays inside: no line for an outsider.
  await item(wendy.page, PRIVATE_GROUP).waitFor();
  assert.equal(await item(wendy.page, PRIVATE_GROUP).locator('.group-last').isVisible(), false);

  // A message arrives while Wendy looks at the list: her list says so at once.
  const text = 'Anyone doing the early run in Beeston tomorrow? I could use a lift from the depot if so';
  await openGroup(admin.page, GROUP);
  const sentAt = new Date();
  await messageBox(admin.page).fill(text);
  await admin.page.getByRole('button', { name: 'Send', exact: true }).click();
  await log(admin.page, GROUP).getByRole('article').filter({ hasText: text }).waitFor();

  const row = item(wendy.page, GROUP);
  const last = row.locator('.group-last');
  await last.filter({ hasText: 'Demo Organiser: Anyone doing the early run' }).waitFor();
  const time = await row.locator('.group-last-time').textContent();
  assert.ok([clock(sentAt), clock(new Date())].some((c) => time === ` · ${c}`), `time shown: ${time}`);
  // The link's description carries it for screen readers.
  const link = groupsNav(wendy.page).getByRole('link', { name: GROUP, exact: true });
  const described = await link.evaluate((el) =>
    el.getAttribute('aria-describedby').split(' ').map((id) => document.getElementById(id).textContent).join(' '),
  );
  assert.match(described, /Demo Organiser: Anyone doing the early run/);
  // Region and member count tell this group from others with similar names.
  await row.locator('.group-meta').filter({ hasText: 'Nottingham' }).filter({ hasText: '2 members' }).waitFor();

  // At 390 px the line stays one line, cut short before the time, and nothing spills sideways.
  const box = await last.boundingBox();
  const timeBox = await row.locator('.group-last-time').boundingBox();
  const rowBox = await row.boundingBox();
  assert.ok(box.height < 30, `one line, not ${box.height}px`);
  assert.ok(timeBox.x + timeBox.width <= rowBox.x + rowBox.width, 'the time is in view');
  const overflow = await groupsNav(wendy.page).evaluate((el) => el.scrollWidth - el.clientWidth);
  assert.ok(overflow <= 0, `the list is ${overflow}px too wide`);
  await wendy.page.screenshot({ path: `${server.dir}/../group-list-phone.png` });

  // Deleting it says so in the list too.
  const message = log(admin.page, GROUP).getByRole('article').filter({ hasText: text });
  await message.getByText(text, { exact: true }).click();
  await message.getByRole('button', { name: /^Delete message from/ }).click();
  await admin.page.getByRole('dialog').getByRole('button', { name: 'Delete message', exact: true }).click();
  await last.filter({ hasText: 'Demo Organiser: message deleted' }).waitFor();
  assertNoProblems(admin, wendy);
});
