// The open group's meet-ups (PROTOCOL.md §3 "Meetups", protocol/README.md
// "Meetups"): a region labelled "Meetups" with the next occurrences, each with
// the buttons "Going" and "Can't go"; a form for organisers to schedule one
// and actions to cancel a date or a series; the personal calendar feed; and
// notices for promotions from the waitlist and reminders.
//
// On a phone (and up to 1099px) the region is a bar under the conversation
// header with the next meet-up; opening it swaps the chat for the full list.
// Wider, it is a column beside the chat.
//
// Times are shown on the meetup's own wall clock: `local_start` is that
// already, and the end comes from `ends_at` in the meetup's `timezone`.

import { ask } from './ask.js';
import { describeError, h, setMessage } from './dom.js';

const LIST_DAYS = 56;
// meetups.list takes at most 732 days at once; longer views are fetched in chunks.
const CHUNK_DAYS = 365;
const DAY_MS = 86400000;
const HOME_ZONE = 'Europe/London';
const RELOAD_DELAY_MS = 150;
const MAX_TITLE = 120;
const MAX_DESCRIPTION = 2000;
const MAX_LOCATION = 200;
const MAX_URL = 500;
const MAX_CAPACITY = 10000;
const MAX_COUNT = 100;

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DURATIONS = [
  ['30 minutes', 30],
  ['45 minutes', 45],
  ['1 hour', 60],
  ['1½ hours', 90],
  ['2 hours', 120],
  ['3 hours', 180],
  ['Half a day (4 hours)', 240],
];
const REPEATS = [
  ['Does not repeat', '0'],
  ['Every week', '1'],
  ['Every 2 weeks (fortnightly)', '2'],
  ['Every 3 weeks', '3'],
  ['Every 4 weeks', '4'],
];
const EVERY = { 1: 'Every week', 2: 'Every 2 weeks', 3: 'Every 3 weeks', 4: 'Every 4 weeks' };

// ---- dates and times -----------------------------------------------------------------

const LOCAL_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** "2027-03-31T16:00" → parts, or null. */
function parseLocal(text) {
  const match = LOCAL_RE.exec(String(text || ''));
  if (!match) return null;
  const [y, m, d, hh, mm] = match.slice(1).map(Number);
  return { y, m, d, time: `${match[4]}:${match[5]}`, hh, mm };
}

function parseDay(text) {
  const match = DATE_RE.exec(String(text || ''));
  return match ? { y: Number(match[1]), m: Number(match[2]), d: Number(match[3]) } : null;
}

function dayString(ms) {
  return new Date(ms).toISOString().slice(0, 10);
}

/** A `YYYY-MM-DD` date plus n days (calendar arithmetic, no time zone). */
function addDays(text, n) {
  const day = parseDay(text);
  return day ? dayString(Date.UTC(day.y, day.m - 1, day.d) + n * DAY_MS) : text;
}

function daysBetween(from, to) {
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

function todayIn(zone) {
  const now = wallClock(new Date().toISOString(), zone) || wallClock(new Date().toISOString(), HOME_ZONE);
  return now ? now.date : dayString(Date.now());
}

/** "Wed 9 Dec", with the year when it is not this year. */
function dayLabel({ y, m, d }, thisYear) {
  const weekday = WEEKDAYS[new Date(Date.UTC(y, m - 1, d)).getUTCDay()];
  return `${weekday} ${d} ${MONTHS[m - 1]}${y === thisYear ? '' : ` ${y}`}`;
}

const browserZone = (() => {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || '';
  } catch {
    return '';
  }
})();

function zoneLabel(zone) {
  return zone === HOME_ZONE ? 'UK time' : zone.replaceAll('_', ' ');
}

/**
 * When an occurrence is, on its own zone's clock:
 * { text: "Wed 9 Dec, 16:00–17:00", short: "Wed 9 Dec, 16:00", relative: "Today" | "Tomorrow" | "" }.
 */
function describeWhen(occ) {
  const start = parseLocal(occ.local_start);
  if (!start) return { text: String(occ.local_start || ''), short: '', relative: '' };
  const zone = occ.timezone || HOME_ZONE;
  const today = todayIn(zone);
  const thisYear = Number(today.slice(0, 4));
  const day = dayLabel(start, thisYear);
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
    text = `${day}, ${start.time} – ${dayLabel(parseDay(end.date), thisYear)}, ${end.time}`;
  }
  if (browserZone && browserZone !== zone) text += ` (${zoneLabel(zone)})`;
  const offset = daysBetween(today, startDate);
  const relative = offset === 0 ? 'Today' : offset === 1 ? 'Tomorrow' : '';
  return { text, short: `${day}, ${start.time}`, relative };
}

function quoted(title) {
  return `“${title}”`;
}

function plural(n, one, many) {
  return `${n} ${n === 1 ? one : many}`;
}

function keyOf(meetup, localStart) {
  return `${meetup}@${localStart}`;
}

function safeUrl(url) {
  return typeof url === 'string' && /^https?:\/\//i.test(url) ? url : null;
}

function isSiteModerator(user) {
  return Boolean(user && (user.role === 'moderator' || user.role === 'admin'));
}

let itemCount = 0;

export class Meetups {
  #conn;
  #groups;
  #getUser;
  #notice = document.getElementById('app-notice');
  #panels = document.getElementById('group-panels');

  // Built once, moved in and out of #group-panels.
  #section;
  #toggle;
  #toggleNext;
  #toggleWhen;
  #toggleWord;
  #body;
  #status;
  #error;
  #rangeNote;
  #list;
  #empty;
  #later;
  #jumpForm;
  #jumpInput;
  #backToUpcoming;
  #readerNote;
  #organise;
  #scheduleButton;
  #form;
  #calendar;
  #calendarLink;
  #calendarInput;
  #calendarCopy;
  #calendarStatus;
  #groupFeed;
  #groupFeedLink;
  #rotate;

  // The open group and what the person may do in it.
  #group = null;
  #generation = 0;
  #canRead = false;
  #canRsvp = false;
  #canOrganise = false;
  #open = false;

  // The occurrences shown: from `#from` to `#to` (both local dates, inclusive).
  #from = '';
  #to = '';
  #upcoming = true;
  #occurrences = new Map();
  #items = new Map();
  #loaded = false;
  #loading = false;
  #next = null;
  #reloadTimer = 0;
  #loadSeq = 0;
  #situation = '';
  #deniedIn = null;
  #calendarPath = null;
  #calendarLoading = false;
  #calendarFailed = false;
  #confirms = new Set();

  constructor({ conn, groups, conversation, getUser }) {
    this.#conn = conn;
    this.#groups = groups;
    this.#getUser = getUser;
    this.#build();

    conversation.addEventListener('open', (event) => this.#onOpen(event.detail.group));
    conversation.addEventListener('close', () => this.#onOpen(null));
    groups.addEventListener('change', () => this.#sync());
    // main.js learns the user from the same event; look once every listener has run.
    conn.addEventListener('hello', () => queueMicrotask(() => this.#sync()));
    conn.addEventListener('ready', () => {
      this.#calendarFailed = false;
      if (this.#canRead) this.#scheduleReload();
    });
    conn.addEventListener('meetup.created', (event) => this.#onChanged(event.detail));
    conn.addEventListener('meetup.cancelled', (event) => this.#onChanged(event.detail));
    conn.addEventListener('meetup.updated', (event) => this.#onUpdated(event.detail));
    conn.addEventListener('meetup.promoted', (event) => this.#onPromoted(event.detail));
    conn.addEventListener('meetup.reminder', (event) => this.#onReminder(event.detail));
  }

  /** Forget everything (sign-out). */
  reset() {
    this.#onOpen(null);
    for (const dialog of [...this.#confirms]) dialog.close();
    this.#calendarPath = null;
    this.#renderCalendar();
  }

  // ---- the open group ---------------------------------------------------------------------

  #onOpen(group) {
    if (group === this.#group) {
      this.#sync();
      return;
    }
    this.#group = group;
    this.#generation += 1;
    clearTimeout(this.#reloadTimer);
    this.#loading = false;
    this.#from = '';
    this.#to = '';
    this.#canRead = false;
    this.#canRsvp = false;
    this.#canOrganise = false;
    this.#setOpen(false);
    this.#closeForm({ focus: false });
    this.#occurrences.clear();
    this.#loaded = false;
    this.#next = null;
    this.#upcoming = true;
    this.#status.textContent = '';
    setMessage(this.#error, '');
    this.#renderList();
    this.#sync();
  }

  /** Follow membership and roles: show the region, its buttons and the organiser's tools. */
  #sync() {
    const group = this.#group;
    const info = group === null ? null : this.#groups.get(group);
    const user = this.#getUser();
    const membership = info && info.my_membership;
    const active = Boolean(membership && membership.status === 'active');
    const pending = Boolean(membership && membership.status === 'pending');
    const siteMod = isSiteModerator(user);
    // The server refused the list in this very situation: don't ask again until something changes.
    const situation = `${group}|${membership ? `${membership.status}|${membership.role}` : '-'}|${siteMod}`;
    if (this.#deniedIn !== null && this.#deniedIn !== situation) this.#deniedIn = null;
    this.#situation = situation;
    const canRead =
      this.#deniedIn === null && Boolean(info) && !pending && (active || info.visibility === 'public' || siteMod);
    const canRsvp = canRead && active;
    const canOrganise =
      canRead && (siteMod || (active && (membership.role === 'organiser' || membership.role === 'moderator')));

    const readChanged = canRead !== this.#canRead;
    const rsvpChanged = canRsvp !== this.#canRsvp;
    const organiseChanged = canOrganise !== this.#canOrganise;
    this.#canRead = canRead;
    this.#canRsvp = canRsvp;
    this.#canOrganise = canOrganise;

    if (!canRead) {
      this.#section.remove();
      if (readChanged) {
        this.#generation += 1;
        this.#occurrences.clear();
        this.#loaded = false;
        this.#renderList();
      }
      return;
    }
    if (!this.#section.isConnected) this.#panels.prepend(this.#section);
    this.#organise.hidden = !canOrganise;
    if (!canOrganise) this.#closeForm({ focus: false });
    this.#readerNote.hidden = canRsvp;
    if (info) this.#readerNote.textContent = `Join ${info.name} to say you're going.`;
    this.#groupFeed.hidden = !(info && info.visibility === 'public');
    if (info) this.#renderGroupFeed(info);
    if (readChanged || rsvpChanged) {
      // Joined, or let in: my answers (and the right to give them) come with a fresh list.
      this.#load();
    } else if (organiseChanged) {
      this.#renderList();
    }
    if (canRsvp && this.#calendarPath === null && !this.#calendarFailed) this.#loadCalendar();
    this.#renderCalendar();
  }

  // ---- building the region ------------------------------------------------------------------

  #build() {
    this.#toggleWhen = h('span', { class: 'meetups-next-when' });
    this.#toggleNext = h('span', { class: 'meetups-next-title' });
    this.#toggleWord = h('span', { class: 'meetups-toggle-word', text: 'Show all' });
    this.#toggle = h(
      'button',
      { type: 'button', class: 'meetups-toggle', 'aria-expanded': 'false', 'aria-controls': 'meetups-body' },
      h('span', { class: 'meetups-next' }, this.#toggleWhen, this.#toggleNext),
      this.#toggleWord,
      h('span', { class: 'meetups-chevron', 'aria-hidden': 'true' }),
    );
    this.#toggle.addEventListener('click', () => this.#setOpen(!this.#open));
    const heading = h('h3', { id: 'meetups-title', class: 'meetups-title', text: 'Meetups' });
    // The heading is not a control, but a tap on it should do what the bar looks like it does.
    heading.addEventListener('click', () => {
      if (getComputedStyle(this.#toggle).display !== 'none') this.#setOpen(!this.#open);
    });
    const bar = h('div', { class: 'meetups-bar' }, heading, this.#toggle);

    this.#status = h('p', { class: 'meetups-status', role: 'status' });
    this.#error = h('p', { class: 'meetups-error', role: 'alert', hidden: true });
    this.#readerNote = h('p', { class: 'meetups-reader-note', hidden: true });
    this.#rangeNote = h('p', { class: 'meetups-range', hidden: true });
    this.#list = h('ol', { class: 'meetup-list' });
    this.#empty = h('p', { class: 'meetups-empty', hidden: true });

    this.#later = h('button', { type: 'button', class: 'btn btn-secondary btn-small', text: 'Show later dates' });
    this.#later.addEventListener('click', () => this.#showLater());
    this.#backToUpcoming = h('button', {
      type: 'button',
      class: 'btn btn-quiet btn-small',
      text: 'Back to upcoming',
      hidden: true,
    });
    this.#backToUpcoming.addEventListener('click', () => {
      this.#upcoming = true;
      this.#load();
    });
    this.#jumpInput = h('input', { id: 'meetups-from', type: 'date', class: 'meetups-date', required: true });
    this.#jumpForm = h(
      'form',
      { class: 'meetups-jump', novalidate: true },
      h('label', { for: 'meetups-from', text: 'Show meet-ups from' }),
      h(
        'div',
        { class: 'meetups-jump-row' },
        this.#jumpInput,
        h('button', { type: 'submit', class: 'btn btn-secondary btn-small', text: 'Show' }),
      ),
    );
    this.#jumpForm.addEventListener('submit', (event) => {
      event.preventDefault();
      const from = this.#jumpInput.value;
      if (!parseDay(from)) {
        this.#jumpInput.focus();
        return;
      }
      this.#upcoming = from === todayIn(HOME_ZONE);
      this.#load({ from });
    });

    this.#scheduleButton = h(
      'button',
      {
        type: 'button',
        class: 'btn btn-primary btn-small meetups-schedule',
        'aria-expanded': 'false',
        'aria-controls': 'meetup-form',
      },
      'Schedule a meet-up',
    );
    this.#scheduleButton.addEventListener('click', () => this.#openForm());
    this.#form = this.#buildForm();
    this.#organise = h('div', { class: 'meetups-organise', hidden: true }, this.#scheduleButton, this.#form);

    this.#calendar = this.#buildCalendar();

    this.#body = h(
      'div',
      { id: 'meetups-body', class: 'meetups-body' },
      this.#status,
      this.#error,
      this.#organise,
      this.#readerNote,
      this.#rangeNote,
      this.#list,
      this.#empty,
      h('div', { class: 'meetups-more' }, this.#later, this.#backToUpcoming),
      this.#jumpForm,
      this.#calendar,
    );
    this.#section = h('section', { class: 'meetups', 'aria-labelledby': 'meetups-title' }, bar, this.#body);
  }

  #setOpen(open) {
    this.#open = open;
    this.#section.classList.toggle('is-open', open);
    this.#toggle.setAttribute('aria-expanded', String(open));
    this.#toggleWord.textContent = open ? 'Back to chat' : 'Show all';
    if (open) this.#panels.scrollTop = 0;
  }

  #renderToggle() {
    const next = this.#next;
    if (!this.#loaded) {
      this.#toggleWhen.textContent = 'Loading…';
      this.#toggleNext.textContent = '';
    } else if (!next) {
      this.#toggleWhen.textContent = 'Nothing planned yet';
      this.#toggleNext.textContent = '';
    } else {
      const when = describeWhen(next);
      const mine = next.my_rsvp === 'going' ? ' · You’re going' : next.my_rsvp === 'waitlisted' ? ' · Waitlisted' : '';
      this.#toggleWhen.textContent = `Next: ${when.relative ? `${when.relative}, ` : ''}${when.short}${mine}`;
      this.#toggleNext.textContent = next.title;
    }
  }

  // ---- loading -----------------------------------------------------------------------------

  /** Fetch a range: from a date (default today, or the range shown) for eight weeks, or `#from`..`#to` again. */
  async #load({ from = null, again = false } = {}) {
    const group = this.#group;
    if (group === null || !this.#canRead) return;
    clearTimeout(this.#reloadTimer);
    const generation = this.#generation;
    const seq = ++this.#loadSeq;
    const current = () => generation === this.#generation && seq === this.#loadSeq;
    let start;
    let end;
    if (again && this.#from) {
      start = this.#from;
      end = this.#to;
    } else {
      start = from || todayIn(HOME_ZONE);
      end = addDays(start, LIST_DAYS);
    }
    this.#loading = true;
    if (!this.#loaded) this.#status.textContent = 'Loading meet-ups…';
    let occurrences;
    try {
      occurrences = await this.#fetch(group, start, end);
    } catch (err) {
      if (!current()) return;
      this.#loading = false;
      if (err.code === 'forbidden' || err.code === 'not_found') {
        this.#deniedIn = this.#situation;
        this.#canRead = false;
        this.#generation += 1;
        this.#section.remove();
        return;
      }
      this.#status.textContent = '';
      setMessage(this.#error, `Couldn't load the meet-ups. ${describeError(err)}`);
      return;
    }
    if (!current()) return;
    this.#loading = false;
    this.#from = start;
    this.#to = end;
    this.#occurrences.clear();
    this.#add(occurrences);
    this.#loaded = true;
    if (this.#status.textContent === 'Loading meet-ups…') this.#status.textContent = '';
    setMessage(this.#error, '');
    this.#renderList();
  }

  async #fetch(group, from, to) {
    const all = [];
    for (let start = from; daysBetween(start, to) >= 0; start = addDays(start, CHUNK_DAYS)) {
      const end = daysBetween(start, to) >= CHUNK_DAYS ? addDays(start, CHUNK_DAYS - 1) : to;
      const result = await this.#conn.request('meetups.list', { group, from: start, to: end });
      if (Array.isArray(result.occurrences)) all.push(...result.occurrences);
    }
    return all;
  }

  #add(occurrences) {
    for (const occ of occurrences) {
      if (!occ || !Number.isInteger(occ.meetup) || !parseLocal(occ.local_start)) continue;
      this.#occurrences.set(keyOf(occ.meetup, occ.local_start), occ);
    }
  }

  async #showLater() {
    const group = this.#group;
    if (group === null || this.#loading || !this.#to) return;
    const generation = this.#generation;
    const seq = this.#loadSeq;
    const start = addDays(this.#to, 1);
    const end = addDays(start, LIST_DAYS - 1);
    this.#later.disabled = true;
    try {
      const occurrences = await this.#fetch(group, start, end);
      if (generation !== this.#generation || seq !== this.#loadSeq) return;
      this.#add(occurrences);
      this.#to = end;
      this.#renderList();
      this.#status.textContent = occurrences.length
        ? `${plural(occurrences.length, 'more date', 'more dates')} up to ${dayLabel(parseDay(end), 0)}.`
        : `Nothing more up to ${dayLabel(parseDay(end), 0)}.`;
    } catch (err) {
      if (generation === this.#generation) setMessage(this.#error, `Couldn't load later dates. ${describeError(err)}`);
    } finally {
      this.#later.disabled = false;
    }
  }

  #scheduleReload() {
    clearTimeout(this.#reloadTimer);
    this.#reloadTimer = setTimeout(() => this.#load({ again: this.#loaded }), RELOAD_DELAY_MS);
  }

  // ---- live updates ------------------------------------------------------------------------

  #onChanged(detail) {
    if (detail && detail.group === this.#group && this.#canRead) this.#scheduleReload();
  }

  #onUpdated(detail) {
    if (!detail || detail.group !== this.#group) return;
    const occ = this.#occurrences.get(keyOf(detail.meetup, detail.occurrence));
    if (!occ) return;
    if (Number.isInteger(detail.going)) occ.going = detail.going;
    if (Number.isInteger(detail.waitlisted)) occ.waitlisted = detail.waitlisted;
    this.#renderList();
    // Someone ahead of me on the waitlist may have left it: my number is only in the list.
    if (occ.my_rsvp === 'waitlisted') this.#scheduleReload();
  }

  #onPromoted(detail) {
    if (!detail) return;
    const occ = this.#occurrences.get(keyOf(detail.meetup, detail.occurrence));
    const when = describeWhen(occ || { local_start: detail.occurrence, timezone: HOME_ZONE });
    const title = detail.title || (occ && occ.title) || 'a meet-up';
    const group = this.#groups.get(detail.group);
    const where = group && detail.group !== this.#group ? ` in ${group.name}` : '';
    this.#say(`A place opened up: you're now going to ${quoted(title)} on ${when.short || detail.occurrence}${where}.`);
    if (occ) {
      occ.my_rsvp = 'going';
      occ.my_position = null;
      this.#renderList();
    }
  }

  #onReminder(detail) {
    if (!detail) return;
    const occ = {
      local_start: detail.occurrence,
      timezone: HOME_ZONE,
      ...(this.#occurrences.get(keyOf(detail.meetup, detail.occurrence)) || {}),
    };
    const when = describeWhen(occ);
    const title = detail.title || occ.title || 'A meet-up';
    const start = parseLocal(detail.occurrence);
    const at = when.relative ? `${when.relative.toLowerCase()} at ${start ? start.time : ''}` : `on ${when.short}`;
    const place = detail.location ? `, at ${detail.location}` : detail.url ? ', online' : '';
    const url = safeUrl(detail.url);
    const link = url
      ? h('a', {
          href: url,
          class: 'btn btn-small btn-secondary app-notice-link',
          target: '_blank',
          rel: 'noopener noreferrer',
          text: 'Open the link',
        })
      : null;
    this.#say(`Reminder: ${quoted(title)} starts ${at}${place}. You said you're going.`, link);
  }

  /** A notice under the top bar, read out by screen readers, until the next one or OK. */
  #say(text, extra = null) {
    if (!this.#notice) return;
    const ok = h('button', { type: 'button', class: 'btn btn-small btn-secondary', text: 'OK' });
    ok.addEventListener('click', () => this.#notice.replaceChildren());
    this.#notice.replaceChildren(...[h('p', { class: 'app-notice-text', text }), extra, ok].filter(Boolean));
  }

  // ---- the list ---------------------------------------------------------------------------

  #shown() {
    const now = Date.now();
    const shown = [];
    for (const occ of this.#occurrences.values()) {
      // Upcoming means upcoming: what has finished today drops off.
      if (this.#upcoming && new Date(occ.ends_at).getTime() < now) continue;
      shown.push(occ);
    }
    shown.sort((a, b) => {
      const diff = new Date(a.starts_at).getTime() - new Date(b.starts_at).getTime();
      return diff || a.meetup - b.meetup;
    });
    return shown;
  }

  #renderList() {
    const shown = this.#shown();
    // A series is what appears more than once; a lone date is cancelled by its date.
    const seen = new Map();
    for (const occ of this.#occurrences.values()) seen.set(occ.meetup, (seen.get(occ.meetup) || 0) + 1);

    const keys = new Set();
    const described = new Set();
    shown.forEach((occ, index) => {
      const key = keyOf(occ.meetup, occ.local_start);
      keys.add(key);
      const item = this.#item(key, occ);
      // A series says what it is about once, on its first date shown.
      const first = !described.has(occ.meetup);
      described.add(occ.meetup);
      this.#update(item, occ, { isSeries: seen.get(occ.meetup) > 1, describe: first });
      if (this.#list.children[index] !== item.li) this.#list.insertBefore(item.li, this.#list.children[index] || null);
    });
    for (const [key, item] of this.#items) {
      if (!keys.has(key)) {
        item.li.remove();
        this.#items.delete(key);
      }
    }

    if (this.#upcoming) {
      const now = Date.now();
      this.#next = shown.find((occ) => !occ.cancelled && new Date(occ.ends_at).getTime() >= now) || null;
    }
    this.#renderToggle();

    const from = parseDay(this.#from);
    this.#rangeNote.hidden = this.#upcoming || !from;
    if (from) this.#rangeNote.textContent = `Showing meet-ups from ${dayLabel(from, 0)}.`;
    this.#backToUpcoming.hidden = this.#upcoming;
    if (this.#loaded && !shown.length) {
      const to = parseDay(this.#to);
      const until = to ? ` up to ${dayLabel(to, Number(todayIn(HOME_ZONE).slice(0, 4)))}` : '';
      setMessage(
        this.#empty,
        this.#canOrganise ? `No meet-ups planned${until}. Schedule one for the group.` : `No meet-ups planned${until}.`,
      );
    } else {
      setMessage(this.#empty, '');
    }
    this.#later.hidden = !this.#loaded;
    if (!this.#jumpInput.value) this.#jumpInput.value = todayIn(HOME_ZONE);
  }

  #item(key, occ) {
    let item = this.#items.get(key);
    if (item) return item;
    itemCount += 1;
    const titleId = `meetup-title-${itemCount}`;
    const title = h('h4', { id: titleId, class: 'meetup-title' });
    const relative = h('span', { class: 'meetup-relative' });
    const time = h('time', { class: 'meetup-when' });
    const when = h('p', { class: 'meetup-when-line' }, relative, time);
    const cancelled = h('p', { class: 'meetup-cancelled', text: 'Cancelled' });
    const where = h('p', { class: 'meetup-where' });
    const description = h('p', { class: 'meetup-description' });
    const counts = h('p', { class: 'meetup-counts' });
    const mine = h('p', { class: 'meetup-mine' });
    const going = h('button', {
      type: 'button',
      class: 'btn btn-small meetup-rsvp',
      'aria-pressed': 'false',
      text: 'Going',
    });
    const cantGo = h('button', {
      type: 'button',
      class: 'btn btn-small meetup-rsvp',
      'aria-pressed': 'false',
      text: "Can't go",
    });
    const answer = h('div', { class: 'meetup-answer' }, going, cantGo);
    const error = h('p', { class: 'meetup-error', role: 'alert', hidden: true });
    const cancelDate = h('button', {
      type: 'button',
      class: 'btn btn-small btn-danger-quiet',
      text: 'Cancel this date',
    });
    const cancelSeries = h('button', {
      type: 'button',
      class: 'btn btn-small btn-danger-quiet',
      text: 'Cancel the series',
    });
    const manage = h(
      'details',
      { class: 'meetup-manage' },
      h('summary', { text: 'Organiser options' }),
      h('div', { class: 'meetup-manage-row' }, cancelDate, cancelSeries),
    );
    const article = h(
      'article',
      { class: 'meetup', 'aria-labelledby': titleId },
      h('div', { class: 'meetup-head' }, when, cancelled),
      title,
      where,
      description,
      counts,
      mine,
      answer,
      error,
      manage,
    );
    const li = h('li', { class: 'meetup-item', dataset: { key } }, article);
    item = {
      li,
      article,
      title,
      relative,
      time,
      cancelled,
      where,
      description,
      counts,
      mine,
      answer,
      going,
      cantGo,
      error,
      manage,
      cancelDate,
      cancelSeries,
      occ,
    };
    going.addEventListener('click', () => this.#rsvp(item, 'going'));
    cantGo.addEventListener('click', () => this.#rsvp(item, 'not_going'));
    cancelDate.addEventListener('click', () => this.#cancel(item, { series: false }));
    cancelSeries.addEventListener('click', () => this.#cancel(item, { series: true }));
    this.#items.set(key, item);
    return item;
  }

  #update(item, occ, { isSeries, describe }) {
    item.occ = occ;
    const when = describeWhen(occ);
    const finished = new Date(occ.ends_at).getTime() < Date.now();
    const cancelled = Boolean(occ.cancelled);
    item.li.classList.toggle('is-cancelled', cancelled);
    item.li.classList.toggle('is-finished', finished && !cancelled);
    item.li.classList.toggle('is-going', occ.my_rsvp === 'going' && !cancelled);
    item.title.textContent = occ.title || 'Meet-up';
    item.relative.textContent = when.relative;
    item.relative.hidden = !when.relative;
    item.time.textContent = when.text;
    item.time.setAttribute('datetime', occ.starts_at || '');
    item.cancelled.hidden = !cancelled;

    const url = safeUrl(occ.url);
    const where = [];
    if (occ.kind === 'in_person') {
      where.push(h('span', { class: 'meetup-kind is-in-person', text: 'In person' }), ' ', occ.location || '');
      if (url) where.push(' · ', h('a', { href: url, target: '_blank', rel: 'noopener noreferrer', text: 'Details' }));
    } else {
      where.push(h('span', { class: 'meetup-kind is-online', text: 'Online' }), ' ');
      if (occ.location) where.push(occ.location, ' · ');
      if (url && !cancelled) {
        where.push(h('a', { href: url, target: '_blank', rel: 'noopener noreferrer', text: 'Join online' }));
      } else if (!url) {
        where.push(h('span', { class: 'meetup-muted', text: 'Link to follow' }));
      }
    }
    item.where.replaceChildren(...where);
    setMessage(item.description, describe ? occ.description || '' : '');

    const going = Number.isInteger(occ.going) ? occ.going : 0;
    const waiting = Number.isInteger(occ.waitlisted) ? occ.waitlisted : 0;
    const capacity = Number.isInteger(occ.capacity) ? occ.capacity : null;
    const counts = [capacity === null ? `${going} going` : `${going} / ${capacity} going`];
    if (capacity !== null)
      counts.push(going >= capacity ? 'Full' : `${plural(capacity - going, 'place', 'places')} left`);
    if (waiting) counts.push(`${waiting} waitlisted`);
    item.counts.textContent = counts.join(' · ');

    let mine = '';
    let mineClass = '';
    if (cancelled) {
      mine = 'This date is cancelled.';
      mineClass = 'is-cancelled';
    } else if (occ.my_rsvp === 'going') {
      mine = finished ? 'You went.' : "You're going";
      mineClass = 'is-going';
    } else if (occ.my_rsvp === 'waitlisted') {
      mine = Number.isInteger(occ.my_position) ? `Waitlisted — number ${occ.my_position}` : 'Waitlisted';
      mineClass = 'is-waitlisted';
    } else if (occ.my_rsvp === 'not_going') {
      mine = "You can't go";
      mineClass = 'is-not-going';
    } else if (capacity !== null && going >= capacity && this.#canRsvp && !finished) {
      mine = 'Full: say Going to join the waitlist.';
    }
    item.mine.className = `meetup-mine ${mineClass}`.trim();
    setMessage(item.mine, mine);

    const answerable = this.#canRsvp && !cancelled && !finished;
    item.answer.hidden = !answerable;
    const yes = occ.my_rsvp === 'going' || occ.my_rsvp === 'waitlisted';
    item.going.setAttribute('aria-pressed', String(yes));
    item.cantGo.setAttribute('aria-pressed', String(occ.my_rsvp === 'not_going'));

    const manageable = this.#canOrganise && !cancelled && !finished;
    item.manage.hidden = !manageable;
    item.cancelSeries.hidden = !isSeries;
  }

  // ---- answering ---------------------------------------------------------------------------

  async #rsvp(item, status) {
    const occ = item.occ;
    const generation = this.#generation;
    const buttons = [item.going, item.cantGo];
    for (const b of buttons) b.disabled = true;
    setMessage(item.error, '');
    let result;
    try {
      result = await this.#conn.request('meetups.rsvp', { meetup: occ.meetup, occurrence: occ.local_start, status });
    } catch (err) {
      for (const b of buttons) b.disabled = false;
      if (generation !== this.#generation) return;
      if (err.code === 'conflict' || err.code === 'not_found') this.#scheduleReload();
      setMessage(item.error, `Couldn't save that. ${describeError(err)}`);
      return;
    }
    for (const b of buttons) b.disabled = false;
    const rsvp = (result && result.rsvp) || {};
    const when = describeWhen(occ).short;
    occ.my_rsvp = rsvp.status || status;
    occ.my_position = Number.isInteger(rsvp.position) ? rsvp.position : null;
    if (generation === this.#generation) this.#renderList();
    if (occ.my_rsvp === 'going') this.#status.textContent = `You're going to ${quoted(occ.title)} on ${when}.`;
    else if (occ.my_rsvp === 'waitlisted') {
      this.#status.textContent = `It's full, so you're on the waitlist for ${quoted(occ.title)}${
        occ.my_position ? `, number ${occ.my_position}` : ''
      }. We'll tell you if a place opens up.`;
    } else this.#status.textContent = `Thanks for letting people know you can't go on ${when}.`;
  }

  // ---- cancelling ----------------------------------------------------------------------------

  async #cancel(item, { series }) {
    const occ = item.occ;
    const when = describeWhen(occ).short;
    const done = await this.#confirm({
      title: series ? 'Cancel the whole series?' : 'Cancel this date?',
      text: series
        ? `Every date of ${quoted(occ.title)} will show as cancelled and leave people's calendars. The group is told in the chat. This can't be undone.`
        : `${quoted(occ.title)} on ${when} will show as cancelled and leave people's calendars. The group is told in the chat. This can't be undone.`,
      confirm: series ? 'Cancel the series' : 'Cancel this date',
      run: () =>
        this.#conn.request(
          'meetups.cancel',
          series ? { meetup: occ.meetup } : { meetup: occ.meetup, occurrence: occ.local_start },
        ),
    });
    if (!done) return;
    this.#status.textContent = series
      ? `${quoted(occ.title)} is cancelled. Everyone in the group can see that.`
      : `${quoted(occ.title)} on ${when} is cancelled.`;
    this.#scheduleReload();
  }

  /** A question with a confirm and a "Keep it" button (see ask.js). */
  #confirm({ title, text, confirm, run }) {
    return ask({ title, text, confirm, back: 'Keep it', danger: true, run, open: this.#confirms });
  }

  // ---- scheduling ---------------------------------------------------------------------------

  #buildForm() {
    const id = (name) => `mf-${name}`;
    const field = (name, label, control, hint = null) => {
      const hintId = hint ? `${id(name)}-hint` : null;
      if (hintId) control.setAttribute('aria-describedby', hintId);
      return h(
        'div',
        { class: 'field', dataset: { field: name } },
        h('label', { for: id(name), text: label }),
        control,
        hint ? h('p', { id: hintId, class: 'hint', text: hint }) : null,
      );
    };
    const radio = (group, value, label, checked = false) => {
      const input = h('input', { type: 'radio', id: id(`${group}-${value}`), name: group, value, checked });
      return h('label', { class: 'choice', for: id(`${group}-${value}`) }, input, h('span', { text: label }));
    };

    const c = {};
    c.title = h('input', {
      id: id('title'),
      name: 'title',
      type: 'text',
      maxlength: MAX_TITLE,
      autocomplete: 'off',
      required: true,
    });
    c.description = h('textarea', {
      id: id('description'),
      name: 'description',
      class: 'textarea',
      rows: 3,
      maxlength: MAX_DESCRIPTION,
    });
    const kinds = h(
      'fieldset',
      { class: 'meetup-fieldset' },
      h('legend', { text: 'Where' }),
      h('div', { class: 'choices' }, radio('kind', 'online', 'Online', true), radio('kind', 'in_person', 'In person')),
    );
    c.url = h('input', {
      id: id('url'),
      name: 'url',
      type: 'url',
      inputmode: 'url',
      maxlength: MAX_URL,
      autocomplete: 'off',
      spellcheck: 'false',
    });
    c.location = h('input', {
      id: id('location'),
      name: 'location',
      type: 'text',
      maxlength: MAX_LOCATION,
      autocomplete: 'off',
    });
    c.date = h('input', { id: id('date'), name: 'date', type: 'date', required: true });
    c.time = h('input', { id: id('time'), name: 'time', type: 'time', value: '16:00', step: 300, required: true });
    c.duration = h(
      'select',
      { id: id('duration'), name: 'duration', class: 'select' },
      DURATIONS.map(([label, minutes]) =>
        h('option', { value: String(minutes), text: label, selected: minutes === 60 }),
      ),
    );
    c.repeat = h(
      'select',
      { id: id('repeat'), name: 'repeat', class: 'select' },
      REPEATS.map(([label, value]) => h('option', { value, text: label, selected: value === '2' })),
    );
    c.count = h('input', {
      id: id('count'),
      name: 'count',
      type: 'number',
      inputmode: 'numeric',
      min: 1,
      max: MAX_COUNT,
      value: '6',
    });
    c.until = h('input', { id: id('until'), name: 'until', type: 'date' });
    const ends = h(
      'fieldset',
      { class: 'meetup-fieldset', dataset: { field: 'ends' } },
      h('legend', { text: 'Ends' }),
      h(
        'div',
        { class: 'choices choices-stacked' },
        radio('ends', 'never', 'No end date', true),
        radio('ends', 'count', 'After a number of times'),
        radio('ends', 'until', 'On a date'),
      ),
      h(
        'div',
        { class: 'field', dataset: { field: 'count' } },
        h('label', { for: id('count'), text: 'How many times' }),
        c.count,
      ),
      h(
        'div',
        { class: 'field', dataset: { field: 'until' } },
        h('label', { for: id('until'), text: 'Last date' }),
        c.until,
      ),
    );
    c.capacity = h('input', {
      id: id('capacity'),
      name: 'capacity',
      type: 'number',
      inputmode: 'numeric',
      min: 1,
      max: MAX_CAPACITY,
    });
    const summary = h('p', { id: id('summary'), class: 'meetup-form-summary' });
    const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
    const submit = h('button', {
      type: 'submit',
      class: 'btn btn-primary',
      'aria-describedby': id('summary'),
      text: 'Schedule',
    });
    const cancel = h('button', { type: 'button', class: 'btn btn-secondary', text: 'Cancel' });

    const form = h(
      'form',
      {
        id: 'meetup-form',
        class: 'meetup-form',
        'aria-labelledby': 'meetup-form-title',
        novalidate: true,
        hidden: true,
      },
      h('h4', { id: 'meetup-form-title', class: 'meetup-form-title', text: 'Schedule a meet-up' }),
      field('title', 'Title', c.title, 'For example “Fortnightly online catch-up”.'),
      field('description', 'Description (optional)', c.description),
      kinds,
      field(
        'url',
        'Video call link',
        c.url,
        'Teams, Zoom, Google Meet or WhatsApp link. You can add it later in the chat.',
      ),
      field('location', 'Venue', c.location, 'For example “Nottingham Central Library, Angel Row”.'),
      h('div', { class: 'meetup-form-row' }, field('date', 'Date', c.date), field('time', 'Start time', c.time)),
      field('duration', 'How long', c.duration),
      field('repeat', 'Repeat', c.repeat),
      ends,
      field(
        'capacity',
        'Number of places (optional)',
        c.capacity,
        'Leave empty for no limit. When it is full, people join a waitlist.',
      ),
      summary,
      error,
      h('div', { class: 'ask-buttons' }, submit, cancel),
    );
    const fieldOf = (name) => form.querySelector(`[data-field="${name}"]`);
    let repeatTouched = false;
    const value = (name) => {
      const checked = form.querySelector(`input[name="${name}"]:checked`);
      return checked ? checked.value : '';
    };
    const refresh = () => {
      const online = value('kind') === 'online';
      fieldOf('url').hidden = !online;
      fieldOf('location').hidden = online;
      const repeating = c.repeat.value !== '0';
      fieldOf('ends').hidden = !repeating;
      fieldOf('count').hidden = value('ends') !== 'count';
      fieldOf('until').hidden = value('ends') !== 'until';
      summary.textContent = this.#describeSeries(c, value('kind'), value('ends'));
    };
    form.addEventListener('change', (event) => {
      if (event.target === c.repeat) repeatTouched = true;
      // Fortnightly is the usual rhythm online; an in-person meet-up is usually a one-off.
      if (event.target.name === 'kind' && !repeatTouched) c.repeat.value = value('kind') === 'online' ? '2' : '0';
      refresh();
    });
    form.addEventListener('input', refresh);
    cancel.addEventListener('click', () => this.#closeForm());
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.#submitForm({ form, c, value, error, submit });
    });
    this.#resetFormState = () => {
      form.reset();
      repeatTouched = false;
      c.time.value = '16:00';
      for (const control of form.querySelectorAll('[aria-invalid]')) control.removeAttribute('aria-invalid');
      setMessage(error, '');
      submit.disabled = false;
      const today = todayIn(HOME_ZONE);
      c.date.min = today;
      c.until.min = today;
      refresh();
    };
    return form;
  }

  #resetFormState = () => {};

  /** "Every 2 weeks on Wednesday at 16:00 UK time, from Wed 9 Dec, 6 times." */
  #describeSeries(c, kind, ends) {
    const day = parseDay(c.date.value);
    if (!day || !c.time.value) return 'Pick a date and a start time.';
    const thisYear = Number(todayIn(HOME_ZONE).slice(0, 4));
    const weekday = WEEKDAY_NAMES[new Date(Date.UTC(day.y, day.m - 1, day.d)).getUTCDay()];
    const every = Number(c.repeat.value);
    const where =
      kind === 'online' ? 'online' : c.location.value.trim() ? `at ${c.location.value.trim()}` : 'in person';
    if (!every) return `Once, ${where}: ${dayLabel(day, thisYear)} at ${c.time.value} ${zoneLabel(HOME_ZONE)}.`;
    let text = `${EVERY[every]} on ${weekday} at ${c.time.value} ${zoneLabel(HOME_ZONE)}, ${where}, from ${dayLabel(day, thisYear)}`;
    const count = Number.parseInt(c.count.value, 10);
    const until = parseDay(c.until.value);
    if (ends === 'count' && count > 0) text += `, ${plural(count, 'time', 'times')}`;
    else if (ends === 'until' && until) text += ` until ${dayLabel(until, thisYear)}`;
    return `${text}.`;
  }

  #openForm() {
    if (!this.#canOrganise) return;
    this.#resetFormState();
    this.#form.hidden = false;
    this.#scheduleButton.hidden = true;
    this.#scheduleButton.setAttribute('aria-expanded', 'true');
    this.#status.textContent = '';
    this.#form.querySelector('#mf-title').focus();
  }

  #closeForm({ focus = true } = {}) {
    if (this.#form.hidden) return;
    this.#form.hidden = true;
    this.#scheduleButton.hidden = false;
    this.#scheduleButton.setAttribute('aria-expanded', 'false');
    if (focus) this.#scheduleButton.focus();
  }

  async #submitForm({ c, value, error, submit }) {
    const group = this.#group;
    if (group === null || submit.disabled) return;
    for (const control of this.#form.querySelectorAll('[aria-invalid]')) control.removeAttribute('aria-invalid');
    const problem = (control, text) => {
      setMessage(error, text);
      control.setAttribute('aria-invalid', 'true');
      control.focus();
    };
    const title = c.title.value.trim();
    if (!title) return problem(c.title, 'Please give the meet-up a title.');
    const kind = value('kind') === 'in_person' ? 'in_person' : 'online';
    const params = { group, title, kind, timezone: HOME_ZONE };
    const description = c.description.value.trim();
    if (description) params.description = description;
    if (kind === 'in_person') {
      const location = c.location.value.trim();
      if (!location) return problem(c.location, 'Please say where people should meet.');
      params.location = location;
    } else {
      let url = c.url.value.trim();
      if (url && !/^[a-z][a-z0-9+.-]*:/i.test(url)) url = `https://${url}`;
      if (url) {
        let ok = false;
        try {
          const parsed = new URL(url);
          ok = (parsed.protocol === 'https:' || parsed.protocol === 'http:') && Boolean(parsed.hostname);
        } catch {
          ok = false;
        }
        if (!ok) return problem(c.url, 'That link doesn’t look right. Paste the whole address, starting https://');
        params.url = url;
      }
    }
    if (!parseDay(c.date.value)) return problem(c.date, 'Please pick the date.');
    if (!/^\d{2}:\d{2}$/.test(c.time.value)) return problem(c.time, 'Please pick the start time.');
    params.start = `${c.date.value}T${c.time.value}`;
    params.duration_minutes = Number(c.duration.value);
    const every = Number(c.repeat.value);
    if (every) {
      const repeat = { every_weeks: every };
      const ends = value('ends');
      if (ends === 'count') {
        const count = Number(c.count.value);
        if (!Number.isInteger(count) || count < 1 || count > MAX_COUNT) {
          return problem(c.count, `The number of times must be 1 to ${MAX_COUNT}.`);
        }
        repeat.count = count;
      } else if (ends === 'until') {
        if (!parseDay(c.until.value)) return problem(c.until, 'Please pick the last date.');
        if (c.until.value < c.date.value) return problem(c.until, 'The last date can’t be before the first.');
        repeat.until = c.until.value;
      }
      params.repeat = repeat;
    } else {
      params.repeat = null;
    }
    const capacityText = c.capacity.value.trim();
    if (capacityText) {
      const capacity = Number(capacityText);
      if (!Number.isInteger(capacity) || capacity < 1 || capacity > MAX_CAPACITY) {
        return problem(c.capacity, `Places must be a whole number from 1 to ${MAX_CAPACITY}, or empty for no limit.`);
      }
      params.capacity = capacity;
    } else {
      params.capacity = null;
    }

    setMessage(error, '');
    submit.disabled = true;
    const generation = this.#generation;
    let result;
    try {
      result = await this.#conn.request('meetups.create', params);
    } catch (err) {
      submit.disabled = false;
      if (generation === this.#generation) setMessage(error, `Couldn't schedule it. ${describeError(err)}`);
      return;
    }
    submit.disabled = false;
    if (generation !== this.#generation) return;
    const meetup = (result && result.meetup) || {};
    this.#closeForm();
    const start = parseLocal(meetup.start || params.start);
    const first = start ? `${dayLabel(start, Number(todayIn(HOME_ZONE).slice(0, 4)))} at ${start.time}` : '';
    const later = start && this.#to && params.start.slice(0, 10) > this.#to ? ' Tap “Show later dates” to see it.' : '';
    this.#status.textContent = `Scheduled ${quoted(meetup.title || title)}${first ? `, first on ${first}` : ''}. Everyone in the group can see it now.${later}`;
    this.#scheduleReload();
  }

  // ---- calendar feeds ------------------------------------------------------------------------

  #buildCalendar() {
    this.#calendarLink = h('a', {
      class: 'btn btn-secondary btn-small meetups-cal-add',
      text: 'Add to calendar',
      hidden: true,
    });
    this.#calendarInput = h('input', {
      id: 'meetups-cal-url',
      type: 'text',
      readonly: true,
      class: 'meetups-cal-url',
      spellcheck: 'false',
      'aria-describedby': 'meetups-cal-hint',
    });
    this.#calendarCopy = h('button', { type: 'button', class: 'btn btn-secondary btn-small', text: 'Copy' });
    this.#calendarCopy.addEventListener('click', () => this.#copyCalendar());
    this.#calendarInput.addEventListener('focus', () => this.#calendarInput.select());
    this.#calendarStatus = h('p', { class: 'meetups-cal-status', role: 'status' });
    this.#groupFeedLink = h('a', { class: 'meetups-group-feed' });
    this.#groupFeed = h(
      'p',
      { class: 'hint', hidden: true },
      this.#groupFeedLink,
      ': a public calendar of this group alone.',
    );
    this.#rotate = h('button', { type: 'button', class: 'btn btn-quiet btn-small', text: 'Get a new address' });
    this.#rotate.addEventListener('click', () => this.#rotateCalendar());
    return h(
      'section',
      { class: 'meetups-calendar', 'aria-labelledby': 'meetups-cal-title' },
      h('h4', { id: 'meetups-cal-title', class: 'meetups-cal-title', text: 'Your calendar' }),
      h('p', {
        class: 'hint',
        text: 'Meet-ups from all your groups in Google Calendar, Outlook or Apple Calendar, kept up to date. Cancelled dates disappear.',
      }),
      this.#calendarLink,
      h(
        'div',
        { class: 'field meetups-cal-field' },
        h('label', { for: 'meetups-cal-url', text: 'Calendar address' }),
        h('div', { class: 'meetups-cal-row' }, this.#calendarInput, this.#calendarCopy),
        h('p', {
          id: 'meetups-cal-hint',
          class: 'hint',
          text: 'For Google Calendar: Other calendars, then From URL, and paste it. Keep it to yourself: it shows your groups’ meet-ups.',
        }),
      ),
      this.#calendarStatus,
      this.#groupFeed,
      this.#rotate,
    );
  }

  async #loadCalendar({ rotate = false } = {}) {
    if (this.#calendarLoading) return;
    this.#calendarLoading = true;
    try {
      const result = await this.#conn.request('calendar.key', rotate ? { rotate: true } : {});
      if (result && typeof result.url === 'string' && result.url.startsWith('/')) this.#calendarPath = result.url;
    } catch (err) {
      if (rotate) throw err;
      this.#calendarFailed = true;
      this.#calendarStatus.textContent = `Couldn't get your calendar address. ${describeError(err)}`;
    } finally {
      this.#calendarLoading = false;
      this.#renderCalendar();
    }
  }

  #renderCalendar() {
    const path = this.#calendarPath;
    const signedIn = this.#canRsvp && path !== null;
    this.#calendarLink.hidden = !signedIn;
    this.#calendarInput.closest('.field').hidden = !signedIn;
    this.#rotate.hidden = !signedIn;
    if (!signedIn) {
      this.#calendarLink.removeAttribute('href');
      this.#calendarInput.value = '';
      return;
    }
    this.#calendarLink.href = `webcal://${location.host}${path}`;
    this.#calendarInput.value = `${location.origin}${path}`;
  }

  #renderGroupFeed(info) {
    const path = `/api/groups/${info.id}/meetups.ics`;
    this.#groupFeedLink.href = `webcal://${location.host}${path}`;
    this.#groupFeedLink.textContent = `Add only ${info.name}’s meet-ups`;
  }

  async #copyCalendar() {
    const text = this.#calendarInput.value;
    if (!text) return;
    try {
      await navigator.clipboard.writeText(text);
      this.#calendarStatus.textContent = 'Copied. Paste it into your calendar app.';
    } catch {
      this.#calendarInput.focus();
      this.#calendarInput.select();
      this.#calendarStatus.textContent = 'Selected: copy it from your keyboard or the menu.';
    }
  }

  async #rotateCalendar() {
    const done = await this.#confirm({
      title: 'Get a new calendar address?',
      text: 'The old address stops working straight away: calendars subscribed to it stop updating, and you add the new one again. Do this if you shared the address by mistake.',
      confirm: 'Get a new address',
      run: () => this.#loadCalendar({ rotate: true }),
    });
    if (done) this.#calendarStatus.textContent = 'New address ready. Add it to your calendar again.';
  }
}
