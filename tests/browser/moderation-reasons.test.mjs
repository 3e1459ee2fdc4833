// End-to-end tests of what moderation tells people, in headless Chromium
// against the real server: the reasons a moderator gives reach the person
// acted on, the member list shows who is muted until when (live, for every
// moderator), and the log keeps the start of each deleted message.

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

const GROUP = 'Nottingham';

setUpHarness();

async function send(page, text) {
  await messageBox(page).fill(text);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await log(page, GROUP).getByRole('article').filter({ hasText: text }).waitFor();
}

async function openMembers(page) {
  await page.getByRole('button', { name: 'Moderate', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: `Moderate ${GROUP}`, exact: true });
  await dialog.waitFor();
  await dialog.getByRole('tab', { name: /^Members/ }).click();
  return dialog;
}

function member(dialog, username) {
  return dialog.getByRole('listitem').filter({ hasText: `@${username}` });
}

/** Answer a question dialog: fill its fields (label → value) and press its confirm button. */
async function answer(page, title, confirm, fields = {}) {
  const dialog = page.getByRole('dialog', { name: title, exact: true });
  await dialog.waitFor();
  for (const [label, value] of Object.entries(fields)) await dialog.getByLabel(label, { exact: true }).fill(value);
  await dialog.getByRole('button', { name: confirm, exact: true }).click();
  await dialog.waitFor({ state: 'detached' });
}

const MUTED_UNTIL = /^Muted until tomorrow at \d\d:\d\d$/;

test('moderators see who is muted until when, and the muted person sees why', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const mod = await newPersonForTest(t, DESKTOP);
  const jo = await newPersonForTest(t, DESKTOP);
  const sam = await newPersonForTest(t, PHONE);

  await createAccount(sam.page, server.url, { username: 'sam', displayName: 'Sam' });
  await joinGroup(sam.page, GROUP);
  await createAccount(jo.page, server.url, { username: 'joanne', displayName: 'Jo M' });
  await joinGroup(jo.page, GROUP);

  // Jo becomes a second moderator and opens the member list.
  await signIn(mod.page, server.url, DEMO);
  await openGroup(mod.page, GROUP);
  const modDialog = await openMembers(mod.page);
  await member(modDialog, 'joanne').getByRole('button', { name: 'Manage Jo M', exact: true }).click();
  await member(modDialog, 'joanne').getByRole('button', { name: 'Make moderator', exact: true }).click();
  await notice(jo.page, 'You are now a moderator of Nottingham.').waitFor();
  const joDialog = await openMembers(jo.page);
  await member(joDialog, 'sam').waitFor();
  assert.equal(await member(joDialog, 'sam').getByText(/^Muted until/).count(), 0);

  // The moderator mutes Sam for a day, saying why.
  const reason = "Please keep residents' names out of the chat";
  const samItem = member(modDialog, 'sam');
  await samItem.getByRole('button', { name: 'Manage Sam', exact: true }).click();
  await samItem.getByLabel('Mute for', { exact: true }).selectOption({ label: '1 day' });
  await samItem.getByLabel('Reason (optional)', { exact: true }).fill(reason);
  await samItem.getByRole('button', { name: 'Mute', exact: true }).click();

  // Sam is told why, and the note by the closed message box says it too, after a reload as well.
  await notice(sam.page, `until tomorrow at`).filter({ hasText: `: ${reason}. You can still read messages.` }).waitFor();
  const muteNote = sam.page.getByText(new RegExp(`^You are muted until tomorrow at \\d\\d:\\d\\d: ${reason}\\. You can still read`));
  await muteNote.waitFor();
  assert.equal(await messageBox(sam.page).isDisabled(), true);
  await sam.page.reload();
  await log(sam.page, GROUP).waitFor({ state: 'attached' });
  await muteNote.waitFor();

  // Both moderators' lists say Sam is muted until when: Jo's without reloading it.
  await member(joDialog, 'sam').getByText(MUTED_UNTIL).waitFor();
  await member(modDialog, 'sam').getByText(MUTED_UNTIL).waitFor();
  assert.equal(await member(joDialog, 'joanne').getByText(/^Muted until/).count(), 0);

  // Lifting the mute clears it everywhere.
  await member(modDialog, 'sam').getByRole('button', { name: 'Unmute', exact: true }).click();
  await member(joDialog, 'sam').getByText(MUTED_UNTIL).waitFor({ state: 'detached' });
  await notice(sam.page, 'You can post in Nottingham again.').waitFor();
  assert.equal(await muteNote.count(), 0);

  // The log has the mute with its reason.
  await modDialog.getByRole('tab', { name: /^Log/ }).click();
  const entry = modDialog.getByRole('listitem').filter({ hasText: /Demo Organiser muted Sam until tomorrow at/ });
  await entry.getByText(reason).waitFor();
  assertNoProblems(mod, jo, sam);
});

test('a deleted message and a removal are explained to the person, and the log quotes what went', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const mod = await newPersonForTest(t, PHONE);
  const sam = await newPersonForTest(t, PHONE);

  await createAccount(sam.page, server.url, { username: 'sam', displayName: 'Sam' });
  await joinGroup(sam.page, GROUP);
  const text = 'Mrs Patel at 14 Elm Road was in a state again today, her son never visits and she was crying';
  await send(sam.page, text);

  // The moderator deletes it, saying why.
  await signIn(mod.page, server.url, DEMO);
  await openGroup(mod.page, GROUP);
  const message = log(mod.page, GROUP).getByRole('article').filter({ hasText: text });
  await message.getByText(text, { exact: true }).click();
  await message.getByRole('button', { name: `Delete message from Sam: ${text.slice(0, 60)}…`, exact: true }).click();
  await answer(mod.page, 'Delete this message?', 'Delete message', {
    'Reason (optional)': 'Names and addresses of the people we care for stay out of the group',
  });

  await notice(sam.page, 'A moderator deleted your message “Mrs Patel at 14 Elm Road').waitFor();
  await notice(sam.page, 'in Nottingham: Names and addresses of the people we care for stay out of the group.').waitFor();
  await log(sam.page, GROUP).getByText('message deleted', { exact: true }).waitFor();

  // Then removes Sam, saying why.
  const dialog = await openMembers(mod.page);
  await member(dialog, 'sam').getByRole('button', { name: 'Manage Sam', exact: true }).click();
  await member(dialog, 'sam').getByRole('button', { name: 'Remove', exact: true }).click();
  await answer(mod.page, 'Remove Sam?', 'Remove', { 'Reason (optional)': 'Asked twice to keep names out' });
  await notice(sam.page, 'You were removed from Nottingham by a moderator: Asked twice to keep names out.').waitFor();

  // The log says what was deleted, and why each thing was done.
  await dialog.getByRole('tab', { name: /^Log/ }).click();
  const entries = dialog.getByRole('tabpanel', { name: /^Log/ }).getByRole('listitem');
  const deleted = entries.filter({ hasText: 'Demo Organiser deleted a message by Sam: “Mrs Patel at 14 Elm Road' });
  await deleted.getByText('Names and addresses of the people we care for stay out of the group').waitFor();
  // The first 80 characters, and an ellipsis for the rest.
  assert.match(await deleted.textContent(), /: “Mrs Patel at 14 Elm Road was in a state again today, her son never visits and sh…”/);
  await entries.filter({ hasText: 'Demo Organiser removed Sam from the group' }).getByText('Asked twice to keep names out').waitFor();
  assertNoProblems(mod, sam);
});
