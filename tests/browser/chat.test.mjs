// End-to-end tests of the web client against the real server, in headless
// Chromium, finding controls by role and accessible name (PROTOCOL.md §4).
//
// The server, browser and shared helpers come from harness.mjs (see there for
// the environment variables). Every test gets its own seeded database and
// server on a free port.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DESKTOP,
  PASSWORD,
  PHONE,
  TEST_TIMEOUT_MS,
  assertNoProblems,
  createAccount,
  groupsNav,
  joinGroup,
  log,
  messageBox,
  newPerson,
  openGroup,
  setUpHarness,
  startServer,
  stopProcess,
} from './harness.mjs';

setUpHarness();

// ---- helpers --------------------------------------------------------------------------

async function send(page, text) {
  await messageBox(page).fill(text);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
}

/** Wait until a message with exactly this text is in the group's log. */
async function seeMessage(page, groupName, text) {
  await log(page, groupName).getByText(text, { exact: true }).waitFor();
}

function unreadOf(page, groupName) {
  return groupsNav(page)
    .getByRole('listitem')
    .filter({ has: page.getByRole('link', { name: groupName, exact: true }) });
}

// ---- tests ------------------------------------------------------------------------------

test('two people chat in real time, and history survives a reload', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const alice = await newPerson(PHONE);
  const bob = await newPerson(DESKTOP);
  t.after(() => alice.context.close());
  t.after(() => bob.context.close());

  await createAccount(alice.page, server.url, { username: 'alice', displayName: 'Alice P' });
  await createAccount(bob.page, server.url, { username: 'bob', displayName: 'Bob K' });
  await joinGroup(alice.page, 'Nottingham');
  await joinGroup(bob.page, 'Nottingham');

  const fromAlice = 'Anyone else stuck on the ring road? Running 20 min late 🚗';
  await send(alice.page, fromAlice);
  await seeMessage(bob.page, 'Nottingham', fromAlice);
  await log(bob.page, 'Nottingham').getByText('Alice P', { exact: true }).first().waitFor();

  // Enter sends too; Shift+Enter keeps a new line in the message.
  const fromBob = 'Same here.\nTake care out there!';
  await messageBox(bob.page).fill('Same here.');
  await messageBox(bob.page).press('Shift+Enter');
  await messageBox(bob.page).pressSequentially('Take care out there!');
  await messageBox(bob.page).press('Enter');
  await seeMessage(alice.page, 'Nottingham', fromBob);
  await log(alice.page, 'Nottingham').getByText('Bob K', { exact: true }).first().waitFor();
  assert.equal(await messageBox(bob.page).inputValue(), '');

  // The URL names the group, so a reload comes back to it with its history.
  assert.match(alice.page.url(), /#\/groups\/\d+$/);
  await alice.page.reload();
  await seeMessage(alice.page, 'Nottingham', fromAlice);
  await seeMessage(alice.page, 'Nottingham', fromBob);
  await messageBox(alice.page).waitFor();

  // Still live after the reload.
  const again = 'Back at my desk now';
  await send(bob.page, again);
  await seeMessage(alice.page, 'Nottingham', again);
  assert.equal(await log(alice.page, 'Nottingham').getByText(again, { exact: true }).count(), 1);
  assertNoProblems(alice, bob);
});

test('hostile HTML in a message is shown as text and never runs', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const mallory = await newPerson(DESKTOP);
  const carol = await newPerson(PHONE);
  t.after(() => mallory.context.close());
  t.after(() => carol.context.close());

  await createAccount(mallory.page, server.url, { username: 'mallory', displayName: '<b>Mallory</b>' });
  await createAccount(carol.page, server.url, { username: 'carol', displayName: 'Carol' });
  await joinGroup(mallory.page, 'Nottingham');
  await joinGroup(carol.page, 'Nottingham');

  const hostile = [
    '<img src=x onerror="window.__pwned=1">',
    '<script>window.__pwned=2</script>',
    '<a href="javascript:window.__pwned=3">click me</a>',
  ];
  for (const text of hostile) await send(mallory.page, text);

  for (const person of [carol, mallory]) {
    for (const text of hostile) await seeMessage(person.page, 'Nottingham', text);
    await log(person.page, 'Nottingham').getByText('<b>Mallory</b>', { exact: true }).first().waitFor();
  }
  await carol.page.reload();
  for (const text of hostile) await seeMessage(carol.page, 'Nottingham', text);

  for (const person of [carol, mallory]) {
    const area = log(person.page, 'Nottingham');
    assert.equal(await area.locator('img, script, b, a').count(), 0, 'message text was parsed as HTML');
    assert.equal(await person.page.evaluate(() => window.__pwned), undefined);
  }
  assertNoProblems(mallory, carol);
});

test('a message in another group raises its unread badge until it is opened', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const dev = await newPerson(DESKTOP);
  const sam = await newPerson(DESKTOP);
  t.after(() => dev.context.close());
  t.after(() => sam.context.close());

  await createAccount(dev.page, server.url, { username: 'dev', displayName: 'Dev' });
  await createAccount(sam.page, server.url, { username: 'sam', displayName: 'Sam' });
  await joinGroup(dev.page, 'Nottingham');
  await joinGroup(sam.page, 'Nottingham');
  await joinGroup(sam.page, 'East Midlands');

  await send(dev.page, 'Tea at the library on Thursday?');
  await send(dev.page, 'From 4pm, snacks provided');
  const row = unreadOf(sam.page, 'Nottingham');
  await row.filter({ hasText: '2 unread' }).waitFor();

  await openGroup(sam.page, 'Nottingham');
  await seeMessage(sam.page, 'Nottingham', 'From 4pm, snacks provided');
  await row.filter({ hasNotText: 'unread' }).waitFor();

  // Read on the server too: a fresh page load shows no badge.
  await openGroup(sam.page, 'East Midlands');
  await sam.page.reload();
  await log(sam.page, 'East Midlands').waitFor({ state: 'attached' });
  await row.waitFor();
  assert.doesNotMatch(await row.textContent(), /unread/);
  assertNoProblems(dev, sam);
});

test('signing out, a wrong password, and signing back in', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const pat = await newPerson(PHONE);
  t.after(() => pat.context.close());
  const { page } = pat;

  await createAccount(page, server.url, { username: 'pat', displayName: 'Pat' });

  // A taken username is explained.
  const other = await newPerson(PHONE);
  t.after(() => other.context.close());
  await other.page.goto(server.url);
  await other.page.getByRole('textbox', { name: 'Username', exact: true }).fill('pat');
  await other.page.getByRole('textbox', { name: 'Password', exact: true }).fill(PASSWORD);
  const otherDisplayName = other.page.getByRole('textbox', { name: 'Display name', exact: true });
  if (!(await otherDisplayName.isVisible())) {
    await other.page.getByRole('button', { name: 'Create account', exact: true }).click();
  }
  await otherDisplayName.fill('Another Pat');
  await other.page.getByRole('button', { name: 'Create account', exact: true }).click();
  await other.page.getByRole('alert').filter({ hasText: /taken/i }).waitFor();
  assert.equal(await other.page.locator('#sign-in-error').textContent(), 'That username is already taken.');

  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();

  // Still signed out after a reload: the session is gone on the server.
  await page.reload();
  await page.getByRole('textbox', { name: 'Username', exact: true }).fill('pat');
  await page.getByRole('textbox', { name: 'Password', exact: true }).fill('not-the-right-password');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  const formAlert = page.locator('#sign-in-error');
  await formAlert.filter({ hasText: /wrong username or password/i }).waitFor();
  // Said once, not once by the app and again in the server's words.
  assert.equal(await formAlert.textContent(), 'Wrong username or password.');

  // A field marked wrong stops being red once it is corrected.
  const password = page.getByRole('textbox', { name: 'Password', exact: true });
  await password.fill('');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByText('Enter your password.', { exact: true }).waitFor();
  assert.equal(await password.getAttribute('aria-invalid'), 'true');
  await password.fill(PASSWORD);
  assert.equal(await password.getAttribute('aria-invalid'), null);
  assert.equal(await page.getByText('Enter your password.', { exact: true }).isVisible(), false);

  await page.getByRole('textbox', { name: 'Password', exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await groupsNav(page).getByRole('link', { name: 'Nottingham', exact: true }).waitFor();
  assertNoProblems(pat, other);
});

test('after a server restart both reconnect, and a message written meanwhile arrives', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const ann = await newPerson(PHONE);
  const raj = await newPerson(DESKTOP);
  t.after(() => ann.context.close());
  t.after(() => raj.context.close());

  await createAccount(ann.page, server.url, { username: 'ann', displayName: 'Ann' });
  await createAccount(raj.page, server.url, { username: 'raj', displayName: 'Raj' });
  await joinGroup(ann.page, 'Nottingham');
  await joinGroup(raj.page, 'Nottingham');
  await send(raj.page, 'Before the restart');
  await seeMessage(ann.page, 'Nottingham', 'Before the restart');

  const { host } = new URL(server.url);
  await stopProcess(server.proc);
  await raj.page.getByRole('status').filter({ hasText: /reconnecting|offline/i }).waitFor();

  // Written while the server is down: shown as waiting, sent on reconnect.
  await send(raj.page, 'Written while offline');
  await seeMessage(raj.page, 'Nottingham', 'Written while offline');

  await server.start(host);
  await raj.page.getByRole('status').filter({ hasText: 'Connected' }).waitFor({ timeout: 20_000 });
  await seeMessage(ann.page, 'Nottingham', 'Written while offline');
  assert.equal(await log(ann.page, 'Nottingham').getByText('Written while offline', { exact: true }).count(), 1);
  assert.equal(await log(raj.page, 'Nottingham').getByText('Written while offline', { exact: true }).count(), 1);
  assertNoProblems(ann, raj);
});
