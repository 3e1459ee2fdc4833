// Fetching what is not on screen yet: older pages when the reader scrolls up
// (or taps "Load older messages"), and what was missed between the newest
// message shown and now, after joining or a gap in the live messages.

import { byId, describeError } from '../dom.js';

export const PAGE = 50;
const GAP_PAGE = 100;
const GAP_MAX_PAGES = 20;
const LOAD_OLDER_WITHIN_PX = 40;
const REACH_BACK_PAGES = 4;

export class History {
  /** Whether the server said there is more before the oldest message shown. */
  hasMoreOlder = false;
  button = byId('load-older');
  #loadingOlder = false;
  #fillingGap = false;
  #conn;
  #log;
  #view;

  /**
   * view: { group(), generation(), loaded(), renderChrome(), showError(text), markRead() }
   * from the conversation; a late answer for an earlier generation is dropped.
   */
  constructor({ conn, log, view }) {
    this.#conn = conn;
    this.#log = log;
    this.#view = view;
    this.button.addEventListener('click', () => this.loadOlder());
  }

  reset() {
    this.#loadingOlder = false;
    this.hasMoreOlder = false;
  }

  /** Near the top of the log, fetch the page before it. */
  onScroll() {
    if (this.#log.scroller.scrollTop < LOAD_OLDER_WITHIN_PX && this.hasMoreOlder && this.#view.loaded()) {
      this.loadOlder();
    }
  }

  /** Fetch what was missed between the newest shown message and now. */
  async fillGap() {
    if (this.#fillingGap || !this.#view.loaded()) return;
    this.#fillingGap = true;
    const group = this.#view.group();
    const generation = this.#view.generation();
    try {
      for (let page = 0; page < GAP_MAX_PAGES; page += 1) {
        const after = this.#log.latest;
        const result = await this.#conn.request('messages.history', { group, after, limit: GAP_PAGE });
        if (generation !== this.#view.generation()) return;
        const messages = Array.isArray(result.messages) ? result.messages : [];
        const wasNearBottom = this.#log.isNearBottom();
        for (const message of messages) this.#log.insert(message, group);
        if (messages.length && wasNearBottom) this.#log.scrollToBottom();
        if (!result.has_more || messages.length === 0) break;
      }
      this.#view.renderChrome();
      this.#view.markRead();
    } catch {
      /* the next reconnect catches up */
    } finally {
      this.#fillingGap = false;
    }
  }

  /**
   * Extend a first page (a messages.history result) back to include `firstSeq`,
   * within a few pages, so the reader can start at their first unread message.
   */
  async reachBack(group, result, firstSeq) {
    let messages = Array.isArray(result.messages) ? result.messages : [];
    let hasMore = Boolean(result.has_more);
    for (let page = 0; page < REACH_BACK_PAGES && hasMore && messages.length && messages[0].seq > firstSeq; page += 1) {
      const older = await this.#conn.request('messages.history', { group, before: messages[0].seq, limit: PAGE });
      const more = Array.isArray(older.messages) ? older.messages : [];
      messages = more.concat(messages);
      hasMore = Boolean(older.has_more) && more.length > 0;
    }
    return { messages, has_more: hasMore };
  }

  async loadOlder() {
    if (this.#loadingOlder || !this.hasMoreOlder || !this.#log.size) return;
    this.#loadingOlder = true;
    this.button.disabled = true;
    this.button.textContent = 'Loading older messages…';
    const group = this.#view.group();
    const generation = this.#view.generation();
    const scroller = this.#log.scroller;
    try {
      const result = await this.#conn.request('messages.history', { group, before: this.#log.oldest, limit: PAGE });
      if (generation !== this.#view.generation()) return;
      const messages = Array.isArray(result.messages) ? result.messages : [];
      const oldHeight = scroller.scrollHeight;
      const oldTop = scroller.scrollTop;
      this.#log.bulk(() => {
        for (const message of messages) this.#log.insert(message, group);
      });
      // Keep the message the reader was looking at where it was.
      scroller.scrollTop = oldTop + (scroller.scrollHeight - oldHeight);
      this.hasMoreOlder = Boolean(result.has_more) && messages.length > 0;
      if (!this.hasMoreOlder && document.activeElement === this.button) this.#log.el.focus({ preventScroll: true });
    } catch (err) {
      if (generation === this.#view.generation()) this.#view.showError(`Couldn't load older messages. ${describeError(err)}`);
    } finally {
      if (generation === this.#view.generation()) {
        this.#loadingOlder = false;
        this.button.disabled = false;
        this.button.textContent = 'Load older messages';
        this.#view.renderChrome();
      }
    }
  }
}
