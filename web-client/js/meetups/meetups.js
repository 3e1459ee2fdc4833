// The open group's meet-ups (PROTOCOL.md §3 "Meetups", protocol/README.md
// "Meetups"): a region labelled "Meetups" with the next dates, the organisers'
// scheduling form, the personal calendar feed, and notices for promotions from
// the waitlist and reminders.
//
// On a phone (and up to 1099px) the region is a bar under the conversation
// header with the next meet-up; opening it swaps the chat for the full list.
// Wider, it is a column beside the chat.
//
// This module follows the open group and what the person may do in it, and
// fetches the range of dates shown; the parts it puts together get `#panel`.

import { ask } from '../ask.js';
import { describeError, h, setMessage } from '../dom.js';
import { calendarDay, plural } from '../format.js';
import { CalendarFeed } from './calendar-feed.js';
import { MeetupList, fetchRange, keyOf } from './meetup-list.js';
import { EditForm } from './edit-form.js';
import { MeetupsBar } from './meetups-bar.js';
import { showDemoted, showMoved, showPromoted, showReminder } from './meetup-notices.js';
import { HOME_ZONE, addDays, homeYear, parseDay, parseLocal, todayIn } from './occurrence-time.js';
import { answer, cancel } from './rsvp.js';
import { RangeControls } from './range-controls.js';
import { ScheduleForm } from './schedule-form.js';

const LIST_DAYS = 56;
const RELOAD_DELAY_MS = 150;

function isSiteModerator(user) {
  return Boolean(user && (user.role === 'moderator' || user.role === 'admin'));
}

export class Meetups {
  #conn;
  #groups;
  #getUser;
  #panels = document.getElementById('group-panels');
  #confirms = new Set();
  #panel;

  // Built once, moved in and out of #group-panels.
  #section;
  #bar;
  #status;
  #error;
  #rangeNote;
  #list;
  #empty;
  #range;
  #readerNote;
  #form;
  #edit;
  #calendar;

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
  #loaded = false;
  #loading = false;
  #next = null;
  #reloadTimer = 0;
  #loadSeq = 0;
  #situation = '';
  #deniedIn = null;

  constructor({ conn, groups, conversation, getUser }) {
    this.#conn = conn;
    this.#groups = groups;
    this.#getUser = getUser;
    const confirm = (question) => ask({ back: 'Keep it', danger: true, ...question, open: this.#confirms });
    this.#panel = {
      conn,
      group: () => this.#group,
      generation: () => this.#generation,
      canOrganise: () => this.#canOrganise,
      rangeEnd: () => this.#to,
      setStatus: (text) => {
        this.#status.textContent = text;
      },
      reloadSoon: () => this.#scheduleReload(),
      renderList: () => this.#renderList(),
      confirm,
    };
    this.#build(confirm);

    conversation.addEventListener('open', (event) => this.#onOpen(event.detail.group));
    conversation.addEventListener('close', () => this.#onOpen(null));
    groups.addEventListener('change', () => this.#sync());
    // main.js learns the user from the same event; look once every listener has run.
    conn.addEventListener('hello', () => queueMicrotask(() => this.#sync()));
    conn.addEventListener('ready', () => {
      this.#calendar.retry();
      if (this.#canRead) this.#scheduleReload();
    });
    conn.addEventListener('meetup.created', (event) => this.#onChanged(event.detail));
    conn.addEventListener('meetup.cancelled', (event) => this.#onChanged(event.detail));
    conn.addEventListener('meetup.edited', (event) => this.#onChanged(event.detail));
    conn.addEventListener('meetup.moved', (event) => showMoved(event.detail, this.#elsewhere(event.detail)));
    conn.addEventListener('meetup.demoted', (event) => this.#onDemoted(event.detail));
    conn.addEventListener('meetup.updated', (event) => this.#onUpdated(event.detail));
    conn.addEventListener('meetup.promoted', (event) => this.#onPromoted(event.detail));
    conn.addEventListener('meetup.reminder', (event) => this.#onReminder(event.detail));
  }

  /** Forget everything (sign-out). */
  reset() {
    this.#onOpen(null);
    for (const dialog of [...this.#confirms]) dialog.close();
    this.#calendar.reset();
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
    this.#calendar.el.hidden = true;
    this.#bar.calendarButton.setAttribute('aria-expanded', 'false');
    this.#form.close({ focus: false });
    this.#edit.close({ focus: false });
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
    this.#form.el.hidden = !canOrganise;
    if (!canOrganise) this.#form.close({ focus: false });
    this.#readerNote.hidden = canRsvp;
    if (info) this.#readerNote.textContent = `Join ${info.name} to say you're going.`;
    if (readChanged || rsvpChanged) {
      // Joined, or let in: my answers (and the right to give them) come with a fresh list.
      this.#load();
    } else if (organiseChanged) {
      this.#renderList();
    }
    this.#calendar.sync(info);
  }

  // ---- building the region ------------------------------------------------------------------

  #build(confirm) {
    this.#bar = new MeetupsBar({ onToggle: () => this.#setOpen(!this.#open) });

    this.#status = h('p', { class: 'meetups-status', role: 'status' });
    this.#error = h('p', { class: 'meetups-error', role: 'alert', hidden: true });
    this.#readerNote = h('p', { class: 'meetups-reader-note', hidden: true });
    this.#rangeNote = h('p', { class: 'meetups-range', hidden: true });
    this.#list = new MeetupList({
      onRsvp: (card, status) => answer(this.#panel, card, status),
      onCancel: (card, how) => cancel(this.#panel, card, how),
      onEdit: (card) => this.#edit.open(card),
      attendees: (card) =>
        this.#conn.request('meetups.attendees', { meetup: card.occ.meetup, occurrence: card.occ.local_start }),
    });
    this.#empty = h('p', { class: 'meetups-empty', hidden: true });

    this.#range = new RangeControls({
      onLater: () => this.#showLater(),
      onUpcoming: () => {
        this.#upcoming = true;
        this.#load();
      },
      onJump: (from) => {
        this.#upcoming = from === todayIn(HOME_ZONE);
        this.#load({ from });
      },
    });

    this.#form = new ScheduleForm(this.#panel);
    this.#edit = new EditForm(this.#panel);
    this.#calendar = new CalendarFeed({ conn: this.#conn, canRsvp: () => this.#canRsvp, confirm });
    this.#calendar.el.id = 'meetups-calendar';
    this.#calendar.el.hidden = true;
    this.#bar.calendarButton.addEventListener('click', () => this.#toggleCalendar());

    const body = h(
      'div',
      { id: 'meetups-body', class: 'meetups-body' },
      this.#calendar.el,
      this.#status,
      this.#error,
      this.#form.el,
      this.#readerNote,
      this.#rangeNote,
      this.#list.el,
      this.#empty,
      this.#range.more,
      this.#range.jump,
    );
    this.#section = h('section', { class: 'meetups', 'aria-labelledby': 'meetups-title' }, this.#bar.el, body);
  }

  /** The subscription opens at the top of the panel, under its header (and opens the panel on a phone). */
  #toggleCalendar() {
    const show = this.#calendar.el.hidden;
    this.#calendar.el.hidden = !show;
    this.#bar.calendarButton.setAttribute('aria-expanded', String(show));
    if (show && !this.#open) this.#setOpen(true);
  }

  #setOpen(open) {
    this.#open = open;
    this.#section.classList.toggle('is-open', open);
    this.#bar.setOpen(open);
    if (open) this.#panels.scrollTop = 0;
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
      occurrences = await fetchRange(this.#conn, group, start, end);
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
    this.#range.later.disabled = true;
    try {
      const occurrences = await fetchRange(this.#conn, group, start, end);
      if (generation !== this.#generation || seq !== this.#loadSeq) return;
      this.#add(occurrences);
      this.#to = end;
      this.#renderList();
      this.#status.textContent = occurrences.length
        ? `${plural(occurrences.length, 'more date', 'more dates')} up to ${calendarDay(parseDay(end), 0)}.`
        : `Nothing more up to ${calendarDay(parseDay(end), 0)}.`;
    } catch (err) {
      if (generation === this.#generation) setMessage(this.#error, `Couldn't load later dates. ${describeError(err)}`);
    } finally {
      this.#range.later.disabled = false;
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
    const group = this.#groups.get(detail.group);
    showPromoted(detail, occ, group && detail.group !== this.#group ? ` in ${group.name}` : '');
    if (occ) {
      occ.my_rsvp = 'going';
      occ.my_position = null;
      this.#renderList();
    }
  }

  /** " in Group" for news of a group other than the one on screen. */
  #elsewhere(detail) {
    const group = detail && this.#groups.get(detail.group);
    return group && detail.group !== this.#group ? ` in ${group.name}` : '';
  }

  #onDemoted(detail) {
    if (!detail) return;
    const occ = this.#occurrences.get(keyOf(detail.meetup, detail.occurrence));
    showDemoted(detail, occ, this.#elsewhere(detail));
    if (occ) {
      occ.my_rsvp = 'waitlisted';
      occ.my_position = Number.isInteger(detail.position) ? detail.position : null;
      this.#renderList();
    }
  }

  #onReminder(detail) {
    if (!detail) return;
    showReminder(detail, this.#occurrences.get(keyOf(detail.meetup, detail.occurrence)));
  }

  // ---- the list ---------------------------------------------------------------------------

  #renderList() {
    const shown = this.#list.render(this.#occurrences, {
      upcoming: this.#upcoming,
      canRsvp: this.#canRsvp,
      canOrganise: this.#canOrganise,
    });

    if (this.#upcoming) {
      const now = Date.now();
      this.#next = shown.find((occ) => !occ.cancelled && new Date(occ.ends_at).getTime() >= now) || null;
    }
    this.#bar.render(this.#loaded, this.#next);

    const from = parseDay(this.#from);
    this.#rangeNote.hidden = this.#upcoming || !from;
    if (from) this.#rangeNote.textContent = `Showing meet-ups from ${calendarDay(from, 0)}.`;
    this.#range.backToUpcoming.hidden = this.#upcoming;
    if (this.#loaded && !shown.length) {
      const to = parseDay(this.#to);
      const until = to ? ` up to ${calendarDay(to, homeYear())}` : '';
      setMessage(
        this.#empty,
        this.#canOrganise ? `No meet-ups planned${until}. Schedule one for the group.` : `No meet-ups planned${until}.`,
      );
    } else {
      setMessage(this.#empty, '');
    }
    this.#range.later.hidden = !this.#loaded;
    this.#range.fillToday();
  }
}
