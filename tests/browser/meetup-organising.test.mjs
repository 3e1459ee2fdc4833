// End-to-end tests of organising a meet-up in the web client against the real
// server: who is coming, editing (with people told of the move, and the latest
// to answer sent back to the waitlist), a reason on a cancellation, and a
// one-off's wording. Controls are found by role and accessible name.

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
  newPersonForTest,
  notice,
  openGroup,
  setUpHarness,
  signIn,
  startServer,
} from './harness.mjs';
import { addDays, londonToday, meetups, occurrence, onOrAfter, openMeetups, schedule, shownDay } from './meetup-helpers.mjs';

const GROUP = 'Nottingham';
const TITLE = 'Library drop-in';
const VENUE = 'Nottingham Central Library, Angel Row';

setUpHarness();

test(
  'an organiser sees who is coming, edits a meet-up and cancels it with a reason',
  { timeout: TEST_TIMEOUT_MS },
  async (t) => {
    const server = await startServer();
    t.after(() => server.stop());
    const organiser = await newPersonForTest(t, DESKTOP);
    const ana = await newPersonForTest(t, PHONE);
    const ben = await newPersonForTest(t, PHONE);
    const day = onOrAfter(addDays(londonToday(), 14), 6);

    await createAccount(ana.page, server.url, { username: 'ana', displayName: 'Ana' });
    await joinGroup(ana.page, GROUP);
    await createAccount(ben.page, server.url, { username: 'ben', displayName: 'Ben' });
    await joinGroup(ben.page, GROUP);

    await signIn(organiser.page, server.url, DEMO);
    await openGroup(organiser.page, GROUP);
    await openMeetups(organiser.page);
    await schedule(organiser.page, { title: TITLE, inPerson: true, venue: VENUE, date: day, time: '16:00', places: 2 });
    // A one-off happens on its day: it has no "first" date.
    const status = meetups(organiser.page).getByRole('status');
    await status.filter({ hasText: `Scheduled “${TITLE}” on ${shownDay(day)} at 16:00.` }).waitFor();
    await log(organiser.page, GROUP).getByText(new RegExp(`^New meet-up: “${TITLE}” on `)).waitFor();

    for (const person of [ana, ben]) {
      await openMeetups(person.page);
      const card = occurrence(person.page, TITLE, day);
      await card.getByRole('button', { name: 'Going', exact: true }).click();
      await card.getByText("You're going", { exact: true }).waitFor();
    }
    // Members see counts, not names.
    assert.equal(await occurrence(ana.page, TITLE, day).getByText('Who’s coming').isVisible(), false);

    const card = occurrence(organiser.page, TITLE, day);
    await card.filter({ hasText: '2 / 2 going' }).waitFor();
    await card.getByText('Who’s coming', { exact: true }).click();
    await card.getByRole('heading', { name: 'Going (2)', exact: true }).waitFor();
    assert.deepEqual(await card.locator('.meetup-attendee-list li').allTextContents(), ['Ana', 'Ben']);
    assert.doesNotMatch(await card.locator('.meetup-attendees-body').textContent(), /null|undefined/);

    // Later and with one place: Ben, the later to answer, goes back to the waitlist.
    await card.getByText('Organiser options', { exact: true }).click();
    await card.getByRole('button', { name: 'Edit', exact: true }).click();
    const form = meetups(organiser.page).getByRole('form', { name: 'Edit the meet-up', exact: true });
    assert.equal(await form.getByRole('textbox', { name: 'Title', exact: true }).inputValue(), TITLE);
    assert.equal(await form.getByLabel('Date', { exact: true }).inputValue(), day);
    await form.getByLabel('Start time', { exact: true }).fill('17:00');
    await form.getByLabel('Number of places (optional)', { exact: true }).fill('1');
    await form.getByRole('button', { name: 'Save changes', exact: true }).click();
    await form.waitFor({ state: 'detached' });
    await status.filter({ hasText: `Saved the changes to “${TITLE}”.` }).waitFor();

    await notice(ana.page, `“${TITLE}” has changed: it's now, on ${shownDay(day)}, 17:00, at ${VENUE}.`).waitFor();
    await notice(ben.page, `“${TITLE}” on ${shownDay(day)}, 17:00 now has fewer places, so you're on the waitlist, number 1.`).waitFor();
    await occurrence(ben.page, TITLE, day).getByText('Waitlisted — number 1', { exact: true }).waitFor();
    const moved = occurrence(ana.page, TITLE, day);
    await moved.filter({ hasText: '17:00–18:00' }).getByText("You're going", { exact: true }).waitFor();
    await log(organiser.page, GROUP).getByText(new RegExp(`^Changed: “${TITLE}” is now on `)).waitFor();

    // Cancelled, with a reason everyone sees.
    const again = occurrence(organiser.page, TITLE, day);
    await again.getByText('Organiser options', { exact: true }).click();
    await again.getByRole('button', { name: 'Cancel this date', exact: true }).click();
    const ask = organiser.page.getByRole('dialog', { name: 'Cancel this date?', exact: true });
    await ask.getByRole('textbox', { name: 'Reason (optional)', exact: true }).fill('The library is shut for repairs');
    await ask.getByRole('button', { name: 'Cancel this date', exact: true }).click();
    await ask.waitFor({ state: 'detached' });
    await moved.getByText('Cancelled: The library is shut for repairs', { exact: true }).waitFor();
    await log(organiser.page, GROUP).getByText(/Reason: The library is shut for repairs$/).waitFor();
    assertNoProblems(organiser, ana, ben);
  },
);
