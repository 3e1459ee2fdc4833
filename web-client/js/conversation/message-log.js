// The messages of the open group in seq order, and where the reader is in
// them: a message that arrives late still lands in its place, a page of
// history goes in without being read out message by message, and the "new
// messages" button counts what arrived below while the reader was scrolled up.

import { byId, h } from '../dom.js';
import { displayName, plural } from '../format.js';
import { LogKeys } from './log-keys.js';
import { fixDivider, markDeleted, nextMessage, renderMessage } from './message-view.js';

const NEAR_BOTTOM_PX = 120;
const ANNOUNCED_KEPT = 5;

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

export class MessageLog {
  el = byId('message-log');
  scroller = byId('conv-scroller');
  #jump = byId('jump-latest');

  #conn;
  #getUser;
  #onRendered;
  #adoptPending;
  #seqs = [];
  #bySeq = new Map();
  #unseenBelow = 0;
  #unreadDivider = null;
  #keys = new LogKeys(this.el);
  #announcer = byId('message-announcer');

  /**
   * onRendered(message, el): a person's message was drawn (not yet placed).
   * adoptPending(message): the pending copy a message of mine replaces, or null.
   */
  constructor({ conn, getUser, onRendered, adoptPending }) {
    this.#conn = conn;
    this.#getUser = getUser;
    this.#onRendered = onRendered;
    this.#adoptPending = adoptPending;
  }

  get size() {
    return this.#seqs.length;
  }

  /** The newest seq shown, or 0. */
  get latest() {
    return this.#seqs.length ? this.#seqs[this.#seqs.length - 1] : 0;
  }

  /** The oldest seq shown, or 0. */
  get oldest() {
    return this.#seqs.length ? this.#seqs[0] : 0;
  }

  clear() {
    this.#unreadDivider = null;
    this.#seqs = [];
    this.#bySeq.clear();
    this.#unseenBelow = 0;
    this.el.replaceChildren();
    this.#announcer.replaceChildren();
    this.#jump.hidden = true;
  }

  /** Add a message of `group` at its place by seq. Returns true when it was new. */
  insert(message, group) {
    if (!message || message.group !== group || !Number.isInteger(message.seq)) return false;
    const existing = this.#bySeq.get(message.seq);
    if (existing) {
      if (message.deleted && !existing.classList.contains('is-deleted')) markDeleted(existing);
      return false;
    }
    const adopted = this.#adoptPending(message);
    const el = renderMessage(message, this.#getUser());
    if (message.kind !== 'system') this.#onRendered(message, el);
    this.#bySeq.set(message.seq, el);
    this.#conn.noteSeq(message.group, message.seq);

    const index = sortedIndex(this.#seqs, message.seq);
    this.#seqs.splice(index, 0, message.seq);
    const next =
      index + 1 < this.#seqs.length
        ? this.#bySeq.get(this.#seqs[index + 1])
        : this.el.querySelector('.msg.is-pending');
    this.el.insertBefore(el, next || null);
    if (adopted) adopted.remove();
    fixDivider(el);
    const after = nextMessage(el);
    if (after) fixDivider(after);
    this.#keys.refresh();
    return true;
  }

  /** Say a new message out loud for screen readers, as "Jo M: text", without its buttons' labels. */
  announce(message) {
    const line = message.kind === 'system' ? message.text : `${displayName(message.author)}: ${message.text}`;
    this.#announcer.append(h('p', { text: line }));
    while (this.#announcer.childElementCount > ANNOUNCED_KEPT) this.#announcer.firstElementChild.remove();
  }

  /** Insert a page of history. New messages are read out through announce(), never the log itself. */
  bulk(insertAll) {
    insertAll();
  }

  markDeleted(seq) {
    const el = this.#bySeq.get(seq);
    if (el) markDeleted(el);
  }

  // ---- reading position ----------------------------------------------------------

  /**
   * Open at the first unread message: a "New messages" line above it at the top
   * of the view, and the button counting what is below. False when it is not shown.
   */
  showFirstUnread(firstSeq, unread) {
    const index = sortedIndex(this.#seqs, firstSeq);
    if (index === 0 || index >= this.#seqs.length) return false;
    const first = this.#bySeq.get(this.#seqs[index]);
    let top = first;
    const before = first.previousElementSibling;
    if (before && before.classList.contains('day-divider')) top = before;
    this.#unreadDivider = h('p', { class: 'unread-divider', text: 'New messages' });
    top.before(this.#unreadDivider);
    const offset = this.#unreadDivider.getBoundingClientRect().top - this.scroller.getBoundingClientRect().top;
    this.scroller.scrollTop = Math.max(0, this.scroller.scrollTop + offset - 8);
    if (this.isNearBottom()) return true;
    this.#unseenBelow = unread;
    this.#jump.textContent = plural(unread, 'new message', 'new messages');
    this.#jump.hidden = false;
    return true;
  }

  /** The newest seq whose message has come into view, for marking as read. */
  lastVisible() {
    const bottom = this.scroller.getBoundingClientRect().bottom;
    for (let i = this.#seqs.length - 1; i >= 0; i -= 1) {
      const el = this.#bySeq.get(this.#seqs[i]);
      if (el.getBoundingClientRect().top < bottom) return this.#seqs[i];
    }
    return 0;
  }

  isNearBottom() {
    const s = this.scroller;
    return s.scrollHeight - s.scrollTop - s.clientHeight < NEAR_BOTTOM_PX;
  }

  scrollToBottom() {
    this.scroller.scrollTop = this.scroller.scrollHeight;
    this.#unseenBelow = 0;
    this.#jump.hidden = true;
  }

  /** One more message arrived below where the reader is. */
  noteUnseen() {
    this.#unseenBelow += 1;
    this.#jump.textContent = plural(this.#unseenBelow, 'new message', 'new messages');
    this.#jump.hidden = false;
  }

  /** The reader scrolled: at the bottom, nothing is unseen any more. */
  onScroll() {
    if (this.isNearBottom()) {
      this.#unseenBelow = 0;
      this.#jump.hidden = true;
    }
  }
}
