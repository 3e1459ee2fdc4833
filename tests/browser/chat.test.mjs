// End-to-end tests of the web client against the real server, in headless
// Chromium, finding controls by role and accessible name (PROTOCOL.md §4).
//
//   CARECIRCLE_BIN       the server executable (default: build/bin/carecircle)
//   CARECIRCLE_WEB_ROOT  the web client folder (default: web-client/)
//   CHROMIUM             the browser (default: /usr/bin/chromium)
//
// Every test gets its own seeded database and server on a free port.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');
const BIN = process.env.CARECIRCLE_BIN || path.join(repoRoot, 'build', 'bin', 'carecircle');
const WEB_ROOT = process.env.CARECIRCLE_WEB_ROOT || path.join(repoRoot, 'web-client');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

const TEST_TIMEOUT_MS = 60_000;
const STEP_TIMEOUT_MS = 10_000;
const SERVER_START_TIMEOUT_MS = 15_000;
const PASSWORD = 'kettle-on-between-visits';
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

let browser;
const servers = new Set();

before(async () => {
  assert.ok(existsSync(BIN), `server executable not found at ${BIN} (set CARECIRCLE_BIN)`);
  assert.ok(existsSync(path.join(WEB_ROOT, 'index.html')), `no index.html in ${WEB_ROOT} (set CARECIRCLE_WEB_ROOT)`);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 30_000,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

after(async () => {
  await Promise.all([...servers].map((server) => server.stop()));
  if (browser) await browser.close().catch(() => {});
});

// ---- the server ----------------------------------------------------------------

function waitForListening(proc, timeoutMs) {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`server did not print "listening on" within ${timeoutMs} ms\nstdout: ${out}\nstderr: ${err}`));
    }, timeoutMs);
    const onOut = (chunk) => {
      out += chunk;
      const match = /^listening on (https?:\/\/[^\s]+)\s*$/m.exec(out);
      if (match) {
        cleanup();
        resolve(match[1]);
      }
    };
    const onErr = (chunk) => {
      err += chunk;
    };
    const onExit = (code, signal) => {
      cleanup();
      reject(new Error(`server exited early (${code ?? signal})\nstdout: ${out}\nstderr: ${err}`));
    };
    const onError = (error) => {
      cleanup();
      reject(new Error(`could not start the server: ${error.message}`));
    };
    function cleanup() {
      clearTimeout(timer);
      proc.stdout.off('data', onOut);
      proc.stderr.off('data', onErr);
      proc.off('exit', onExit);
      proc.off('error', onError);
    }
    proc.stdout.setEncoding('utf8');
    proc.stderr.setEncoding('utf8');
    proc.stdout.on('data', onOut);
    proc.stderr.on('data', onErr);
    proc.on('exit', onExit);
    proc.on('error', onError);
  });
}

function stopProcess(proc) {
  if (!proc || proc.pid === undefined || proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => proc.kill('SIGKILL'), 5_000);
    const giveUp = setTimeout(resolve, 8_000);
    proc.once('exit', () => {
      clearTimeout(kill);
      clearTimeout(giveUp);
      resolve();
    });
    proc.kill('SIGTERM');
  });
}

/** Seed a fresh database and start the server on a free port. */
async function startServer() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'carecircle-browser-'));
  const db = path.join(dir, 'cc.db');
  const seed = spawnSync(BIN, ['admin', 'seed-demo', '--db', db], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(seed.status, 0, `seed-demo failed (${seed.status ?? seed.signal}): ${seed.stderr}`);

  const server = {
    dir,
    db,
    url: '',
    proc: null,
    async start(listen = '127.0.0.1:0') {
      // Keep the server's output flowing so a full pipe never blocks it.
      this.proc = spawn(BIN, ['serve', '--listen', listen, '--db', db, '--web-root', WEB_ROOT], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const url = await waitForListening(this.proc, SERVER_START_TIMEOUT_MS);
      this.proc.stdout.resume();
      this.proc.stderr.resume();
      this.url = url;
      return url;
    },
    async stop() {
      await stopProcess(this.proc);
      servers.delete(this);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  servers.add(server);
  await server.start();
  return server;
}

// ---- people in browsers -----------------------------------------------------------

/**
 * A new browser context: one person. Uncaught errors and Content-Security-
 * Policy violations (the page carries a strict policy) are collected.
 */
async function newPerson(viewport) {
  const context = await browser.newContext({ viewport, locale: 'en-GB', timezoneId: 'Europe/London' });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content Security Policy|Refused to/i.test(msg.text())) {
      problems.push(`CSP: ${msg.text()}`);
    }
  });
  return { context, page, problems };
}

async function createAccount(page, url, { username, displayName }) {
  await page.goto(url);
  await page.getByRole('textbox', { name: 'Username', exact: true }).fill(username);
  await page.getByRole('textbox', { name: 'Password', exact: true }).fill(PASSWORD);
  const displayNameBox = page.getByRole('textbox', { name: 'Display name', exact: true });
  if (!(await displayNameBox.isVisible())) {
    await page.getByRole('button', { name: 'Create account', exact: true }).click();
  }
  await displayNameBox.fill(displayName);
  await page.getByRole('button', { name: 'Create account', exact: true }).click();
  await groupsNav(page).getByRole('link', { name: 'Nottingham', exact: true }).waitFor();
}

function groupsNav(page) {
  return page.getByRole('navigation', { name: 'Groups', exact: true });
}

function log(page, groupName) {
  return page.getByRole('log', { name: groupName, exact: true });
}

function messageBox(page) {
  return page.getByRole('textbox', { name: 'Message', exact: true });
}

async function openGroup(page, name) {
  await groupsNav(page).getByRole('link', { name, exact: true }).click();
  await log(page, name).waitFor({ state: 'attached' });
}

async function joinGroup(page, name) {
  await openGroup(page, name);
  await page.getByRole('button', { name: 'Join', exact: true }).click();
  await messageBox(page).waitFor();
}

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

function assertNoProblems(...people) {
  for (const person of people) assert.deepEqual(person.problems, [], person.problems.join('\n'));
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

  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();

  // Still signed out after a reload: the session is gone on the server.
  await page.reload();
  await page.getByRole('textbox', { name: 'Username', exact: true }).fill('pat');
  await page.getByRole('textbox', { name: 'Password', exact: true }).fill('not-the-right-password');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('alert').filter({ hasText: /wrong username or password/i }).waitFor();

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
