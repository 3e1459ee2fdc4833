// End-to-end tests of the web client with a keyboard and a screen reader in
// mind: a skip link, where focus goes when a group opens, one Tab stop for the
// whole message log, buttons that say which message they are for, new
// messages read out as "name: text", and one h1 on every screen.
//
// The server, browser and shared helpers come from harness.mjs (see there for
// the environment variables).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import AxeBuilder from '@axe-core/playwright';
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
  setUpHarness,
  signIn,
  startServer,
} from './harness.mjs';

const GROUP = 'Nottingham';
const MESSAGES = 15;

setUpHarness();

function focusedIs(locator) {
  return locator.evaluate((el) => el === document.activeElement);
}

async function visibleH1s(page) {
  return page.locator('h1:visible').count();
}

test('a keyboard reaches the message box in a few Tabs, and a screen reader hears whose message is whose', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const raj = await newPersonForTest(t, DESKTOP);
  const mod = await newPersonForTest(t, DESKTOP);

  await mod.page.goto(server.url);
  await mod.page.getByRole('button', { name: 'Sign in', exact: true }).or(mod.page.getByRole('button', { name: 'Create account', exact: true })).first().waitFor();
  assert.equal(await visibleH1s(mod.page), 1, 'sign-in has one h1');

  await createAccount(raj.page, server.url, { username: 'raj', displayName: 'Raj' });
  await joinGroup(raj.page, GROUP);
  for (let i = 1; i <= MESSAGES; i += 1) {
    await messageBox(raj.page).fill(`Message number ${i}`);
    await messageBox(raj.page).press('Enter');
    await log(raj.page, GROUP).getByText(`Message number ${i}`, { exact: true }).waitFor();
  }

  // A site admin may report and delete every message: two buttons on each.
  await signIn(mod.page, server.url, DEMO);
  assert.equal(await visibleH1s(mod.page), 1, 'the group list has one h1');
  const link = groupsNav(mod.page).getByRole('link', { name: GROUP, exact: true });
  await link.focus();
  await mod.page.keyboard.press('Enter');
  await log(mod.page, GROUP).getByText(`Message number ${MESSAGES}`, { exact: true }).waitFor();
  // Opened from the list, the group is ready to write in.
  await mod.page.waitForFunction(() => document.activeElement && document.activeElement.id === 'composer-input');
  assert.equal(await visibleH1s(mod.page), 1, 'the conversation has one h1');

  // From the group's link to the message box: one stop for the log, not one per button.
  await link.focus();
  let tabs = 0;
  while (!(await focusedIs(messageBox(mod.page))) && tabs < 80) {
    await mod.page.keyboard.press('Tab');
    tabs += 1;
  }
  assert.ok(tabs < 25, `took ${tabs} Tabs to reach the message box`);

  // The skip link is the first stop and goes straight to the message box.
  await mod.page.reload();
  await log(mod.page, GROUP).getByText(`Message number ${MESSAGES}`, { exact: true }).waitFor();
  await messageBox(mod.page).waitFor();
  await mod.page.keyboard.press('Tab');
  const skip = mod.page.getByRole('link', { name: 'Skip to message box', exact: true });
  assert.equal(await focusedIs(skip), true);
  await mod.page.keyboard.press('Enter');
  assert.equal(await focusedIs(messageBox(mod.page)), true);

  // In the log, the arrow keys move from message to message and the actions follow.
  const newest = log(mod.page, GROUP).getByRole('article').filter({ hasText: `Message number ${MESSAGES}` });
  await newest.focus();
  await mod.page.keyboard.press('ArrowUp');
  const before = log(mod.page, GROUP).getByRole('article').filter({ hasText: `Message number ${MESSAGES - 1}` });
  assert.equal(await focusedIs(before), true);
  await mod.page.keyboard.press('Tab');
  const report = mod.page.getByRole('button', { name: `Report message from Raj: Message number ${MESSAGES - 1}`, exact: true });
  assert.equal(await focusedIs(report), true);
  assert.equal(await mod.page.getByRole('button', { name: /^Report message from Raj: Message number 3$/ }).count(), 1);

  // A new message is read out as "name: text", not with its buttons' labels.
  await messageBox(raj.page).fill('Anyone free for a cuppa?');
  await messageBox(raj.page).press('Enter');
  const announcer = mod.page.locator('#message-announcer');
  await announcer.getByText('Raj: Anyone free for a cuppa?', { exact: true }).waitFor({ state: 'attached' });
  assert.doesNotMatch(await announcer.textContent(), /Report|Delete/);
  assert.equal(await log(mod.page, GROUP).getAttribute('aria-live'), 'off');
  assertNoProblems(raj, mod);
});

// ---- automated checks ----------------------------------------------------------------

// Moderate findings that are accepted, each with the reason. Serious and critical ones never are.
const ACCEPTED_MODERATE = new Map([]);

function problemsIn(results, screen) {
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical' || (v.impact === 'moderate' && !ACCEPTED_MODERATE.has(v.id)))
    .map((v) => `${screen}: [${v.impact}] ${v.id}: ${v.help}\n    ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('\n    ')}`);
}

for (const [size, viewport] of [['390×844', PHONE], ['1280×800', DESKTOP]]) {
  test(`axe finds nothing serious on any main screen at ${size}`, { timeout: TEST_TIMEOUT_MS * 2 }, async (t) => {
    const server = await startServer();
    t.after(() => server.stop());
    const person = await newPersonForTest(t, viewport);
    const { page } = person;
    const found = [];
    const check = async (screen) => {
      // Let transitions and the first answers settle, as a person would see the screen.
      await page.waitForTimeout(300);
      found.push(...problemsIn(await new AxeBuilder({ page }).analyze(), screen));
    };

    await page.goto(server.url);
    await page.getByRole('textbox', { name: 'Username', exact: true }).waitFor();
    await check('sign-in');

    await signIn(page, server.url, DEMO);
    await check('group list');

    await groupsNav(page).getByRole('link', { name: 'East Midlands', exact: true }).click();
    await log(page, 'East Midlands').getByRole('article').first().waitFor();
    await check('conversation');

    const first = log(page, 'East Midlands').getByRole('article').first();
    await first.locator('.msg-text').click();
    await first.getByRole('button', { name: /^Pin message from/ }).click();
    await page.getByRole('region', { name: 'Pinned messages', exact: true }).getByRole('button').waitFor();
    await check('conversation with a pinned message');

    const meetups = page.getByRole('region', { name: 'Meetups', exact: true });
    const toggle = meetups.getByRole('button', { expanded: false }).filter({ hasText: /Next|Nothing planned/ });
    if (await toggle.isVisible()) await toggle.click();
    await meetups.getByRole('button', { name: 'Calendar', exact: true }).click();
    await meetups.getByRole('article').first().waitFor();
    await check('meet-ups panel');
    if (viewport === PHONE) await meetups.getByRole('button', { name: /Back to chat/ }).click();

    await page.getByRole('button', { name: 'Moderate', exact: true }).click();
    const moderate = page.getByRole('dialog', { name: 'Moderate East Midlands', exact: true });
    await moderate.waitFor();
    await check('moderation panel');
    await moderate.getByRole('button', { name: 'Close', exact: true }).click();

    if (viewport === PHONE) await page.getByRole('link', { name: 'All groups', exact: true }).click();
    await groupsNav(page).getByRole('button', { name: 'Create a group', exact: true }).click();
    await page.getByRole('dialog', { name: 'Create a group', exact: true }).waitFor();
    await check('create-group form');

    assert.deepEqual(found, [], `\n${found.join('\n')}`);
    assertNoProblems(person);
  });
}
