// Hostile HTML in every field a person can fill in and others see: group name, region and
// description, meet-up title, description and venue, report reasons and the moderation log.
// Each must be shown as the text it is, and nothing in it may run or become an element.
// (Message text and display names are covered in chat.test.mjs.)

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
  log,
  messageBox,
  newPersonForTest,
  setUpHarness,
  signIn,
  startServer,
} from './harness.mjs';

// Each would leave an element with an id starting "pwn", or set window.__pwned, if it were
// ever parsed as HTML.
const NAME = '<img id=pwn1 src=x onerror="window.__pwned=1">Hostile';
const REGION = '<b id=pwn2>Region</b>';
const DESCRIPTION = '<script id=pwn3>window.__pwned=3</script><a id=pwn4 href="javascript:window.__pwned=4">about us</a>';
const TITLE = '<svg id=pwn5 onload="window.__pwned=5"></svg>Cuppa';
const MEETUP_DESCRIPTION = '<iframe id=pwn6 srcdoc="<script>parent.__pwned=6</script>"></iframe>';
const VENUE = '<img id=pwn7 src=x onerror="window.__pwned=7">Library';
const REPORT_REASON = '<img id=pwn8 src=x onerror="window.__pwned=8">spam';
const BAN_REASON = '<style id=pwn9>body{display:none}</style>rude';

setUpHarness();

/** Runs protocol requests over a WebSocket of the signed-in page, as any client could. */
async function requests(page, calls) {
  return page.evaluate(async (list) => {
    const ws = new WebSocket(`${location.origin.replace(/^http/, 'ws')}/ws`);
    const replies = new Map();
    await new Promise((resolve, reject) => {
      ws.onopen = resolve;
      ws.onerror = reject;
    });
    ws.onmessage = (event) => {
      const frame = JSON.parse(event.data);
      if (frame.id !== undefined && replies.has(frame.id)) replies.get(frame.id)(frame);
    };
    const results = [];
    let id = 0;
    for (const call of list) {
      id += 1;
      // Earlier results fill in ids: "$0.group.id" is the first result's group id.
      const params = JSON.parse(
        JSON.stringify(call.params).replace(/"\$(\d+)\.([\w.]+)"/g, (_, index, path) =>
          JSON.stringify(path.split('.').reduce((value, key) => value[key], results[Number(index)])),
        ),
      );
      const reply = await new Promise((resolve) => {
        replies.set(id, resolve);
        ws.send(JSON.stringify({ id, type: call.type, ...params }));
      });
      if (!reply.ok) throw new Error(`${call.type}: ${JSON.stringify(reply.error)}`);
      results.push(reply.result);
    }
    ws.close();
    return results;
  }, calls);
}

function inThreeDays() {
  const day = new Date(Date.now() + 3 * 86_400_000);
  const two = (n) => String(n).padStart(2, '0');
  return `${day.getFullYear()}-${two(day.getMonth() + 1)}-${two(day.getDate())}T18:00`;
}

async function assertNothingRan(person) {
  assert.equal(await person.page.evaluate(() => document.querySelector('[id^="pwn"]')), null, 'hostile text became an element');
  assert.equal(await person.page.evaluate(() => window.__pwned), undefined, 'hostile text ran');
}

test('hostile HTML in groups, meet-ups, reports and the moderation log is shown as text and never runs', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const admin = await newPersonForTest(t, DESKTOP);
  const wendy = await newPersonForTest(t, PHONE);

  await signIn(admin.page, server.url, DEMO);
  await createAccount(wendy.page, server.url, { username: 'wendy', displayName: 'Wendy H' });
  const [created] = await requests(admin.page, [
    { type: 'groups.create', params: { name: NAME, region: REGION, description: DESCRIPTION, visibility: 'public' } },
    {
      type: 'meetups.create',
      params: {
        group: '$0.group.id',
        title: TITLE,
        description: MEETUP_DESCRIPTION,
        kind: 'in_person',
        location: VENUE,
        start: inThreeDays(),
        timezone: 'Europe/London',
        duration_minutes: 90,
      },
    },
  ]);
  const group = created.group.id;

  // Wendy finds the group by its name, joins and posts; the admin reports her message.
  await wendy.page.reload();
  const link = groupsNav(wendy.page).getByRole('link', { name: NAME, exact: true });
  await link.click();
  await wendy.page.getByRole('button', { name: 'Join', exact: true }).click();
  await messageBox(wendy.page).fill('Hello all');
  await wendy.page.getByRole('button', { name: 'Send', exact: true }).click();
  await log(wendy.page, NAME).getByText('Hello all', { exact: true }).waitFor();
  await wendy.page.getByText(DESCRIPTION, { exact: true }).waitFor();
  await wendy.page.getByText(TITLE).first().waitFor();

  const [history] = await requests(admin.page, [{ type: 'messages.history', params: { group } }]);
  const message = history.messages.find((m) => m.text === 'Hello all');
  const wendyId = message.author.id;
  await requests(admin.page, [
    { type: 'groups.join', params: { group } },
    { type: 'messages.report', params: { group, message: message.id, reason: REPORT_REASON } },
    { type: 'groups.ban', params: { group, user: wendyId, reason: BAN_REASON } },
  ]);

  // The admin sees every field as text: the group list, the header, the meet-up, the report
  // and the log entry with its reason.
  await admin.page.reload();
  await groupsNav(admin.page).getByRole('link', { name: NAME, exact: true }).click();
  await admin.page.getByText(DESCRIPTION, { exact: true }).waitFor();
  await admin.page.getByText(REGION).first().waitFor();
  const meetups = admin.page.getByRole('region', { name: 'Meetups', exact: true });
  await meetups.getByRole('article', { name: TITLE, exact: true }).first().waitFor();
  await meetups.getByText(VENUE).first().waitFor();
  await admin.page.getByRole('button', { name: 'Moderate', exact: true }).click();
  const dialog = admin.page.getByRole('dialog', { name: `Moderate ${NAME}`, exact: true });
  await dialog.getByRole('tab', { name: /^Reports/ }).click();
  await dialog.getByText(REPORT_REASON).first().waitFor();
  await dialog.getByRole('tab', { name: /^Log/ }).click();
  await dialog.getByText(BAN_REASON).first().waitFor();

  // Wendy, banned, is told by name; nothing ran for her either.
  await wendy.page.getByText(NAME).first().waitFor();
  await assertNothingRan(admin);
  await assertNothingRan(wendy);
  assertNoProblems(admin, wendy);
});
