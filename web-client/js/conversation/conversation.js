// The open conversation: its header, the join bar for people not yet in the
// group, and the parts below that it puts together (the message log, history
// paging, the composer and its outbox, the read marker).
//
// Dispatches on itself: "open" detail {group} and "close", so that panels such
// as meet-ups can follow the open group, and "message" detail {message, el}
// for each person's message it renders, so that tools can add actions to it.
// Panels mount in #group-panels; group tools (moderation) mount in #conv-tools.

import { isTransient } from '../connection.js';
import { byId, describeError, setMessage } from '../dom.js';
import { codePoints, plural } from '../format.js';
import { Composer, MAX_TEXT } from './composer.js';
import { History, PAGE } from './history.js';
import { MessageLog } from './message-log.js';
import { Outbox } from './outbox.js';
import { PinnedBar } from './pinned-bar.js';
import { ReadMarker } from './read-marker.js';

/** What a member should know about old messages going, or "" when the group keeps them. */
export function retentionNote(days) {
  if (!Number.isInteger(days)) return '';
  return `Messages older than ${plural(days, 'day', 'days')} are deleted from this group.`;
}

export class Conversation extends EventTarget {
  #conn;
  #groups;
  #getUser;
  #log;
  #history;
  #composer;
  #outbox;
  #reads;
  #pins;

  #placeholder = byId('conv-placeholder');
  #body = byId('conv-body');
  #title = byId('conv-title');
  #meta = byId('conv-meta');
  #description = byId('conv-description');
  #retention = byId('conv-retention');
  #empty = byId('conv-empty');
  #notice = byId('conv-notice');
  #jump = byId('jump-latest');
  #joinBar = byId('join-bar');
  #joinText = byId('join-text');
  #joinButton = byId('join-button');
  #withdrawButton = byId('withdraw-button');
  #error = byId('conv-error');

  #group = null;
  // Bumped whenever the open group changes: late answers for the one before are dropped.
  #generation = 0;
  #loaded = false;
  #historyDenied = false;
  #loadOnReady = false;

  constructor({ conn, groups, getUser }) {
    super();
    this.#conn = conn;
    this.#groups = groups;
    this.#getUser = getUser;
    const currentGroup = () => this.#group;

    this.#log = new MessageLog({
      conn,
      getUser,
      onRendered: (message, el) => {
        this.#pins.decorate(message, el);
        this.dispatchEvent(new CustomEvent('message', { detail: { message, el } }));
      },
      adoptPending: (message) => this.#outbox.adopt(message),
    });
    this.#reads = new ReadMarker({ conn, groups, currentGroup });
    this.#pins = new PinnedBar({ conn, log: this.#log, currentGroup });
    this.#history = new History({
      conn,
      log: this.#log,
      view: {
        group: currentGroup,
        generation: () => this.#generation,
        loaded: () => this.#loaded,
        renderChrome: () => this.#renderChrome(),
        showError: (text) => setMessage(this.#error, text),
        markRead: () => this.#markRead(),
      },
    });
    this.#composer = new Composer({ onSend: (text) => this.#send(text) });
    this.#outbox = new Outbox({
      conn,
      groups,
      getUser,
      log: this.#log,
      currentGroup,
      onDelivered: () => this.#markRead(),
      showError: (text) => setMessage(this.#error, text),
      focusInput: () => this.#composer.input.focus(),
    });

    this.#jump.addEventListener('click', () => {
      this.#log.scrollToBottom();
      this.#composer.input.focus({ preventScroll: true });
    });
    this.#joinButton.addEventListener('click', () => this.#join());
    this.#withdrawButton.addEventListener('click', () => this.#withdraw());
    this.#log.scroller.addEventListener(
      'scroll',
      () => {
        this.#log.onScroll();
        this.#history.onScroll();
        this.#markRead();
      },
      { passive: true },
    );

    conn.addEventListener('message.created', (event) => this.#onMessageCreated(event.detail));
    conn.addEventListener('message.deleted', (event) => this.#onMessageDeleted(event.detail));
    conn.addEventListener('membership.removed', (event) => this.#onRemoved(event.detail));
    conn.addEventListener('membership.approved', (event) => this.#onApproved(event.detail));
    conn.addEventListener('ready', () => this.#onReady());
    conn.addEventListener('resync', (event) => {
      if (event.detail.group === this.#group) this.open(this.#group, { force: true });
    });
    conn.addEventListener('state', () => this.#outbox.renderStatuses());
    groups.addEventListener('change', () => this.#renderChrome());
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') this.#markRead();
    });
  }

  get group() {
    return this.#group;
  }

  /** Show a group: header, latest messages, composer or join bar. */
  async open(groupId, { force = false } = {}) {
    if (groupId === this.#group && !force) return;
    const generation = ++this.#generation;
    this.#resetLog();
    // Where the reader left off, taken before the list counts the group as read.
    const before = this.#groups.get(groupId);
    const unread = before && before.unread > 0 && Number.isInteger(before.last_seq) ? before.unread : 0;
    const firstUnread = unread ? before.last_seq - unread + 1 : 0;
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
      if (firstUnread) result = await this.#history.reachBack(groupId, result, firstUnread);
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
    this.#log.bulk(() => {
      for (const message of messages) this.#log.insert(message, groupId);
    });
    // Even an empty group gets caught up after a reconnect.
    this.#conn.noteSeq(groupId, 0);
    this.#history.hasMoreOlder = Boolean(result.has_more);
    this.#pins.set(result.pinned);
    this.#loaded = true;
    this.#historyDenied = false;
    this.#setNotice('');
    this.#outbox.showIn(groupId);
    this.#renderChrome();
    if (!firstUnread || !this.#log.showFirstUnread(firstUnread, unread)) this.#log.scrollToBottom();
    this.#markRead();
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
    this.#outbox.clear();
    this.#composer.clear();
  }

  focusComposer() {
    if (this.canWrite()) this.#composer.input.focus();
  }

  /** Whether the message box is there to write in (a member, not muted). */
  canWrite() {
    return !this.#composer.form.hidden && !this.#composer.input.disabled;
  }

  /** The heading of the open conversation, for moving focus to on a phone. */
  focusTitle() {
    this.#title.focus({ preventScroll: true });
  }

  #resetLog() {
    this.#reads.flush();
    this.#loaded = false;
    this.#history.reset();
    this.#historyDenied = false;
    this.#loadOnReady = false;
    this.#reads.reset();
    this.#outbox.detach();
    this.#log.clear();
    this.#pins.clear();
    this.#history.button.hidden = true;
    this.#empty.hidden = true;
    setMessage(this.#error, '');
    this.#setNotice('');
  }

  #setNotice(text) {
    setMessage(this.#notice, text);
  }

  /** Mark as read what has come into view, not what is still below it. */
  #markRead() {
    this.#reads.mark(this.#group, this.#log.lastVisible());
  }

  // ---- header, join bar and composer -------------------------------------

  #renderChrome() {
    const id = this.#group;
    if (id === null) return;
    const group = this.#groups.get(id);
    const name = group ? group.name : this.#groups.loaded ? 'Group not found' : 'Loading…';
    this.#title.textContent = name;
    this.#log.el.setAttribute('aria-label', group ? group.name : name);

    const meta = [];
    if (group) {
      if (group.region) meta.push(group.region);
      if (Number.isInteger(group.member_count)) meta.push(plural(group.member_count, 'member', 'members'));
      if (group.visibility === 'private') meta.push('Private');
    }
    this.#meta.textContent = meta.join(' · ');
    setMessage(this.#description, group && group.description ? group.description : '');
    setMessage(this.#retention, group ? retentionNote(group.retention_days) : '');

    const membership = group ? group.my_membership : null;
    const active = Boolean(membership && membership.status === 'active');
    const pending = Boolean(membership && membership.status === 'pending');
    this.#composer.form.hidden = !active;
    this.#joinBar.hidden = !group || active;
    this.#joinButton.hidden = pending;
    this.#withdrawButton.hidden = !pending;
    if (group && !active) {
      if (pending) {
        this.#joinText.textContent = 'Request sent. A moderator will let you in soon.';
      } else if (group.visibility === 'private') {
        this.#joinText.textContent = `${group.name} is a private group: joining sends a request, and a moderator lets you in.`;
      } else {
        this.#joinText.textContent = `Join ${group.name} to post and to get new messages as they arrive.`;
      }
    }
    this.#history.button.hidden = !(this.#loaded && this.#history.hasMoreOlder);
    this.#empty.hidden = !(this.#loaded && this.#log.size === 0 && !this.#outbox.hasPendingIn(id));
    if (this.#historyDenied && active) this.open(id, { force: true });
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
      if (membership.status === 'pending') {
        this.#withdrawButton.focus();
      } else if (membership.status === 'active') {
        this.#composer.input.focus();
        if (this.#loaded) this.#history.fillGap();
        this.#markRead();
      }
    } catch (err) {
      if (id === this.#group) setMessage(this.#error, `Couldn't join. ${describeError(err)}`);
    } finally {
      this.#joinButton.disabled = false;
    }
  }

  /** Take back a request to join a private group (groups.leave on a pending membership). */
  async #withdraw() {
    const id = this.#group;
    if (id === null) return;
    this.#withdrawButton.disabled = true;
    setMessage(this.#error, '');
    try {
      await this.#conn.request('groups.leave', { group: id });
      this.#groups.setMembership(id, null);
      if (id === this.#group) this.#joinButton.focus();
    } catch (err) {
      if (id === this.#group) setMessage(this.#error, `Couldn't withdraw the request. ${describeError(err)}`);
    } finally {
      this.#withdrawButton.disabled = false;
    }
  }

  #send(text) {
    const group = this.#group;
    if (group === null || !text.trim()) {
      this.#composer.input.focus();
      return;
    }
    if (codePoints(text.trim()) > MAX_TEXT) {
      setMessage(this.#error, `That message is too long. Keep it under ${MAX_TEXT} characters.`);
      return;
    }
    setMessage(this.#error, '');
    const entry = this.#outbox.add(group, text);
    this.#empty.hidden = true;
    this.#composer.clear();
    this.#log.scrollToBottom();
    this.#outbox.send(entry);
  }

  // ---- what the server pushes ----------------------------------------------------

  #onMessageCreated(detail) {
    const message = detail && detail.message;
    if (!message) return;
    const me = this.#getUser();
    const mine = Boolean(me && message.author && message.author.id === me.id);
    this.#groups.noteMessage(message, { mine });
    if (message.group !== this.#group) return;
    if (!this.#loaded) {
      // Still loading the first page; it will be placed by seq when it lands.
      this.#log.insert(message, this.#group);
      return;
    }
    const latest = this.#log.latest;
    const gap = !detail.catchUp && this.#log.size > 0 && message.seq > latest + 1;
    const wasNearBottom = this.#log.isNearBottom();
    const isLatest = this.#log.size === 0 || message.seq > latest;
    if (!this.#log.insert(message, this.#group)) return;
    if (!detail.catchUp && !mine) this.#log.announce(message);
    this.#empty.hidden = true;
    if (isLatest) {
      if (wasNearBottom || mine) this.#log.scrollToBottom();
      else this.#log.noteUnseen();
    }
    if (gap) this.#history.fillGap();
    this.#markRead();
  }

  #onMessageDeleted(detail) {
    if (!detail || detail.group !== this.#group) return;
    this.#log.markDeleted(detail.seq);
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
    this.#outbox.resume();
  }
}
