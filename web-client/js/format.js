// How counts, names, times and dates are written out for people. Kept in one
// place so that every view says "1 member", "today at 14:05" or "Wed 9 Dec"
// the same way, in the service's language (en-GB).

const DAY_MS = 86400000;

// ---- counts and names -------------------------------------------------------------

/** "1 member", "2 members". */
export function plural(n, one, many) {
  return `${n} ${n === 1 ? one : many}`;
}

/** The name a person goes by, or `fallback` when there is none. */
export function displayName(user, fallback = 'Someone') {
  return (user && (user.display_name || user.username)) || fallback;
}

/** Length as people count it: an emoji is one character, not two. */
export function codePoints(text) {
  return Array.from(text).length;
}

/** At most `max` characters, with an ellipsis when cut. */
export function shorten(text, max) {
  const chars = Array.from(text);
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : text;
}

// ---- instants, on this device's clock ----------------------------------------------

const clockFormat = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit' });
const fullFormat = new Intl.DateTimeFormat('en-GB', {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});
const shortDayFormat = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short' });
const shortYearFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric' });
const weekdayFormat = new Intl.DateTimeFormat('en-GB', { weekday: 'long' });
const longDayFormat = new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long' });
const longYearFormat = new Intl.DateTimeFormat('en-GB', {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
});
const shortDateTimeFormat = new Intl.DateTimeFormat('en-GB', {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
});

/** A Date from an ISO time, or null when it is not one. */
export function toDate(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** "14:05". */
export function clockTime(date) {
  return clockFormat.format(date);
}

/** "Wednesday 9 December 2026 at 14:05", for a tooltip. */
export function fullDateTime(date) {
  return fullFormat.format(date);
}

function startOfDay(date) {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate());
}

/** Whole days from today to the date: 0 today, -1 yesterday, 1 tomorrow. */
export function daysFromToday(date) {
  return Math.round((startOfDay(date) - startOfDay(new Date())) / DAY_MS);
}

/** A heading for a day of messages: "Today", "Yesterday", "Monday", "Wednesday 9 December". */
export function messageDay(date) {
  const days = -daysFromToday(date);
  if (days === 0) return 'Today';
  if (days === 1) return 'Yesterday';
  if (days > 1 && days < 7) return weekdayFormat.format(date);
  if (date.getFullYear() === new Date().getFullYear()) return longDayFormat.format(date);
  return longYearFormat.format(date);
}

/** "14:05" today, "Yesterday", "Mon" within the week, else "9 Dec" (or "9 Dec 2025"). */
export function listTime(iso) {
  const date = toDate(iso);
  if (!date) return '';
  const days = -daysFromToday(date);
  if (days === 0) return clockTime(date);
  if (days === 1) return 'Yesterday';
  if (days > 1 && days < 7) return new Intl.DateTimeFormat('en-GB', { weekday: 'short' }).format(date);
  if (date.getFullYear() === new Date().getFullYear()) {
    return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short' }).format(date);
  }
  return shortYearFormat.format(date);
}

/** A group list's line about its latest message: { text: "Jo M: start of text", time: "14:05" }, empty when there is none. */
export function lastMessageLine(last) {
  if (!last) return { text: '', time: '' };
  const text = last.deleted ? 'message deleted' : shorten(String(last.excerpt || '').replace(/\s+/g, ' ').trim(), 80);
  return { text: `${displayName(last.author)}: ${text}`, time: listTime(last.created_at) };
}

/** "today at 14:05", "yesterday at 09:10", "tomorrow at 07:00", "Fri 12 Dec at 16:00". */
export function relativeDateTime(iso) {
  const date = toDate(iso);
  if (!date) return '';
  const days = daysFromToday(date);
  const time = clockTime(date);
  if (days === 0) return `today at ${time}`;
  if (days === -1) return `yesterday at ${time}`;
  if (days === 1) return `tomorrow at ${time}`;
  if (date.getFullYear() === new Date().getFullYear()) return `${shortDayFormat.format(date)} at ${time}`;
  return `${shortYearFormat.format(date)} at ${time}`;
}

// Times inside the server's messages ("muted until 2026-12-11T16:00:00.000Z") are shown local.
const ISO_TIME = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z\b/g;

/** The text with every ISO time in it written on this device's clock. */
export function localTimes(text) {
  return text.replace(ISO_TIME, (iso) => {
    const date = toDate(iso);
    return date ? shortDateTimeFormat.format(date) : iso;
  });
}

// ---- calendar dates, with no time zone ---------------------------------------------
// A meet-up's date is a date on its own wall clock, so these work on { y, m, d }
// parts rather than on instants.

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function weekdayOf({ y, m, d }) {
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

/** "Wed 9 Dec", with the year when it is not `thisYear`. */
export function calendarDay(day, thisYear) {
  return `${WEEKDAYS[weekdayOf(day)]} ${day.d} ${MONTHS[day.m - 1]}${day.y === thisYear ? '' : ` ${day.y}`}`;
}

/** "Wednesday". */
export function weekdayName(day) {
  return WEEKDAY_NAMES[weekdayOf(day)];
}

// ---- titles ------------------------------------------------------------------------

/** A title in running text: “Fortnightly catch-up”. */
export function quoted(title) {
  return `“${title}”`;
}
