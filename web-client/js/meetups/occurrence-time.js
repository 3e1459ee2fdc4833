// When a meet-up happens, on the meet-up's own wall clock: `local_start` is
// that already, and the end comes from `ends_at` in the meet-up's `timezone`.
// Dates here are calendar dates ("2027-03-31") with no time zone, so adding
// days never slips across a clock change.

import { calendarDay } from '../format.js';

export const HOME_ZONE = 'Europe/London';
const DAY_MS = 86400000;
const LOCAL_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** "2027-03-31T16:00" → parts, or null. */
export function parseLocal(text) {
  const match = LOCAL_RE.exec(String(text || ''));
  if (!match) return null;
  const [y, m, d, hh, mm] = match.slice(1).map(Number);
  return { y, m, d, time: `${match[4]}:${match[5]}`, hh, mm };
}

/** "2027-03-31" → { y, m, d }, or null. */
export function parseDay(text) {
  const match = DATE_RE.exec(String(text || ''));
  return match ? { y: Number(match[1]), m: Number(match[2]), d: Number(match[3]) } : null;
}

function dayString(ms) {
  return new Date(ms).toISOString().slice(0, 10);
}

/** A `YYYY-MM-DD` date plus n days. */
export function addDays(text, n) {
  const day = parseDay(text);
  return day ? dayString(Date.UTC(day.y, day.m - 1, day.d) + n * DAY_MS) : text;
}

export function daysBetween(from, to) {
  const a = parseDay(from);
  const b = parseDay(to);
  return Math.round((Date.UTC(b.y, b.m - 1, b.d) - Date.UTC(a.y, a.m - 1, a.d)) / DAY_MS);
}

const zoneFormats = new Map();

/** Date and time parts of an instant on a zone's wall clock (null for a zone the browser lacks). */
function wallClock(iso, zone) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return null;
  let format = zoneFormats.get(zone);
  if (format === undefined) {
    try {
      format = new Intl.DateTimeFormat('en-GB', {
        timeZone: zone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      });
    } catch {
      format = null;
    }
    zoneFormats.set(zone, format);
  }
  if (!format) return null;
  const parts = {};
  for (const part of format.formatToParts(date)) parts[part.type] = part.value;
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

/** Today's date on a zone's clock, "2027-03-31". */
export function todayIn(zone) {
  const now = wallClock(new Date().toISOString(), zone) || wallClock(new Date().toISOString(), HOME_ZONE);
  return now ? now.date : dayString(Date.now());
}

/** This year in the UK, below which a date needs no year. */
export function homeYear() {
  return Number(todayIn(HOME_ZONE).slice(0, 4));
}

const browserZone = (() => {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || '';
  } catch {
    return '';
  }
})();

export function zoneLabel(zone) {
  return zone === HOME_ZONE ? 'UK time' : zone.replaceAll('_', ' ');
}

/**
 * When an occurrence is, on its own zone's clock:
 * { text: "Wed 9 Dec, 16:00–17:00", short: "Wed 9 Dec, 16:00", relative: "Today" | "Tomorrow" | "" }.
 */
export function describeWhen(occ) {
  const start = parseLocal(occ.local_start);
  if (!start) return { text: String(occ.local_start || ''), short: '', relative: '' };
  const zone = occ.timezone || HOME_ZONE;
  const today = todayIn(zone);
  const thisYear = Number(today.slice(0, 4));
  const day = calendarDay(start, thisYear);
  const startDate = occ.local_start.slice(0, 10);
  let end = wallClock(occ.ends_at, zone);
  if (!end) {
    // A zone this browser does not know: add the length to the wall-clock start.
    const length = new Date(occ.ends_at).getTime() - new Date(occ.starts_at).getTime();
    const wall = Date.UTC(start.y, start.m - 1, start.d, start.hh, start.mm) + (Number.isFinite(length) ? length : 0);
    const iso = new Date(wall).toISOString();
    end = { date: iso.slice(0, 10), time: iso.slice(11, 16) };
  }
  let text = `${day}, ${start.time}–${end.time}`;
  if (end.date !== startDate) {
    text = `${day}, ${start.time} – ${calendarDay(parseDay(end.date), thisYear)}, ${end.time}`;
  }
  if (browserZone && browserZone !== zone) text += ` (${zoneLabel(zone)})`;
  const offset = daysBetween(today, startDate);
  const relative = offset === 0 ? 'Today' : offset === 1 ? 'Tomorrow' : '';
  return { text, short: `${day}, ${start.time}`, relative };
}
