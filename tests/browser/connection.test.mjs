// End-to-end tests of what the web client says about its connection when the
// network goes away without the socket closing: the header, a message written
// meanwhile, and catching up when the connection is back.
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
  joinGroup,
  log,
  messageBox,
  newPersonForTest,
  setUpHarness,
  startServer,
} from './harness.mjs';

const GROUP = 'Nottingham';
const NOT_SENT_YET = "Not sent yet. It will be sent when you're back online.";

setUpHarness();

function connectionStatus(page, text) {
  return page.locator('#conn-status').filter({ hasText: new RegExp(`^${text}$`) });
}

async function send(page, text) {
  await messageBox(page).fill(text);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
}

function messageIn(page, text) {
  return log(page, GROUP).getByRole('article').filter({ hasText: text });
}

test('with the network gone the header says Offline, a message waits saying so, and both catch up when it is back', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const ann = await newPersonForTest(t, PHONE);
  const raj = await newPersonForTest(t, DESKTOP);
  await createAccount(ann.page, server.url, { username: 'ann', displayName: 'Ann' });
  await createAccount(raj.page, server.url, { username: 'raj', displayName: 'Raj' });
  await joinGroup(ann.page, GROUP);
  await joinGroup(raj.page, GROUP);
  await connectionStatus(ann.page, 'Connected').waitFor({ state: 'attached' });

  // The socket is not closed by going offline; the app must notice by itself, and soon.
  await ann.context.setOffline(true);
  await connectionStatus(ann.page, 'Offline').waitFor({ timeout: 5_000 });

  await send(ann.page, 'Written on the bus');
  await messageIn(ann.page, 'Written on the bus').getByText(NOT_SENT_YET, { exact: true }).waitFor();
  await send(raj.page, 'Said while Ann was away');
  await messageIn(raj.page, 'Said while Ann was away').filter({ hasNotText: 'Sending' }).waitFor();

  await ann.context.setOffline(false);
  await connectionStatus(ann.page, 'Connected').waitFor({ state: 'attached', timeout: 20_000 });
  await messageIn(raj.page, 'Written on the bus').waitFor();
  await messageIn(ann.page, 'Said while Ann was away').waitFor();
  await messageIn(ann.page, 'Written on the bus').filter({ hasNotText: NOT_SENT_YET }).waitFor();
  assert.equal(await log(raj.page, GROUP).getByText('Written on the bus', { exact: true }).count(), 1);
  assertNoProblems(ann, raj);
});

test('a server that stops answering without closing the socket is noticed by the heartbeat', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const server = await startServer();
  t.after(() => {
    server.proc.kill('SIGCONT');
    return server.stop();
  });
  const raj = await newPersonForTest(t, DESKTOP);
  await createAccount(raj.page, server.url, { username: 'raj', displayName: 'Raj' });
  await joinGroup(raj.page, GROUP);
  await connectionStatus(raj.page, 'Connected').waitFor();

  // Frozen, the server keeps its sockets open but answers nothing: no close, no offline event.
  server.proc.kill('SIGSTOP');
  await send(raj.page, 'Anyone there?');
  // The heartbeat gives up about 9 s after the send (3 s unanswered, 5 s for its own request,
  // ticks of 1 s); the margin is for a machine busy with other tests.
  await connectionStatus(raj.page, 'Offline').waitFor({ timeout: 20_000 });
  await messageIn(raj.page, 'Anyone there?').getByText(NOT_SENT_YET, { exact: true }).waitFor();

  server.proc.kill('SIGCONT');
  await connectionStatus(raj.page, 'Connected').waitFor({ timeout: 25_000 });
  await messageIn(raj.page, 'Anyone there?').filter({ hasNotText: NOT_SENT_YET }).waitFor();
  assert.equal(await log(raj.page, GROUP).getByText('Anyone there?', { exact: true }).count(), 1);
  assertNoProblems(raj);
});

test('on a 390 px phone the header keeps Sign out on one line whatever the status says', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const ann = await newPersonForTest(t, PHONE);
  await createAccount(ann.page, server.url, { username: 'ann', displayName: 'Ann' });
  const signOut = ann.page.getByRole('button', { name: 'Sign out', exact: true });
  const lines = () =>
    signOut.evaluate((el) => {
      const range = document.createRange();
      range.selectNodeContents(el);
      return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
    });
  const header = ann.page.locator('header.topbar');
  const height = (await header.boundingBox()).height;

  await ann.context.setOffline(true);
  await connectionStatus(ann.page, 'Offline').waitFor();
  assert.equal(await lines(), 1);
  // The longest thing the pill says, while the first connection is being made.
  await ann.page.locator('#conn-status-text').evaluate((el) => {
    el.textContent = 'Connecting…';
  });
  assert.equal(await lines(), 1);
  assert.equal((await header.boundingBox()).height, height);
  const box = await signOut.boundingBox();
  assert.ok(box.x + box.width <= 390, 'Sign out stays on screen');
  await ann.context.setOffline(false);
  assertNoProblems(ann);
});
