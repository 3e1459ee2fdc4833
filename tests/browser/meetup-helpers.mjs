// What the meet-up browser tests share: dates as the panel shows them (local
// dates in Europe/London) and finding the panel, its dates and the scheduling
// form by role and accessible name.

// ---- dates (local dates in Europe/London, as YYYY-MM-DD) ----------------------------

const DAY_MS = 86_400_000;
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function londonToday() {
  const parts = {};
  const format = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  for (const part of format.formatToParts(new Date())) parts[part.type] = part.value;
  return `${parts.year}-${parts.month}-${parts.day}`;
}

export function addDays(day, n) {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

export function weekday(day) {
  return new Date(`${day}T00:00:00Z`).getUTCDay();
}

/** The first date on or after `day` that falls on `dow` (0 Sunday … 6 Saturday). */
export function onOrAfter(day, dow) {
  let d = day;
  while (weekday(d) !== dow) d = addDays(d, 1);
  return d;
}

/** The UK's spring clock change: the last Sunday of March. */
export function springForward(year) {
  let d = `${year}-03-31`;
  while (weekday(d) !== 0) d = addDays(d, -1);
  return d;
}

/** "Wed 9 Dec", as the panel shows a date (with the year when it is not this year). */
export function shownDay(day) {
  const [y, m, d] = day.split('-').map(Number);
  const thisYear = Number(londonToday().slice(0, 4));
  return `${WEEKDAYS[weekday(day)]} ${d} ${MONTHS[m - 1]}${y === thisYear ? '' : ` ${y}`}`;
}

// ---- meet-ups in the page ---------------------------------------------------------

export function meetups(page) {
  return page.getByRole('region', { name: 'Meetups', exact: true });
}

/**
 * Show the whole panel. On a phone it is a bar under the conversation header
 * (the next meet-up and a button that opens the list); wide, it is always open.
 */
export async function openMeetups(page) {
  const region = meetups(page);
  await region.waitFor();
  const toggle = region.getByRole('button', { expanded: false }).filter({ hasText: /Next|Nothing planned|Loading/ });
  if (await toggle.isVisible()) await toggle.click();
  await region.getByRole('button', { name: 'Show later dates', exact: true }).waitFor();
  return region;
}

/** One occurrence in the panel: its article, named by the title, holding the date shown. */
export function occurrence(page, title, day) {
  const articles = meetups(page).getByRole('article', { name: title, exact: true });
  return day ? articles.filter({ hasText: shownDay(day) }) : articles;
}

export async function schedule(page, fields) {
  const region = meetups(page);
  await region.getByRole('button', { name: 'Schedule a meet-up', exact: true }).click();
  const form = region.getByRole('form', { name: 'Schedule a meet-up', exact: true });
  await form.getByRole('textbox', { name: 'Title', exact: true }).fill(fields.title);
  if (fields.inPerson) {
    await form.getByRole('radio', { name: 'In person', exact: true }).check();
    await form.getByRole('textbox', { name: 'Venue', exact: true }).fill(fields.venue);
  } else {
    await form.getByLabel('Video call link', { exact: true }).fill(fields.url);
  }
  await form.getByLabel('Date', { exact: true }).fill(fields.date);
  await form.getByLabel('Start time', { exact: true }).fill(fields.time);
  if (fields.repeat) await form.getByLabel('Repeat', { exact: true }).selectOption({ label: fields.repeat });
  if (fields.places) await form.getByLabel('Number of places (optional)', { exact: true }).fill(String(fields.places));
  const checks = fields.check ? await fields.check(form) : null;
  await form.getByRole('button', { name: 'Schedule', exact: true }).click();
  await form.waitFor({ state: 'hidden' });
  await occurrence(page, fields.title, fields.date).waitFor();
  return checks;
}
