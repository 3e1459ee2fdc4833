// End-to-end tests of pinned messages in the web client against the real
// server: a moderator pins from a message's actions, every member sees the
// pinned bar at the top of the conversation (and hears of it politely), a
// member who was offline sees the pin once caught up, and a fourth pin is
// refused with a reason.
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

setUpHarness();

async function send(page, text) {
  await messageBox(page).fill(text);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await messageIn(page, text).filter({ hasNotText: 'Sending' }).waitFor();
}

function messageIn(page, text) {
  return log(page, GROUP).getByRole('article').filter({ hasText: text });
}

/** Tap the message, then its button: "Pin message from Demo Admin: text". */
async function messageAction(page, text, action) {
  const message = messageIn(page, text);
  await message.getByText(text, { exact: true }).click();
  const author = await message.locator('.msg-author').textContent();
  await message.getByRole('button', { name: `${action} message from ${author}: ${text}`, exact: true }).click();
}

function pinnedBar(page) {
  return page.getByRole('region', { name: 'Pinned messages', exact: true });
}

function connectionStatus(page, text) {
  return page.locator('#conn-status').filter({ hasText: new RegExp(`^${text}$`) });
}

test('a moderator pins a message; members see it at the top, hear of it, and can jump to it', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const admin = await newPersonForTest(t, DESKTOP);
  const wendy = await newPersonForTest(t, PHONE);
  await signIn(admin.page, server.url, DEMO);
  await createAccount(wendy.page, server.url, { username: 'wendy', displayName: 'Wendy' });
  await openGroup(admin.page, GROUP);
  await joinGroup(wendy.page, GROUP);

  const text = 'Library meet-up moved to room 2 this Thursday';
  await send(admin.page, text);
  await messageIn(wendy.page, text).waitFor();
  // A member is not offered pinning.
  await messageIn(wendy.page, text).getByText(text, { exact: true }).click();
  assert.equal(await messageIn(wendy.page, text).getByRole('button', { name: /^Pin / }).count(), 0);

  await messageAction(admin.page, text, 'Pin');
  const bar = pinnedBar(wendy.page);
  await bar.getByRole('button', { name: new RegExp(text) }).waitFor();
  await wendy.page.locator('#pin-announcer').getByText(/pinned a message: Library meet-up/).waitFor({ state: 'attached' });
  // At the top on a phone and on a desktop (where meet-ups take a column): above the
  // messages, not below the message box.
  for (const page of [admin.page, wendy.page]) {
    await pinnedBar(page).waitFor();
    const bar = await pinnedBar(page).boundingBox();
    const messages = await page.locator('#conv-scroller').boundingBox();
    assert.ok(bar.y + bar.height <= messages.y + 1, `pinned bar at ${bar.y}, messages from ${messages.y}`);
  }
  // The moderator is now offered Unpin on it instead.
  await messageIn(admin.page, text).getByText(text, { exact: true }).click();
  await messageIn(admin.page, text).getByRole('button', { name: /^Unpin message from/ }).waitFor();

  // Scrolled away, a tap on the pin brings the message back into view and to the keyboard.
  for (let i = 1; i <= 12; i += 1) await send(admin.page, `Later note ${i}`);
  await messageIn(wendy.page, 'Later note 12').waitFor();
  await bar.getByRole('button', { name: new RegExp(text) }).click();
  await messageIn(wendy.page, text).and(wendy.page.locator(':focus')).waitFor();
  assert.equal(await messageIn(wendy.page, text).isVisible(), true);

  // A reload brings the pin back with the history.
  // (the address keeps the group open)
  await wendy.page.reload();
  await pinnedBar(wendy.page).getByRole('button', { name: new RegExp(text) }).waitFor();

  await messageAction(admin.page, text, 'Unpin');
  await pinnedBar(wendy.page).waitFor({ state: 'hidden' });
  await wendy.page.locator('#pin-announcer').getByText('A message was unpinned.').waitFor({ state: 'attached' });
  assertNoProblems(admin, wendy);
});

test('a pin made while a member was offline is at the top once they are back', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const admin = await newPersonForTest(t, DESKTOP);
  const wendy = await newPersonForTest(t, PHONE);
  await signIn(admin.page, server.url, DEMO);
  await createAccount(wendy.page, server.url, { username: 'wendy', displayName: 'Wendy' });
  await openGroup(admin.page, GROUP);
  await joinGroup(wendy.page, GROUP);
  const text = 'New rota starts Monday';
  await send(admin.page, text);
  await messageIn(wendy.page, text).waitFor();
  await connectionStatus(wendy.page, 'Connected').waitFor({ state: 'attached' });

  await wendy.context.setOffline(true);
  await connectionStatus(wendy.page, 'Offline').waitFor({ timeout: 5_000 });
  await messageAction(admin.page, text, 'Pin');
  await pinnedBar(admin.page).getByRole('button', { name: new RegExp(text) }).waitFor();

  await wendy.context.setOffline(false);
  await connectionStatus(wendy.page, 'Connected').waitFor({ state: 'attached', timeout: 20_000 });
  await pinnedBar(wendy.page).getByRole('button', { name: new RegExp(text) }).waitFor();
  assertNoProblems(admin, wendy);
});

test('a fourth pin is refused with a reason, and a deleted pin leaves the bar', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const admin = await newPersonForTest(t, PHONE);
  await signIn(admin.page, server.url, DEMO);
  await openGroup(admin.page, GROUP);
  for (const n of [1, 2, 3, 4]) await send(admin.page, `Notice ${n}`);
  for (const n of [1, 2, 3]) {
    await messageAction(admin.page, `Notice ${n}`, 'Pin');
    await pinnedBar(admin.page).getByRole('button', { name: new RegExp(`Notice ${n}`) }).waitFor();
  }
  // Newest pin first.
  const names = await pinnedBar(admin.page).getByRole('button').allTextContents();
  assert.deepEqual(names.map((name) => name.match(/Notice \d/)[0]), ['Notice 3', 'Notice 2', 'Notice 1']);

  await messageAction(admin.page, 'Notice 4', 'Pin');
  await admin.page.getByText(/already has 3 pinned messages: unpin one first/).waitFor();
  assert.equal(await pinnedBar(admin.page).getByRole('button').count(), 3);

  await messageAction(admin.page, 'Notice 2', 'Delete');
  await admin.page.getByRole('dialog').getByRole('button', { name: 'Delete message', exact: true }).click();
  await pinnedBar(admin.page).getByRole('button', { name: /Notice 2/ }).waitFor({ state: 'detached' });
  assert.equal(await pinnedBar(admin.page).getByRole('button').count(), 2);

  await admin.page.screenshot({ path: `${server.dir}/../pins-phone.png` });
  assertNoProblems(admin);
});
