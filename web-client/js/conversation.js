// The open conversation: its header, the message log, scroll-back, the
// composer with pending sends, and the join bar for people not yet in the
// group.
//
// Message text is always set with textContent: whatever people type, HTML
// included, is shown as typed.
//
// Dispatches on itself: "open" detail {group} and "close", so that panels such
// as meet-ups can follow the open group, and "message" detail {message, el}
// for each person's message it renders, so that tools can add actions to it.
// Panels mount in #group-panels; group tools (moderation) mount in #conv-tools.

import { isTransient } from './connection.js';
import { byId, describeError, h, randomId, setMessage } from './dom.js';
import { hueClass, initial } from './groups.js';

const PAGE = 50;
const MAX_TEXT = 4000;
const COUNTER_FROM = 3600;
const NEAR_BOTTOM_PX = 120;
const MARK_READ_DELAY_MS = 400;
const MAX_RATE_RETRIES = 5;
const MAX_TRANSIENT_RETRIES = 10;
const GAP_MAX_PAGES = 20;
const SEND_TIMEOUT_MS = 20000;

const timeFormat = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit' });
const fullFormat = new Intl.DateTimeFormat('en-GB', {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});
const weekdayFormat = new Intl.DateTimeFormat('en-GB', { weekday: 'long' });
const dayFormat = new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long' });
const dayYearFormat = new Intl.DateTimeFormat('en-GB', {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
});

function dayKey(date) {
  return `${date.getFullYear()}-${date.getMonth() + 1}-${date.getDate()}`;
}

function dayLabel(date) {
  const today = new Date();
  const startOfToday = new Date(today.getFullYear(), today.getMonth(), today.getDate());
  const startOfDay = new Date(date.getFullYear(), date.getMonth(), date.getDate());
  const days = Math.round((startOfToday - startOfDay) / 86400000);
  if (days === 0) return 'Today';
  if (days === 1) return 'Yesterday';
  if (days > 1 && days < 7) return weekdayFormat.format(date);
  if (date.getFullYear() === today.getFullYear()) return dayFormat.format(date);
  return dayYearFormat.format(date);
}

function codePoints(text) {
  return Array.from(text).length;
}

function parseTime(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? new Date() : date;
}

/** What a member should know about old messages going, or "" when the group keeps them. */
export function retentionNote(days) {
  if (!Number.isInteger(days)) return '';
  return `Messages older than ${days === 1 ? '1 day' : `${days} days`} are deleted from this group.`;
}

export class Conversation extends EventTarget {
  #conn;
  #groups;
  #getUser;

  #root = byId('conversation');
  #placeholder = byId('conv-placeholder');
  #body = byId('conv-body');
  #title = byId('conv-title');
  #meta = byId('conv-meta');
  #description = byId('conv-description');
  #retention = byId('conv-retention');
  #scroller = byId('conv-scroller');
  #log = byId('message-log');
  #empty = byId('conv-empty');
  #notice = byId('conv-notice');
  #loadOlder = byId('load-older');
  #jump = byId('jump-latest');
  #joinBar = byId('join-bar');
  #joinText = byId('join-text');
  #joinButton = byId('join-button');
  #composer = byId('composer');
  #input = byId('composer-input');
  #sendButton = byId('send-button');
  #counter = byId('composer-counter');
  #error = byId('conv-error');

  #group = null;
  #generation = 0;
  #loaded = false;
  #loadingOlder = false;
  #hasMoreOlder = false;
  #seqs = [];
  #bySeq = new Map();
  #pending = new Map();
  #markedSeq = 0;
  #markTimer = 0;
  #markDue = null;
  #liveTimer = 0;
  #fillingGap = false;
  #unseenBelow = 0;
  #historyDenied = false;
  #loadOnReady = false;
  #outbox = [];
  #pumping = false;

  constructor({ conn, groups, getUser }) {
    super();
    this.#conn = conn;
    this.#groups = groups;
    this.#getUser = getUser;

    this.#composer.addEventListener('submit', (event) => {
      event.preventDefault();
      this.#sendFromComposer();
    });
    this.#input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
        event.preventDefault();
        this.#sendFromComposer();
      }
    });
    this.#input.addEventListener('input', () => this.#updateCounter());
    // Keep the keyboard open on phones: tapping Send should not take focus from the text box.
    this.#sendButton.addEventListener('mousedown', (event) => {
      if (document.activeElement === this.#input) event.preventDefault();
    });
    this.#loadOlder.addEventListener('click', () => this.#loadOlderMessages());
    this.#jump.addEventListener('click', () => {
      this.#scrollToBottom();
      this.#input.focus({ preventScroll: true });
    });
    this.#joinButton.addEventListener('click', () => this.#join());
    this.#scroller.addEventListener('scroll', () => this.#onScroll(), { passive: true });

    conn.addEventListener('message.created', (event) => this.#onMessageCreated(event.detail));
    conn.addEventListener('message.deleted', (event) => this.#onMessageDeleted(event.detail));
    conn.addEventListener('membership.removed', (event) => this.#onRemoved(event.detail));
    conn.addEventListener('membership.approved', (event) => this.#onApproved(event.detail));
    conn.addEventListener('ready', () => this.#onReady());
    conn.addEventListener('resync', (event) => {
      if (event.detail.group === this.#group) this.open(this.#group, { force: true });
    });
    conn.addEventListener('state', () => this.#renderPendingStatus());
    groups.addEventListener('change', () => this.#renderChrome());
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') this.#scheduleMarkRead();
      else this.#flushMarkRead();
    });
    window.addEventListener('pagehide', () => this.#flushMarkRead());
  }

  get group() {
    return this.#group;
  }

  /** Show a group: header, latest messages, composer or join bar. */
  async open(groupId, { force = false } = {}) {
    if (groupId === this.#group && !force) return;
    const generation = ++this.#generation;
    this.#resetLog();
    this.#group = groupId;
    this.#conn.watch(groupId);
    this.#groups.select(groupId);
    this.#placeholder.hidden = true;
    this.#body.hidden = false;
    this.#renderChrome();
    this.#setNotice('Loading messages…');
    this.dispatchEvent(new CustomEvent('open', { detail: { group: groupId } }));

    let result;
    try {
      result = await this.#conn.request('messages.history', { group: groupId, limit: PAGE });
    } catch (err) {
      if (generation !== this.#generation) return;
      if (err.code === 'forbidden') {
        this.#historyDenied = true;
        this.#setNotice('Only members can read this group.');
      } else if (err.code === 'not_found') {
        this.#setNotice("This group doesn't exist any more.");
      } else if (isTransient(err)) {
        this.#setNotice("Can't load messages right now. They'll appear when the connection is back.");
        this.#loadOnReady = true;
      } else {
        this.#setNotice(`Couldn't load messages. ${describeError(err)}`);
      }
      this.#renderChrome();
      return;
    }
    if (generation !== this.#generation) return;
    const messages = Array.isArray(result.messages) ? result.messages : [];
    this.#bulk(() => {
      for (const message of messages) this.#insert(message);
    });
    // Even an empty group gets caught up after a reconnect.
    this.#conn.noteSeq(groupId, 0);
    this.#hasMoreOlder = Boolean(result.has_more);
    this.#loaded = true;
    this.#historyDenied = false;
    this.#setNotice('');
    for (const entry of this.#pending.values()) {
      if (entry.group === groupId) this.#log.append(entry.el);
    }
    this.#renderChrome();
    this.#scrollToBottom();
    this.#scheduleMarkRead();
  }

  /** Back to no open group (the list on a phone). */
  close() {
    if (this.#group === null) return;
    this.#generation += 1;
    this.#resetLog();
    this.#group = null;
    this.#conn.watch(null);
    this.#groups.select(null);
    this.#body.hidden = true;
    this.#placeholder.hidden = false;
    this.dispatchEvent(new CustomEvent('close'));
  }

  /** Forget everything (sign-out). */
  reset() {
    this.close();
    for (const entry of this.#pending.values()) entry.el.remove();
    this.#pending.clear();
    this.#outbox = [];
    this.#input.value = '';
    this.#updateCounter();
  }

  focusComposer() {
    if (!this.#composer.hidden) this.#input.focus();
  }

  /** The heading of the open conversation, for moving focus to on a phone. */
  focusTitle() {
    this.#title.focus({ preventScroll: true });
  }

  #resetLog() {
    this.#flushMarkRead();
    this.#loaded = false;
    this.#loadingOlder = false;
    this.#hasMoreOlder = false;
    this.#historyDenied = false;
    this.#loadOnReady = false;
    this.#seqs = [];
    this.#bySeq.clear();
    this.#markedSeq = 0;
    this.#unseenBelow = 0;
    for (const entry of this.#pending.values()) entry.el.remove();
    this.#log.replaceChildren();
    this.#jump.hidden = true;
    this.#loadOlder.hidden = true;
    this.#empty.hidden = true;
    setMessage(this.#error, '');
    this.#setNotice('');
  }

  #setNotice(text) {
    setMessage(this.#notice, text);
  }

  // ---- header, join bar and composer -------------------------------------

  #renderChrome() {
    const id = this.#group;
    if (id === null) return;
    const group = this.#groups.get(id);
    const name = group ? group.name : this.#groups.loaded ? 'Group not found' : 'Loading…';
    this.#title.textContent = name;
    this.#log.setAttribute('aria-label', group ? group.name : name);

    const meta = [];
    if (group) {
      if (group.region) meta.push(group.region);
      if (Number.isInteger(group.member_count)) {
        meta.push(`${group.member_count} ${group.member_count === 1 ? 'member' : 'members'}`);
      }
      if (group.visibility === 'private') meta.push('Private');
    }
    this.#meta.textContent = meta.join(' · ');
    setMessage(this.#description, group && group.description ? group.description : '');
    setMessage(this.#retention, group ? retentionNote(group.retention_days) : '');

    const membership = group ? group.my_membership : null;
    const active = Boolean(membership && membership.status === 'active');
    const pending = Boolean(membership && membership.status === 'pending');
    this.#composer.hidden = !active;
    this.#joinBar.hidden = !group || active;
    this.#joinButton.hidden = pending;
    if (group && !active) {
      if (pending) {
        this.#joinText.textContent = 'Request sent. A moderator will let you in soon.';
      } else if (group.visibility === 'private') {
        this.#joinText.textContent = `${group.name} is a private group. Ask to join and a moderator will let you in.`;
      } else {
        this.#joinText.textContent = `Join ${group.name} to post and to get new messages as they arrive.`;
      }
    }
    this.#loadOlder.hidden = !(this.#loaded && this.#hasMoreOlder);
    this.#empty.hidden = !(this.#loaded && this.#seqs.length === 0 && !this.#hasPendingHere());
    if (this.#historyDenied && active) this.open(id, { force: true });
  }

  #hasPendingHere() {
    for (const entry of this.#pending.values()) if (entry.group === this.#group) return true;
    return false;
  }

  async #join() {
    const id = this.#group;
    if (id === null) return;
    this.#joinButton.disabled = true;
    setMessage(this.#error, '');
    try {
      const membership = await this.#groups.join(id);
      this.#groups.refresh().catch(() => {});
      if (id !== this.#group) return;
      if (membership.status === 'active') {
        this.#input.focus();
        if (this.#loaded) this.#fillGap();
        this.#scheduleMarkRead();
      }
    } catch (err) {
      if (id === this.#group) setMessage(this.#error, `Couldn't join. ${describeError(err)}`);
    } finally {
      this.#joinButton.disabled = false;
    }
  }

  // ---- messages in the log -------------------------------------------------

  /** Add a message at its place by seq. Returns true when it was new. */
  #insert(message) {
    if (!message || message.group !== this.#group || !Number.isInteger(message.seq)) return false;
    const existing = this.#bySeq.get(message.seq);
    if (existing) {
      if (message.deleted && !existing.classList.contains('is-deleted')) this.#markDeleted(existing);
      return false;
    }
    const adopted = this.#adoptPending(message);
    const el = this.#renderMessage(message);
    this.#bySeq.set(message.seq, el);
    this.#conn.noteSeq(message.group, message.seq);

    const index = sortedIndex(this.#seqs, message.seq);
    this.#seqs.splice(index, 0, message.seq);
    const next = index + 1 < this.#seqs.length ? this.#bySeq.get(this.#seqs[index + 1]) : this.#firstPendingEl();
    this.#log.insertBefore(el, next || null);
    if (adopted) adopted.remove();
    this.#fixDivider(el);
    const after = nextMessage(el);
    if (after) this.#fixDivider(after);
    return true;
  }

  /** Insert a page of history without a screen reader reading out every message. */
  #bulk(insertAll) {
    clearTimeout(this.#liveTimer);
    this.#log.setAttribute('aria-live', 'off');
    try {
      insertAll();
    } finally {
      this.#liveTimer = setTimeout(() => this.#log.setAttribute('aria-live', 'polite'), 300);
    }
  }

  #firstPendingEl() {
    return this.#log.querySelector('.msg.is-pending');
  }

  /** A message of mine arrived before its send's reply: it replaces the pending copy. */
  #adoptPending(message) {
    const me = this.#getUser();
    if (!me || !message.author || message.author.id !== me.id) return null;
    for (const [clientId, entry] of this.#pending) {
      if (entry.group === message.group && entry.text === message.text && entry.state !== 'failed') {
        this.#pending.delete(clientId);
        return entry.el;
      }
    }
    return null;
  }

  #renderMessage(message) {
    const me = this.#getUser();
    const created = parseTime(message.created_at);
    const time = h('time', {
      class: 'msg-time',
      datetime: message.created_at,
      title: fullFormat.format(created),
      text: timeFormat.format(created),
    });
    const text = h('p', { class: 'msg-text' });

    if (message.kind === 'system') {
      const el = h('div', { class: 'msg msg-system', dataset: { seq: message.seq, day: dayKey(created) } }, text, time);
      text.textContent = message.deleted ? 'message deleted' : message.text;
      if (message.deleted) el.classList.add('is-deleted');
      return el;
    }

    const author = message.author || {};
    const mine = Boolean(me && author.id === me.id);
    const name = author.display_name || author.username || 'Someone';
    const head = h(
      'p',
      { class: 'msg-head' },
      h('span', { class: 'msg-author', text: name }),
      time,
      message.kind === 'announcement' ? h('span', { class: 'msg-tag', text: 'Announcement' }) : null,
    );
    const classes = ['msg'];
    if (mine) classes.push('is-mine');
    if (message.kind === 'announcement') classes.push('msg-announcement');
    const el = h(
      'article',
      { class: classes.join(' '), dataset: { seq: message.seq, day: dayKey(created) } },
      h('span', { class: `avatar ${hueClass(author.id)}`, 'aria-hidden': 'true', text: initial(name) }),
      h('div', { class: 'msg-bubble' }, head, text),
    );
    if (message.deleted) this.#markDeleted(el);
    else text.textContent = message.text;
    this.dispatchEvent(new CustomEvent('message', { detail: { message, el } }));
    return el;
  }

  #markDeleted(el) {
    el.classList.add('is-deleted');
    const text = el.querySelector('.msg-text');
    if (text) text.textContent = 'message deleted';
  }

  /** Put a day heading before a message when it starts a new day, and only then. */
  #fixDivider(el) {
    const prev = previousMessage(el);
    const needed = !prev || prev.dataset.day !== el.dataset.day;
    const before = el.previousElementSibling;
    const has = before && before.classList.contains('day-divider');
    if (needed) {
      const label = dayLabel(dayFromKey(el.dataset.day));
      if (has) {
        if (before.textContent !== label) before.textContent = label;
      } else {
        el.before(h('p', { class: 'day-divider', text: label }));
      }
    } else if (has) {
      before.remove();
    }
  }

  #onMessageCreated(detail) {
    const message = detail && detail.message;
    if (!message) return;
    const me = this.#getUser();
    const mine = Boolean(me && message.author && message.author.id === me.id);
    if (message.group !== this.#group) {
      this.#groups.noteMessage(message, { mine });
      return;
    }
    this.#groups.noteMessage(message, { mine });
    if (!this.#loaded) {
      // Still loading the first page; it will be placed by seq when it lands.
      this.#insert(message);
      return;
    }
    const gap = !detail.catchUp && this.#seqs.length > 0 && message.seq > this.#seqs[this.#seqs.length - 1] + 1;
    const wasNearBottom = this.#isNearBottom();
    const isLatest = this.#seqs.length === 0 || message.seq > this.#seqs[this.#seqs.length - 1];
    if (!this.#insert(message)) return;
    this.#empty.hidden = true;
    if (isLatest) {
      if (wasNearBottom || mine) this.#scrollToBottom();
      else {
        this.#unseenBelow += 1;
        this.#showJump();
      }
    }
    if (gap) this.#fillGap();
    this.#scheduleMarkRead();
  }

  #onMessageDeleted(detail) {
    if (!detail || detail.group !== this.#group) return;
    const el = this.#bySeq.get(detail.seq);
    if (el) this.#markDeleted(el);
  }

  #onRemoved(detail) {
    if (!detail) return;
    this.#groups.setMembership(detail.group, null);
    if (detail.group !== this.#group) return;
    const group = this.#groups.get(detail.group);
    if (group && group.visibility === 'private') this.#resetLog();
    this.#setNotice('You are no longer a member of this group.');
    this.#renderChrome();
  }

  #onApproved(detail) {
    if (!detail) return;
    this.#groups.setMembership(detail.group, { role: 'member', status: 'active' });
    this.#groups.refresh().catch(() => {});
  }

  #onReady() {
    if (this.#group !== null && this.#loadOnReady) this.open(this.#group, { force: true });
    for (const entry of this.#outbox) entry.attempts = 0;
    this.#pump();
  }

  /** Fetch what was missed between the newest shown message and now. */
  async #fillGap() {
    if (this.#fillingGap || !this.#loaded) return;
    this.#fillingGap = true;
    const group = this.#group;
    const generation = this.#generation;
    try {
      for (let page = 0; page < GAP_MAX_PAGES; page += 1) {
        const after = this.#seqs.length ? this.#seqs[this.#seqs.length - 1] : 0;
        const result = await this.#conn.request('messages.history', { group, after, limit: 100 });
        if (generation !== this.#generation) return;
        const messages = Array.isArray(result.messages) ? result.messages : [];
        const wasNearBottom = this.#isNearBottom();
        for (const message of messages) this.#insert(message);
        if (messages.length && wasNearBottom) this.#scrollToBottom();
        if (!result.has_more || messages.length === 0) break;
      }
      this.#renderChrome();
      this.#scheduleMarkRead();
    } catch {
      /* the next reconnect catches up */
    } finally {
      this.#fillingGap = false;
    }
  }

  async #loadOlderMessages() {
    if (this.#loadingOlder || !this.#hasMoreOlder || !this.#seqs.length) return;
    this.#loadingOlder = true;
    this.#loadOlder.disabled = true;
    this.#loadOlder.textContent = 'Loading older messages…';
    const group = this.#group;
    const generation = this.#generation;
    try {
      const result = await this.#conn.request('messages.history', { group, before: this.#seqs[0], limit: PAGE });
      if (generation !== this.#generation) return;
      const messages = Array.isArray(result.messages) ? result.messages : [];
      const oldHeight = this.#scroller.scrollHeight;
      const oldTop = this.#scroller.scrollTop;
      this.#bulk(() => {
        for (const message of messages) this.#insert(message);
      });
      this.#scroller.scrollTop = oldTop + (this.#scroller.scrollHeight - oldHeight);
      this.#hasMoreOlder = Boolean(result.has_more) && messages.length > 0;
      if (!this.#hasMoreOlder && document.activeElement === this.#loadOlder) this.#log.focus({ preventScroll: true });
    } catch (err) {
      if (generation === this.#generation) setMessage(this.#error, `Couldn't load older messages. ${describeError(err)}`);
    } finally {
      if (generation === this.#generation) {
        this.#loadingOlder = false;
        this.#loadOlder.disabled = false;
        this.#loadOlder.textContent = 'Load older messages';
        this.#renderChrome();
      }
    }
  }

  // ---- reading position --------------------------------------------------------

  #isNearBottom() {
    const s = this.#scroller;
    return s.scrollHeight - s.scrollTop - s.clientHeight < NEAR_BOTTOM_PX;
  }

  #scrollToBottom() {
    this.#scroller.scrollTop = this.#scroller.scrollHeight;
    this.#unseenBelow = 0;
    this.#jump.hidden = true;
  }

  #showJump() {
    const n = this.#unseenBelow;
    this.#jump.textContent = n === 1 ? '1 new message' : `${n} new messages`;
    this.#jump.hidden = false;
  }

  #onScroll() {
    if (this.#isNearBottom()) {
      this.#unseenBelow = 0;
      this.#jump.hidden = true;
    }
    if (this.#scroller.scrollTop < 40 && this.#hasMoreOlder && this.#loaded) this.#loadOlderMessages();
  }

  /**
   * Tell the server (messages.mark_read) what has been seen, shortly after it
   * arrives; a pending mark is sent at once when the person leaves the group.
   */
  #scheduleMarkRead() {
    if (document.visibilityState !== 'visible') return;
    const group = this.#group;
    if (group === null || !this.#groups.isActiveMember(group) || !this.#seqs.length) return;
    const seq = this.#seqs[this.#seqs.length - 1];
    if (seq <= this.#markedSeq) return;
    this.#markedSeq = seq;
    this.#markDue = { group, seq };
    this.#groups.markRead(group);
    clearTimeout(this.#markTimer);
    this.#markTimer = setTimeout(() => this.#flushMarkRead(), MARK_READ_DELAY_MS);
  }

  #flushMarkRead() {
    clearTimeout(this.#markTimer);
    const due = this.#markDue;
    this.#markDue = null;
    if (!due) return;
    this.#conn.request('messages.mark_read', due).catch(() => {
      if (due.group === this.#group && this.#markedSeq === due.seq) this.#markedSeq = 0;
    });
  }

  // ---- sending --------------------------------------------------------------------

  #updateCounter() {
    const n = codePoints(this.#input.value);
    if (n >= COUNTER_FROM) {
      this.#counter.textContent = `${n} of ${MAX_TEXT} characters`;
      this.#counter.hidden = false;
      this.#counter.classList.toggle('is-over', n > MAX_TEXT);
    } else {
      this.#counter.hidden = true;
    }
  }

  #sendFromComposer() {
    const group = this.#group;
    const text = this.#input.value;
    if (group === null || !text.trim()) {
      this.#input.focus();
      return;
    }
    if (codePoints(text.trim()) > MAX_TEXT) {
      setMessage(this.#error, `That message is too long. Keep it under ${MAX_TEXT} characters.`);
      return;
    }
    setMessage(this.#error, '');
    const entry = { clientId: randomId(), group, text, state: 'sending', attempts: 0, rateRetries: 0, el: null };
    entry.el = this.#renderPending(entry);
    this.#pending.set(entry.clientId, entry);
    this.#log.append(entry.el);
    this.#fixDivider(entry.el);
    this.#empty.hidden = true;
    this.#input.value = '';
    this.#updateCounter();
    this.#scrollToBottom();
    this.#setPendingStatus(entry, this.#conn.state === 'open' ? 'Sending…' : 'Waiting for connection…');
    this.#outbox.push(entry);
    this.#pump();
  }

  #renderPending(entry) {
    const me = this.#getUser() || {};
    const now = new Date();
    const name = me.display_name || me.username || 'You';
    const status = h('p', { class: 'msg-status' });
    const el = h(
      'article',
      { class: 'msg is-mine is-pending', dataset: { day: dayKey(now) } },
      h('span', { class: `avatar ${hueClass(me.id)}`, 'aria-hidden': 'true', text: initial(name) }),
      h(
        'div',
        { class: 'msg-bubble' },
        h('p', { class: 'msg-head' }, h('span', { class: 'msg-author', text: name })),
        h('p', { class: 'msg-text', text: entry.text }),
        status,
      ),
    );
    entry.status = status;
    return el;
  }

  #setPendingStatus(entry, text, actions = []) {
    entry.status.replaceChildren(h('span', { class: 'msg-status-text', text }), ...actions);
    entry.el.classList.toggle('is-failed', entry.state === 'failed');
  }

  #renderPendingStatus() {
    for (const entry of this.#pending.values()) {
      if (entry.state === 'sending' || entry.state === 'waiting') {
        this.#setPendingStatus(entry, this.#conn.state === 'open' ? 'Sending…' : 'Waiting for connection…');
      }
    }
  }

  /**
   * Send what is in the outbox one at a time, in the order it was written, so
   * that a retry after a rate limit or a lost connection never reorders the
   * conversation. Each send carries its client_id, so a resend is harmless.
   */
  async #pump() {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (this.#outbox.length) {
        const entry = this.#outbox[0];
        if (this.#pending.get(entry.clientId) !== entry) {
          // Already shown as delivered (its message.created came first), or removed.
          this.#outbox.shift();
          continue;
        }
        entry.state = 'sending';
        this.#setPendingStatus(entry, this.#conn.state === 'open' ? 'Sending…' : 'Waiting for connection…');
        let result;
        try {
          result = await this.#conn.request(
            'messages.send',
            { group: entry.group, text: entry.text, client_id: entry.clientId },
            { timeout: SEND_TIMEOUT_MS },
          );
        } catch (err) {
          if (this.#pending.get(entry.clientId) !== entry) continue;
          if (isTransient(err)) {
            entry.state = 'waiting';
            entry.attempts += 1;
            this.#setPendingStatus(entry, 'Waiting for connection…');
            if (this.#conn.state !== 'open') return; // "ready" after reconnecting starts again
            if (entry.attempts < MAX_TRANSIENT_RETRIES) {
              await sleep(2000);
              continue;
            }
          } else if (err.code === 'rate_limited' && entry.rateRetries < MAX_RATE_RETRIES) {
            entry.rateRetries += 1;
            entry.state = 'waiting';
            this.#setPendingStatus(entry, "You're sending quickly. Sending in a moment…");
            await sleep(Math.max(250, err.retryAfterMs || 1000));
            continue;
          }
          this.#outbox.shift();
          this.#failed(entry, err);
          continue;
        }
        this.#outbox.shift();
        this.#confirmed(entry, result.message);
      }
    } finally {
      this.#pumping = false;
    }
  }

  #confirmed(entry, message) {
    this.#pending.delete(entry.clientId);
    if (!message || message.group !== this.#group) {
      entry.el.remove();
      if (message) this.#groups.noteMessage(message, { mine: true });
      return;
    }
    const wasNearBottom = this.#isNearBottom();
    const el = entry.el;
    this.#insert(message);
    el.remove();
    const last = this.#log.lastElementChild;
    if (last && last.classList.contains('day-divider')) last.remove();
    if (wasNearBottom) this.#scrollToBottom();
    this.#scheduleMarkRead();
  }

  #failed(entry, err) {
    entry.state = 'failed';
    const reason = describeError(err);
    const retry = h('button', { type: 'button', class: 'btn btn-small', text: 'Try again' });
    const discard = h('button', { type: 'button', class: 'btn btn-small btn-quiet', text: 'Remove' });
    retry.addEventListener('click', () => {
      entry.attempts = 0;
      entry.rateRetries = 0;
      entry.state = 'sending';
      this.#outbox.push(entry);
      this.#pump();
    });
    discard.addEventListener('click', () => {
      this.#pending.delete(entry.clientId);
      const next = nextMessage(entry.el);
      entry.el.remove();
      const last = this.#log.lastElementChild;
      if (last && last.classList.contains('day-divider')) last.remove();
      if (next) this.#fixDivider(next);
      this.#input.focus();
    });
    this.#setPendingStatus(entry, `Not sent. ${reason}`, [retry, discard]);
    setMessage(this.#error, `Your message wasn't sent. ${reason}`);
  }
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function sortedIndex(sorted, value) {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function previousMessage(el) {
  let node = el.previousElementSibling;
  while (node && !node.classList.contains('msg')) node = node.previousElementSibling;
  return node;
}

function nextMessage(el) {
  let node = el.nextElementSibling;
  while (node && !node.classList.contains('msg')) node = node.nextElementSibling;
  return node;
}

function dayFromKey(key) {
  const [y, m, d] = String(key).split('-').map(Number);
  return y ? new Date(y, m - 1, d) : new Date();
}
