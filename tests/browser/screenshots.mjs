// Makes the README's screenshots from the real server and web client, with the
// demo data and two people using it: a worker on a phone and the demo
// organiser. Not a test; run it from the repository root after a build:
//
//   node --test tests/browser/screenshots.mjs
//
// It writes docs/screenshots/*.png (see harness.mjs for the environment).

import { test } from 'node:test';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DEMO,
  DESKTOP,
  PHONE,
  createAccount,
  groupsNav,
  joinGroup,
  log,
  messageBox,
  newPersonForTest,
  openGroup,
  setUpHarness,
  signIn,
  startServer,
} from './harness.mjs';
import { meetups, openMeetups, occurrence } from './meetup-helpers.mjs';

const OUT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'screenshots');
const GROUP = 'Nottingham';
const MEETUP_GROUP = 'East Midlands';
const NOTICE = 'Please never post names or addresses of the people you care for. Thank you!';

setUpHarness();

async function say(page, group, text) {
  await messageBox(page).fill(text);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await log(page, group).getByRole('article').filter({ hasText: text }).filter({ hasNotText: 'Sending' }).waitFor();
}

async function pin(page, group, text) {
  const message = log(page, group).getByRole('article').filter({ hasText: text });
  await message.getByText(text, { exact: true }).click();
  await message.getByRole('button', { name: /^Pin message from / }).click();
  await page.getByRole('region', { name: 'Pinned messages', exact: true }).waitFor();
}

async function shoot(page, name) {
  // Let fonts, the live region and any transition settle before the picture.
  await page.waitForTimeout(400);
  await page.screenshot({ path: path.join(OUT, `${name}.png`) });
}

test('README screenshots', { timeout: 120_000 }, async (t) => {
  const server = await startServer();
  const jo = await newPersonForTest(t, PHONE);
  const organiser = await newPersonForTest(t, DESKTOP);

  await createAccount(jo.page, server.url, { username: 'jo.morris', displayName: 'Jo Morris' });
  await joinGroup(jo.page, GROUP);
  await signIn(organiser.page, server.url, DEMO);
  await openGroup(organiser.page, GROUP);
  await say(organiser.page, GROUP, NOTICE);
  await pin(organiser.page, GROUP, NOTICE);

  await say(jo.page, GROUP, 'Anyone covering the Bulwell rounds on Saturday? My car is in the garage.');
  await say(organiser.page, GROUP, 'Sam said she might. Try the East Midlands group too, they are quick to answer.');
  await say(jo.page, GROUP, 'Thanks, will do. See you at Wednesday tea and talk!');
  await shoot(jo.page, 'phone-conversation');
  await shoot(organiser.page, 'desktop-conversation');

  // The group list a worker comes back to: what is new in each group.
  await jo.page.getByRole('link', { name: 'All groups', exact: true }).click();
  await groupsNav(jo.page).waitFor();
  await shoot(jo.page, 'phone-groups');

  // The organiser's view of a meet-up: places, who is coming, edit and cancel.
  await joinGroup(jo.page, MEETUP_GROUP);
  await openMeetups(jo.page);
  const talk = occurrence(jo.page, 'Wednesday tea and talk (online)').first();
  await talk.getByRole('button', { name: 'Going', exact: true }).click();
  await talk.getByText("You're going", { exact: true }).waitFor();

  const phoneOrganiser = await newPersonForTest(t, PHONE);
  await signIn(phoneOrganiser.page, server.url, DEMO);
  await openGroup(phoneOrganiser.page, MEETUP_GROUP);
  await openMeetups(phoneOrganiser.page);
  const card = occurrence(phoneOrganiser.page, 'Wednesday tea and talk (online)').first();
  await card.getByText('Who’s coming', { exact: true }).click();
  await card.getByRole('heading', { name: 'Going (1)', exact: true }).waitFor();
  await card.scrollIntoViewIfNeeded();
  await meetups(phoneOrganiser.page).waitFor();
  await shoot(phoneOrganiser.page, 'phone-meetups');
});
