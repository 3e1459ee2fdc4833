// End-to-end tests of meet-ups in the web client against the real server, in
// headless Chromium, finding controls by role and accessible name
// (PROTOCOL.md §4: a region labelled "Meetups"; each occurrence with the
// buttons "Going" and "Can't go").
//
// The server, browser and shared helpers come from harness.mjs (see there for
// the environment variables). Every test gets its own seeded database and
// server on a free port. The seed's `demo` account is a site admin and a
// moderator of every demo group.

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
import {
  addDays,
  londonToday,
  meetups,
  occurrence,
  onOrAfter,
  openMeetups,
  schedule,
  shownDay,
  springForward,
} from './meetup-helpers.mjs';

const GROUP = 'Nottingham';
const ONLINE = 'Fortnightly online catch-up';
const IN_PERSON = 'Nottingham in-person meet-up';
const VENUE = 'Nottingham Central Library, Angel Row';

setUpHarness();

// ---- tests ------------------------------------------------------------------------------

test(
  'an organiser schedules meet-ups; members answer, wait for a place and are promoted',
  { timeout: TEST_TIMEOUT_MS },
  async (t) => {
    const server = await startServer();
    t.after(() => server.stop());
    const organiser = await newPersonForTest(t, DESKTOP);
    const ana = await newPersonForTest(t, PHONE);
    const ben = await newPersonForTest(t, PHONE);

    // A Wednesday a few weeks ahead, and a one-off a week later.
    const today = londonToday();
    const firstCatchUp = onOrAfter(addDays(today, 21), 3);
    const libraryDay = addDays(firstCatchUp, 7);

    await signIn(organiser.page, server.url, DEMO);
    await openGroup(organiser.page, GROUP);
    await openMeetups(organiser.page);
    const preset = await schedule(organiser.page, {
      title: ONLINE,
      url: 'https://meet.example.org/carecircle-nottingham',
      date: firstCatchUp,
      time: '16:00',
      // Online meet-ups start out fortnightly.
      check: (form) => form.getByLabel('Repeat', { exact: true }).inputValue(),
    });
    assert.equal(preset, '2', 'an online meet-up should default to every 2 weeks');
    await schedule(organiser.page, {
      title: IN_PERSON,
      inPerson: true,
      venue: VENUE,
      date: libraryDay,
      time: '16:00',
      places: 1,
    });
    const fortnightAfter = occurrence(organiser.page, ONLINE, addDays(firstCatchUp, 14));
    await fortnightAfter.filter({ hasText: '16:00–17:00' }).waitFor();
    await log(organiser.page, GROUP)
      .getByText(/^New meet-up: “Fortnightly online catch-up”, every 2 weeks/)
      .waitFor();

    // A worker on a phone joins the group and sees both, with their details.
    await createAccount(ana.page, server.url, { username: 'ana', displayName: 'Ana' });
    await joinGroup(ana.page, GROUP);
    const bar = meetups(ana.page).getByRole('button', { expanded: false });
    await bar.filter({ hasText: `Next: ${shownDay(firstCatchUp)}, 16:00` }).waitFor();
    await openMeetups(ana.page);
    const catchUp = occurrence(ana.page, ONLINE, firstCatchUp);
    await catchUp.filter({ hasText: `${shownDay(firstCatchUp)}, 16:00–17:00` }).waitFor();
    assert.equal(
      await catchUp.getByRole('link', { name: 'Join online', exact: true }).getAttribute('href'),
      'https://meet.example.org/carecircle-nottingham',
    );
    const library = occurrence(ana.page, IN_PERSON, libraryDay);
    await library.filter({ hasText: VENUE }).filter({ hasText: '0 / 1 going' }).waitFor();

    await library.getByRole('button', { name: 'Going', exact: true }).click();
    await library.getByText("You're going", { exact: true }).waitFor();
    await library.filter({ hasText: '1 / 1 going · Full' }).waitFor();
    assert.equal(
      await library.getByRole('button', { name: 'Going', exact: true }).getAttribute('aria-pressed'),
      'true',
    );

    // A second worker finds it full and goes on the waitlist.
    await createAccount(ben.page, server.url, { username: 'ben', displayName: 'Ben' });
    await joinGroup(ben.page, GROUP);
    await openMeetups(ben.page);
    const benLibrary = occurrence(ben.page, IN_PERSON, libraryDay);
    await benLibrary.filter({ hasText: 'Full' }).waitFor();
    // The venue is a link to a map search of its address, for directions on a phone.
    const venue = new URL(await benLibrary.getByRole('link', { name: `${VENUE} (map)` }).getAttribute('href'));
    assert.equal(venue.origin + venue.pathname, 'https://www.openstreetmap.org/search');
    assert.equal(venue.searchParams.get('query'), VENUE);
    await benLibrary.getByRole('button', { name: 'Going', exact: true }).click();
    await benLibrary.getByText('Waitlisted — number 1', { exact: true }).waitFor();
    // One state, the true one: on the waitlist is not going, so "Going" is not shown as chosen.
    assert.equal(
      await benLibrary.getByRole('button', { name: 'Going', exact: true }).getAttribute('aria-pressed'),
      'false',
    );
    assert.equal(await benLibrary.getByText("You're going").count(), 0);
    // Everyone's counts follow live.
    await library.filter({ hasText: '1 waitlisted' }).waitFor();

    // The first drops out: the second is promoted, told, and shown as going.
    await library.getByRole('button', { name: "Can't go", exact: true }).click();
    await library.getByText("You can't go", { exact: true }).waitFor();
    await notice(ben.page, `A place opened up: you're now going to “${IN_PERSON}”`).waitFor();
    await benLibrary.getByText("You're going", { exact: true }).waitFor();
    await benLibrary.filter({ hasText: '1 / 1 going' }).filter({ hasNotText: 'waitlisted' }).waitFor();
    await occurrence(organiser.page, IN_PERSON, libraryDay).filter({ hasText: '1 / 1 going · Full' }).waitFor();

    // The series keeps 16:00 on both sides of the spring clock change; only UTC moves.
    const year = Number(firstCatchUp.slice(0, 4));
    const change = springForward(firstCatchUp < springForward(year) ? year : year + 1);
    const jump = meetups(organiser.page).getByLabel('Show meet-ups from', { exact: true });
    await jump.fill(addDays(change, -21));
    await meetups(organiser.page).getByRole('button', { name: 'Show', exact: true }).click();
    await meetups(organiser.page)
      .getByText(`Showing meet-ups from ${shownDay(addDays(change, -21)).replace(/ \d{4}$/, '')}`)
      .waitFor();
    const around = occurrence(organiser.page, ONLINE);
    await around.first().waitFor();
    const shown = await around.evaluateAll((articles) =>
      articles.map((a) => ({
        text: a.querySelector('time').textContent,
        utc: a.querySelector('time').getAttribute('datetime'),
      })),
    );
    const before = shown.filter((o) => o.utc.slice(0, 10) < change);
    const afterChange = shown.filter((o) => o.utc.slice(0, 10) > change);
    assert.ok(
      before.length >= 1 && afterChange.length >= 1,
      `dates on both sides of ${change}: ${JSON.stringify(shown)}`,
    );
    for (const o of shown) assert.match(o.text, /, 16:00–17:00$/, JSON.stringify(o));
    for (const o of before) assert.match(o.utc, /T16:00:00\.000Z$/, `GMT before ${change}: ${o.utc}`);
    for (const o of afterChange) assert.match(o.utc, /T15:00:00\.000Z$/, `BST after ${change}: ${o.utc}`);

    // Add to calendar: the personal feed, as webcal:// and as an address to copy, and it is a real calendar.
    // It opens from the panel's header, above the dates, not after the last of them.
    const calendarButton = meetups(organiser.page).getByRole('button', { name: 'Calendar', exact: true });
    assert.equal(await calendarButton.getAttribute('aria-expanded'), 'false');
    await calendarButton.click();
    assert.equal(await calendarButton.getAttribute('aria-expanded'), 'true');
    const add = meetups(organiser.page).getByRole('link', { name: 'Add to calendar', exact: true });
    await add.waitFor();
    const heading = await meetups(organiser.page).getByRole('heading', { name: 'Meetups', exact: true }).boundingBox();
    const addBox = await add.boundingBox();
    const firstDate = await occurrence(organiser.page, ONLINE).first().boundingBox();
    assert.ok(addBox.y < firstDate.y, 'the calendar subscription should come before the dates');
    assert.ok((await calendarButton.boundingBox()).y < heading.y + heading.height, 'the Calendar button sits in the header');
    const href = await add.getAttribute('href');
    const { host } = new URL(server.url);
    assert.match(href, new RegExp(`^webcal://${host.replace(/\./g, '\\.')}/api/calendar\\.ics\\?key=[A-Za-z0-9_-]+$`));
    const address = await meetups(organiser.page)
      .getByRole('textbox', { name: 'Calendar address', exact: true })
      .inputValue();
    assert.equal(address, `${server.url}${href.slice(`webcal://${host}`.length)}`);
    const feed = await fetch(address);
    assert.equal(feed.status, 200);
    assert.match(feed.headers.get('content-type'), /^text\/calendar/);
    const ics = await feed.text();
    assert.match(ics, /SUMMARY:Fortnightly online catch-up\r\n/);
    assert.match(ics, /RRULE:FREQ=WEEKLY;INTERVAL=2\r\n/);
    assert.match(ics, /SUMMARY:Nottingham in-person meet-up\r\n/);
    const groupFeed = meetups(organiser.page).getByRole('link', { name: `Add only ${GROUP}’s meet-ups`, exact: true });
    assert.match(await groupFeed.getAttribute('href'), /^webcal:\/\/[^/]+\/api\/groups\/\d+\/meetups\.ics$/);
    assertNoProblems(organiser, ana, ben);
  },
);

test(
  'an organiser cancels one date; members see it cancelled at once, and titles stay text',
  { timeout: TEST_TIMEOUT_MS },
  async (t) => {
    const server = await startServer();
    t.after(() => server.stop());
    const organiser = await newPersonForTest(t, DESKTOP);
    const cara = await newPersonForTest(t, PHONE);
    const title = 'Weekly <b>tea</b> & chat <img src=x onerror="window.__pwned=1">';
    const first = onOrAfter(addDays(londonToday(), 7), 4);
    const second = addDays(first, 7);

    await createAccount(cara.page, server.url, { username: 'cara', displayName: 'Cara' });
    await joinGroup(cara.page, GROUP);
    await signIn(organiser.page, server.url, DEMO);
    await openGroup(organiser.page, GROUP);
    await openMeetups(organiser.page);
    await schedule(organiser.page, {
      title,
      url: 'https://meet.example.org/tea',
      date: first,
      time: '10:30',
      repeat: 'Every week',
    });

    // Created while Cara has the group open: it appears without a reload.
    await openMeetups(cara.page);
    const caraSecond = occurrence(cara.page, title, second);
    await caraSecond.filter({ hasText: '10:30–11:30' }).waitFor();
    await caraSecond.getByRole('button', { name: 'Going', exact: true }).click();
    await caraSecond.getByText("You're going", { exact: true }).waitFor();

    const date = occurrence(organiser.page, title, second);
    await date.getByText('Organiser options', { exact: true }).click();
    await date.getByRole('button', { name: 'Cancel this date', exact: true }).click();
    const ask = organiser.page.getByRole('dialog', { name: 'Cancel this date?', exact: true });
    await ask.getByRole('button', { name: 'Cancel this date', exact: true }).click();
    await ask.waitFor({ state: 'detached' });

    await caraSecond.getByText('This date is cancelled.', { exact: true }).waitFor();
    assert.equal(await caraSecond.getByRole('button', { name: 'Going', exact: true }).count(), 0);
    await occurrence(cara.page, title, first).getByRole('button', { name: 'Going', exact: true }).waitFor();
    await occurrence(cara.page, title, addDays(second, 7))
      .getByRole('button', { name: "Can't go", exact: true })
      .waitFor();
    // Back to the chat, where the group was told.
    await meetups(cara.page)
      .getByRole('button', { name: /Back to chat$/, expanded: true })
      .click();
    await log(cara.page, GROUP)
      .getByText(/^Cancelled: “Weekly <b>tea<\/b>/)
      .waitFor();
    await cara.page.getByRole('textbox', { name: 'Message', exact: true }).waitFor();

    for (const person of [organiser, cara]) {
      assert.equal(await meetups(person.page).locator('b, img, script').count(), 0, 'a title was parsed as HTML');
      assert.equal(await person.page.evaluate(() => window.__pwned), undefined);
    }
    assertNoProblems(organiser, cara);
  },
);
