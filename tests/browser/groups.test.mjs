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

test('a site admin creates a private group from the list; a member is not offered the form', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const admin = await newPersonForTest(t, DESKTOP);
  const wendy = await newPersonForTest(t, PHONE);
  await signIn(admin.page, server.url, DEMO);
  await createAccount(wendy.page, server.url, { username: 'wendy', displayName: 'Wendy' });
  assert.equal(await groupsNav(wendy.page).getByRole('button', { name: 'Create a group', exact: true }).count(), 0);

  await groupsNav(admin.page).getByRole('button', { name: 'Create a group', exact: true }).click();
  const dialog = admin.page.getByRole('dialog', { name: 'Create a group', exact: true });
  await dialog.waitFor();
  // Nothing is sent without a name and a region.
  await dialog.getByRole('button', { name: 'Create group', exact: true }).click();
  await dialog.getByRole('alert').filter({ hasText: 'Give the group a name.' }).waitFor();
  await dialog.getByRole('textbox', { name: 'Group name', exact: true }).fill('Derby night shift');
  await dialog.getByRole('textbox', { name: 'Region', exact: true }).fill('Derbyshire');
  await dialog.getByRole('textbox', { name: 'Description (optional)', exact: true }).fill('For carers on late calls.');
  await dialog.getByRole('radio', { name: /^Private/ }).check();
  await dialog.getByRole('button', { name: 'Create group', exact: true }).click();
  await dialog.waitFor({ state: 'detached' });

  // The new group opens, with its creator as a member who can post and moderate.
  await admin.page.getByRole('log', { name: 'Derby night shift', exact: true }).waitFor({ state: 'attached' });
  await admin.page.getByRole('heading', { name: 'Derby night shift', exact: true }).waitFor();
  await admin.page.getByText('Derbyshire · 1 member · Private', { exact: true }).waitFor();
  await admin.page.getByRole('textbox', { name: 'Message', exact: true }).waitFor();
  await admin.page.getByRole('button', { name: 'Moderate', exact: true }).waitFor();

  // Others see it as a private group to ask to join.
  await wendy.page.reload();
  await groupsNav(wendy.page).getByRole('link', { name: 'Derby night shift', exact: true }).waitFor();
  await openGroup(wendy.page, 'Derby night shift');
  await wendy.page.getByText('Derby night shift is a private group', { exact: false }).waitFor();
  assertNoProblems(admin, wendy);
});
