// Shared harness for the end-to-end browser tests: a seeded server per test,
// headless Chromium, and helpers that find controls by role and accessible name.
//
//   CARECIRCLE_BIN       the server executable (default: build/bin/carecircle)
//   CARECIRCLE_WEB_ROOT  the web client folder (default: web-client/)
//   CHROMIUM             the browser (default: /usr/bin/chromium)
//
// A test file calls setUpHarness() once at top level; every test then gets its
// own seeded database and server on a free port from startServer().

import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');
export const BIN = process.env.CARECIRCLE_BIN || path.join(repoRoot, 'build', 'bin', 'carecircle');
export const WEB_ROOT = process.env.CARECIRCLE_WEB_ROOT || path.join(repoRoot, 'web-client');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

export const TEST_TIMEOUT_MS = 60_000;
export const STEP_TIMEOUT_MS = 10_000;
export const SERVER_START_TIMEOUT_MS = 15_000;
export const PASSWORD = 'kettle-on-between-visits';
export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 800 };
// The account the server's demo data makes: a site admin and a moderator of every demo group.
export const DEMO = { username: 'demo', password: 'carecircle-demo' };

/** The public demo group every new account sees in its list. */
const HOME_GROUP = 'Nottingham';

let browser;
const servers = new Set();

/**
 * Register the file-level hooks: check the server and web client are there and
 * launch the browser before the tests; stop any servers left running and close
 * the browser after them.
 */
export function setUpHarness() {
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
}

// ---- the server ----------------------------------------------------------------

export function waitForListening(proc, timeoutMs) {
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

export function stopProcess(proc) {
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

/**
 * Seed a fresh database and start the server on a free port. The returned
 * server can be stopped with stopProcess(server.proc) and started again on the
 * same address with server.start(host); server.stop() ends it for good.
 */
export async function startServer() {
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

/** Collect a page's uncaught errors and Content-Security-Policy violations. */
async function openPage(context) {
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

function newContext(viewport) {
  return browser.newContext({ viewport, locale: 'en-GB', timezoneId: 'Europe/London' });
}

/**
 * A new browser context: one person. Uncaught errors and Content-Security-
 * Policy violations (the page carries a strict policy) are collected. The
 * caller closes person.context.
 */
export async function newPerson(viewport) {
  return openPage(await newContext(viewport));
}

/** As newPerson, with the context closed after the test `t`. */
export async function newPersonForTest(t, viewport) {
  const context = await newContext(viewport);
  t.after(() => context.close());
  return openPage(context);
}

export async function createAccount(page, url, { username, displayName }) {
  await page.goto(url);
  await page.getByRole('textbox', { name: 'Username', exact: true }).fill(username);
  await page.getByRole('textbox', { name: 'Password', exact: true }).fill(PASSWORD);
  const displayNameBox = page.getByRole('textbox', { name: 'Display name', exact: true });
  if (!(await displayNameBox.isVisible())) {
    await page.getByRole('button', { name: 'Create account', exact: true }).click();
  }
  await displayNameBox.fill(displayName);
  await page.getByRole('button', { name: 'Create account', exact: true }).click();
  await groupsNav(page).getByRole('link', { name: HOME_GROUP, exact: true }).waitFor();
}

export async function signIn(page, url, { username, password }) {
  await page.goto(url);
  await page.getByRole('textbox', { name: 'Username', exact: true }).fill(username);
  await page.getByRole('textbox', { name: 'Password', exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await groupsNav(page).getByRole('link', { name: HOME_GROUP, exact: true }).waitFor();
}

export function groupsNav(page) {
  return page.getByRole('navigation', { name: 'Groups', exact: true });
}

export function log(page, groupName) {
  return page.getByRole('log', { name: groupName, exact: true });
}

export function messageBox(page) {
  return page.getByRole('textbox', { name: 'Message', exact: true });
}

export async function openGroup(page, name) {
  await groupsNav(page).getByRole('link', { name, exact: true }).click();
  await log(page, name).waitFor({ state: 'attached' });
}

export async function joinGroup(page, name) {
  await openGroup(page, name);
  await page.getByRole('button', { name: 'Join', exact: true }).click();
  await messageBox(page).waitFor();
}

export function notice(page, text) {
  return page.getByRole('status').filter({ hasText: text });
}

export function assertNoProblems(...people) {
  for (const person of people) assert.deepEqual(person.problems, [], person.problems.join('\n'));
}
