// End-to-end tests of moderation in the web client against the real server,
// in headless Chromium, finding controls by role and accessible name.
//
// The server, browser and shared helpers come from harness.mjs (see there for
// the environment variables). Every test gets its own seeded database and
// server on a free port. The seed's `demo` account is a site admin and a
// moderator of every demo group.

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
  notice,
  openGroup,
  setUpHarness,
  signIn,
  startServer,
} from './harness.mjs';

const PRIVATE_GROUP = 'Nottingham homecare workers';
const PUBLIC_GROUP = 'Nottingham';

setUpHarness();

// ---- helpers --------------------------------------------------------------------------

async function send(page, groupName, text) {
  await messageBox(page).fill(text);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await log(page, groupName).getByRole('article').filter({ hasText: text }).waitFor();
}

/** A message in the log, by its text; tapping it shows its actions. */
function messageIn(page, groupName, text) {
  return log(page, groupName).getByRole('article').filter({ hasText: text });
}

async function messageAction(page, groupName, text, action) {
  const message = messageIn(page, groupName, text);
  await message.getByText(text, { exact: true }).click();
  // Each button's name says which message it is for: "Report message from Sam: Hello all".
  await message.getByRole('button', { name: `${action} message from ${await message.locator('.msg-author').textContent()}: ${text}`, exact: true }).click();
}

function moderateButton(page) {
  return page.getByRole('button', { name: 'Moderate', exact: true });
}

function moderateDialog(page, groupName) {
  return page.getByRole('dialog', { name: `Moderate ${groupName}`, exact: true });
}

async function openModeration(page, groupName) {
  await moderateButton(page).click();
  const dialog = moderateDialog(page, groupName);
  await dialog.waitFor();
  return dialog;
}

function tab(dialog, name) {
  return dialog.getByRole('tab', { name: new RegExp(`^${name}`) });
}

function item(dialog, text) {
  return dialog.getByRole('listitem').filter({ hasText: text });
}

/** Answer a question dialog: fill its fields (label → value) and press its confirm button. */
async function answer(page, title, confirm, fields = {}) {
  const dialog = page.getByRole('dialog', { name: title, exact: true });
  await dialog.waitFor();
  for (const [label, value] of Object.entries(fields)) {
    const box = dialog.getByLabel(label, { exact: true });
    if ((await box.evaluate((el) => el.tagName)) === 'SELECT') await box.selectOption({ label: value });
    else await box.fill(value);
  }
  await dialog.getByRole('button', { name: confirm, exact: true }).click();
  await dialog.waitFor({ state: 'detached' });
}

// ---- tests ------------------------------------------------------------------------------

test('a moderator approves join requests and deletes a reported message', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const mod = await newPersonForTest(t, PHONE);
  const wendy = await newPersonForTest(t, DESKTOP);
  const tom = await newPersonForTest(t, PHONE);

  await signIn(mod.page, server.url, DEMO);
  await openGroup(mod.page, PRIVATE_GROUP);
  await moderateButton(mod.page).waitFor();

  // Two workers ask to join the private group; the moderator's count goes up live.
  await createAccount(wendy.page, server.url, { username: 'wendy', displayName: 'Wendy H' });
  await createAccount(tom.page, server.url, { username: 'tom', displayName: 'Tom B' });
  for (const person of [wendy, tom]) {
    await openGroup(person.page, PRIVATE_GROUP);
    await person.page.getByRole('button', { name: 'Join', exact: true }).click();
    await person.page.getByText('Request sent. A moderator will let you in soon.', { exact: true }).waitFor();
    assert.equal(await messageBox(person.page).count(), 0);
  }
  await mod.page.getByText('2 join requests waiting', { exact: true }).waitFor({ state: 'attached' });
  await notice(mod.page, `Tom B asked to join ${PRIVATE_GROUP}.`).waitFor();

  // The moderator lets them both in.
  const dialog = await openModeration(mod.page, PRIVATE_GROUP);
  await tab(dialog, 'Requests').filter({ hasText: '2' }).waitFor();
  assert.equal(await tab(dialog, 'Requests').getAttribute('aria-selected'), 'true');
  await item(dialog, 'Wendy H').getByRole('button', { name: 'Approve', exact: true }).click();
  await notice(wendy.page, "You're in!").waitFor();
  await item(dialog, 'Tom B').getByRole('button', { name: 'Approve', exact: true }).click();
  await dialog.getByText('No one is waiting to join.', { exact: true }).waitFor();
  await notice(tom.page, "You're in!").waitFor();

  // Wendy posts; Tom reports it.
  const text = 'Does anyone know a cheap place to park near the QMC?';
  await messageBox(wendy.page).waitFor();
  await send(wendy.page, PRIVATE_GROUP, text);
  await messageIn(tom.page, PRIVATE_GROUP, text).waitFor();
  await messageAction(tom.page, PRIVATE_GROUP, text, 'Report');
  await answer(tom.page, 'Report this message', 'Send report', { Reason: 'Testing the report button' });
  await notice(tom.page, 'Thank you. The moderators will look at your report.').waitFor();
  // Tom may not delete Wendy's message; Wendy may delete her own.
  assert.equal(await messageIn(tom.page, PRIVATE_GROUP, text).getByRole('button', { name: 'Delete message' }).count(), 0);
  assert.equal(await messageIn(wendy.page, PRIVATE_GROUP, text).getByRole('button', { name: 'Delete message' }).count(), 1);

  // The moderator sees the report with the message in context and deletes the message.
  await tab(dialog, 'Reports').filter({ hasText: '1' }).waitFor();
  await tab(dialog, 'Reports').click();
  const report = item(dialog, 'Testing the report button');
  await report.getByText(text, { exact: true }).waitFor();
  await report.getByText('Tom B', { exact: true }).waitFor();
  await report.getByText('Wendy H', { exact: false }).waitFor();
  await report.getByRole('button', { name: 'Delete message', exact: true }).click();
  await answer(mod.page, 'Delete this message?', 'Delete message');
  await dialog.getByText('No open reports. Thank you for keeping an eye out.', { exact: true }).waitFor();

  // The moderation log has the approvals and the resolved report, newest first.
  await tab(dialog, 'Log').click();
  const entries = dialog.getByRole('tabpanel', { name: /^Log/ }).getByRole('listitem');
  await entries.filter({ hasText: 'Demo Organiser deleted a reported message by Wendy H' }).waitFor();
  await entries.filter({ hasText: "Demo Organiser approved Wendy H's request to join" }).waitFor();
  await entries.filter({ hasText: "Demo Organiser approved Tom B's request to join" }).waitFor();
  assert.match(await entries.first().textContent(), /deleted a reported message by Wendy H/);
  await dialog.getByRole('button', { name: 'Close', exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });

  // Everyone sees "message deleted" in its place.
  for (const person of [mod, wendy, tom]) {
    await messageIn(person.page, PRIVATE_GROUP, 'message deleted').getByText('message deleted', { exact: true }).waitFor();
    assert.equal(await log(person.page, PRIVATE_GROUP).getByText(text).count(), 0);
  }
  assertNoProblems(mod, wendy, tom);
});

test('a moderator manages a member: role, mute, removal and a ban', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const mod = await newPersonForTest(t, DESKTOP);
  const sam = await newPersonForTest(t, PHONE);
  const rex = await newPersonForTest(t, PHONE);

  await signIn(mod.page, server.url, DEMO);
  await createAccount(sam.page, server.url, { username: 'sam', displayName: 'Sam' });
  await openGroup(sam.page, PUBLIC_GROUP);
  await sam.page.getByRole('button', { name: 'Join', exact: true }).click();
  await send(sam.page, PUBLIC_GROUP, 'Oops, wrong group');
  await send(sam.page, PUBLIC_GROUP, 'Hello all');

  // An author deletes their own message.
  await messageAction(sam.page, PUBLIC_GROUP, 'Oops, wrong group', 'Delete');
  await answer(sam.page, 'Delete this message?', 'Delete message');
  await messageIn(sam.page, PUBLIC_GROUP, 'message deleted').waitFor();

  await openGroup(mod.page, PUBLIC_GROUP);
  await messageIn(mod.page, PUBLIC_GROUP, 'message deleted').waitFor();
  const dialog = await openModeration(mod.page, PUBLIC_GROUP);
  // A public group has no join requests to show.
  assert.equal(await tab(dialog, 'Requests').isVisible(), false);
  await tab(dialog, 'Members').click();
  const member = item(dialog, '@sam');
  await member.getByText('Online').waitFor();
  await member.getByRole('button', { name: 'Manage Sam', exact: true }).click();

  await member.getByRole('button', { name: 'Make organiser', exact: true }).click();
  await notice(sam.page, 'You are now an organiser of Nottingham.').waitFor();
  await member.getByText('Organiser', { exact: true }).waitFor();

  await member.getByLabel('Mute for', { exact: true }).selectOption({ label: '1 day' });
  await member.getByRole('button', { name: 'Mute', exact: true }).click();
  await sam.page.getByText(/^You are muted until tomorrow at \d\d:\d\d\./).waitFor();
  assert.equal(await messageBox(sam.page).isDisabled(), true);
  // After a reload the composer stays closed, with the end of the mute shown.
  await sam.page.reload();
  await log(sam.page, PUBLIC_GROUP).getByText('Hello all', { exact: true }).waitFor();
  await sam.page.getByText(/^You are muted until tomorrow at \d\d:\d\d\./).waitFor();
  assert.equal(await messageBox(sam.page).isDisabled(), true);
  await member.getByRole('button', { name: 'Unmute', exact: true }).click();
  await notice(sam.page, 'You can post in Nottingham again.').waitFor();
  assert.equal(await messageBox(sam.page).isEnabled(), true);

  await member.getByRole('button', { name: 'Remove', exact: true }).click();
  await answer(mod.page, 'Remove Sam?', 'Remove');
  await notice(sam.page, 'You were removed from Nottingham by a moderator.').waitFor();
  await dialog.getByText('Sam was removed from the group.', { exact: true }).waitFor();
  assert.equal(await item(dialog, '@sam').count(), 0);

  // Sam comes back; the moderator bans them for a day with a reason.
  await openGroup(sam.page, PUBLIC_GROUP);
  await sam.page.getByRole('button', { name: 'Join', exact: true }).click();
  await messageBox(sam.page).waitFor();
  await tab(dialog, 'Log').click();
  await tab(dialog, 'Members').click();
  await item(dialog, '@sam').getByRole('button', { name: 'Manage Sam', exact: true }).click();
  await item(dialog, '@sam').getByRole('button', { name: 'Ban', exact: true }).click();
  await answer(mod.page, 'Ban Sam?', 'Ban', { 'How long': 'For 1 day', 'Reason (optional)': 'Kept posting adverts' });
  await notice(sam.page, /^You were banned from Nottingham until tomorrow at \d\d:\d\d: Kept posting adverts\./).waitFor();
  await openGroup(sam.page, PUBLIC_GROUP);
  await sam.page.getByRole('button', { name: 'Join', exact: true }).click();
  await sam.page.getByRole('alert').filter({ hasText: /banned from this group until/ }).waitFor();

  await tab(dialog, 'Log').click();
  const entries = dialog.getByRole('tabpanel', { name: /^Log/ }).getByRole('listitem');
  const ban = entries.filter({ hasText: /Demo Organiser banned Sam until tomorrow at/ });
  await ban.getByText('Kept posting adverts').waitFor();
  await entries.filter({ hasText: "Demo Organiser lifted Sam's mute" }).waitFor();
  await entries.filter({ hasText: 'Demo Organiser muted Sam until tomorrow at' }).waitFor();
  await entries.filter({ hasText: 'Demo Organiser made Sam an organiser' }).waitFor();
  await entries.filter({ hasText: 'Demo Organiser removed Sam from the group' }).waitFor();
  // The ban can be lifted from the log.
  await ban.getByRole('button', { name: 'Lift ban on Sam', exact: true }).click();
  await entries.filter({ hasText: "Demo Organiser lifted Sam's ban" }).waitFor();

  // A rejected request is told, and may ask again.
  await createAccount(rex.page, server.url, { username: 'rex', displayName: 'Rex' });
  await openGroup(rex.page, PRIVATE_GROUP);
  await rex.page.getByRole('button', { name: 'Join', exact: true }).click();
  await dialog.getByRole('button', { name: 'Close', exact: true }).click();
  await openGroup(mod.page, PRIVATE_GROUP);
  const privateDialog = await openModeration(mod.page, PRIVATE_GROUP);
  await item(privateDialog, 'Rex').getByRole('button', { name: 'Reject', exact: true }).click();
  await notice(rex.page, `Your request to join ${PRIVATE_GROUP} wasn't accepted.`).waitFor();
  await rex.page.getByRole('button', { name: 'Join', exact: true }).waitFor();
  assertNoProblems(mod, sam, rex);
});

test('a moderator chooses how long the group keeps messages, and members see it at once', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const mod = await newPersonForTest(t, PHONE);
  const wendy = await newPersonForTest(t, DESKTOP);
  const ruleFor = (days) => `Messages older than ${days} days are deleted from this group.`;

  await signIn(mod.page, server.url, DEMO);
  await openGroup(mod.page, PUBLIC_GROUP);
  await createAccount(wendy.page, server.url, { username: 'wendy', displayName: 'Wendy H' });
  await joinGroup(wendy.page, PUBLIC_GROUP);
  assert.equal(await wendy.page.getByText('are deleted from this group').count(), 0);

  const dialog = await openModeration(mod.page, PUBLIC_GROUP);
  await tab(dialog, 'Group').click();
  const period = dialog.getByLabel('Old messages', { exact: true });
  assert.equal(await period.inputValue(), '');
  await period.selectOption({ label: 'Delete after 90 days' });
  await dialog.getByRole('button', { name: 'Save', exact: true }).click();
  await dialog.getByText('Messages older than 90 days will be deleted.', { exact: true }).waitFor();

  // Wendy is told without reloading, and the rule is still there after she does.
  await wendy.page.getByText(ruleFor(90), { exact: true }).waitFor();
  await wendy.page.reload();
  await wendy.page.getByText(ruleFor(90), { exact: true }).waitFor();

  // The choice is in the log, and can be taken back.
  await tab(dialog, 'Log').click();
  const entries = dialog.getByRole('tabpanel', { name: /^Log/ }).getByRole('listitem');
  await entries.filter({ hasText: 'Demo Organiser set the group to delete messages after 90 days' }).waitFor();
  await tab(dialog, 'Group').click();
  assert.equal(await period.inputValue(), '90');
  await period.selectOption({ label: 'Keep messages for good' });
  await dialog.getByRole('button', { name: 'Save', exact: true }).click();
  await dialog.getByText('Messages are kept for good.', { exact: true }).waitFor();
  await wendy.page.getByText(ruleFor(90), { exact: true }).waitFor({ state: 'hidden' });
  assertNoProblems(mod, wendy);
});
