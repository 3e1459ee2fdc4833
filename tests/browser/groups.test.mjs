// End-to-end tests of joining and making groups in the web client against the
// real server: one way to ask to join a private group and a way to take the
// request back, and the form site moderators use to create a group.
//
// The server, browser and shared helpers come from harness.mjs (see there for
// the environment variables).

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
  newPersonForTest,
  openGroup,
  setUpHarness,
  signIn,
  startServer,
} from './harness.mjs';

const PRIVATE_GROUP = 'Nottingham homecare workers';

setUpHarness();

test('a private group offers one way to ask to join, and the request can be withdrawn', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const rex = await newPersonForTest(t, PHONE);
  await createAccount(rex.page, server.url, { username: 'rex', displayName: 'Rex' });
  await openGroup(rex.page, PRIVATE_GROUP);

  const bar = rex.page.locator('#join-bar');
  await bar.getByRole('button', { name: 'Join', exact: true }).waitFor();
  assert.equal(await bar.getByRole('button').count(), 1, 'one button to ask to join');
  assert.doesNotMatch(await bar.textContent(), /ask to join/i);

  await bar.getByRole('button', { name: 'Join', exact: true }).click();
  await bar.getByText('Request sent. A moderator will let you in soon.', { exact: true }).waitFor();
  const withdraw = bar.getByRole('button', { name: 'Withdraw request', exact: true });
  await withdraw.waitFor();
  assert.equal(await bar.getByRole('button').count(), 1);
  assert.equal(await withdraw.evaluate((el) => el === document.activeElement), true);
  // On a phone the list is out of sight behind the conversation; its text is still kept up to date.
  const item = rex.page.locator('.group-item').filter({ hasText: PRIVATE_GROUP });
  await item.filter({ hasText: 'Request sent' }).waitFor({ state: 'attached' });

  await withdraw.click();
  await bar.getByRole('button', { name: 'Join', exact: true }).waitFor();
  // The server forgot the request too: a reload still offers Join.
  await rex.page.reload();
  await bar.getByRole('button', { name: 'Join', exact: true }).waitFor();
  assert.equal(await item.filter({ hasText: 'Request sent' }).count(), 0);
  assertNoProblems(rex);
});
