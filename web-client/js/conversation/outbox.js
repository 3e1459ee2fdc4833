// Messages on their way: each shows at once as a pending copy, and they are
// sent one at a time in the order they were written, so that a retry after a
// rate limit or a lost connection never reorders the conversation. Each send
// carries its client_id, so sending it again is harmless.

import { isTransient } from '../connection.js';
import { describeError, h, randomId } from '../dom.js';
import { dropTrailingDivider, fixDivider, nextMessage, renderPending } from './message-view.js';

const MAX_RATE_RETRIES = 5;
const MAX_TRANSIENT_RETRIES = 10;
const TRANSIENT_RETRY_MS = 2000;
const SEND_TIMEOUT_MS = 20000;
const NOT_SENT_YET = "Not sent yet. It will be sent when you're back online.";

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export class Outbox {
  #conn;
  #groups;
  #getUser;
  #log;
  #currentGroup;
  #onDelivered;
  #showError;
  #focusInput;
  #pending = new Map();
  #queue = [];
  #pumping = false;

  /**
   * log: the MessageLog; currentGroup(): the open group; onDelivered(): one of
   * mine is in the open group's log now; showError(text) and focusInput() reach
   * the composer.
   */
  constructor({ conn, groups, getUser, log, currentGroup, onDelivered, showError, focusInput }) {
    this.#conn = conn;
    this.#groups = groups;
    this.#getUser = getUser;
    this.#log = log;
    this.#currentGroup = currentGroup;
    this.#onDelivered = onDelivered;
    this.#showError = showError;
    this.#focusInput = focusInput;
  }

  /** Show `text` as pending at the end of the log; `send` starts it on its way. */
  add(group, text) {
    const entry = { clientId: randomId(), group, text, state: 'sending', attempts: 0, rateRetries: 0 };
    Object.assign(entry, renderPending(text, this.#getUser() || {}));
    this.#pending.set(entry.clientId, entry);
    this.#log.el.append(entry.el);
    fixDivider(entry.el);
    return entry;
  }

  send(entry) {
    this.#setStatus(entry, this.#waitingText());
    this.#queue.push(entry);
    this.#pump();
  }

  /** A message of mine arrived before its send's reply: the pending copy it replaces. */
  adopt(message) {
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

  /** Put the group's pending copies back at the end of its freshly loaded log. */
  showIn(group) {
    for (const entry of this.#pending.values()) {
      if (entry.group === group) this.#log.el.append(entry.el);
    }
  }

  hasPendingIn(group) {
    for (const entry of this.#pending.values()) if (entry.group === group) return true;
    return false;
  }

  /** Take the pending copies out of the log; they are still sent. */
  detach() {
    for (const entry of this.#pending.values()) entry.el.remove();
  }

  /** Forget everything not yet sent (sign-out). */
  clear() {
    this.detach();
    this.#pending.clear();
    this.#queue = [];
  }

  /** The connection is back: try everything again from the start. */
  resume() {
    for (const entry of this.#queue) entry.attempts = 0;
    this.#pump();
  }

  /** The connection changed: say so on what is waiting. */
  renderStatuses() {
    for (const entry of this.#pending.values()) {
      if (entry.state === 'sending' || entry.state === 'waiting') this.#setStatus(entry, this.#waitingText());
    }
  }

  #waitingText() {
    return this.#conn.state === 'open' ? 'Sending…' : NOT_SENT_YET;
  }

  #setStatus(entry, text, actions = []) {
    entry.status.replaceChildren(h('span', { class: 'msg-status-text', text }), ...actions);
    entry.el.classList.toggle('is-failed', entry.state === 'failed');
  }

  async #pump() {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (this.#queue.length) {
        const entry = this.#queue[0];
        if (this.#pending.get(entry.clientId) !== entry) {
          // Already shown as delivered (its message.created came first), or removed.
          this.#queue.shift();
          continue;
        }
        entry.state = 'sending';
        this.#setStatus(entry, this.#waitingText());
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
            this.#setStatus(entry, NOT_SENT_YET);
            if (this.#conn.state !== 'open') return; // "ready" after reconnecting starts again
            if (entry.attempts < MAX_TRANSIENT_RETRIES) {
              await sleep(TRANSIENT_RETRY_MS);
              continue;
            }
          } else if (err.code === 'rate_limited' && entry.rateRetries < MAX_RATE_RETRIES) {
            entry.rateRetries += 1;
            entry.state = 'waiting';
            this.#setStatus(entry, "You're sending quickly. Sending in a moment…");
            await sleep(Math.max(250, err.retryAfterMs || 1000));
            continue;
          }
          this.#queue.shift();
          this.#failed(entry, err);
          continue;
        }
        this.#queue.shift();
        this.#delivered(entry, result.message);
      }
    } finally {
      this.#pumping = false;
    }
  }

  #delivered(entry, message) {
    this.#pending.delete(entry.clientId);
    const group = this.#currentGroup();
    if (!message || message.group !== group) {
      entry.el.remove();
      if (message) this.#groups.noteMessage(message, { mine: true });
      return;
    }
    const wasNearBottom = this.#log.isNearBottom();
    this.#log.insert(message, group);
    entry.el.remove();
    dropTrailingDivider(this.#log.el);
    if (wasNearBottom) this.#log.scrollToBottom();
    this.#onDelivered();
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
      this.#queue.push(entry);
      this.#pump();
    });
    discard.addEventListener('click', () => {
      this.#pending.delete(entry.clientId);
      const next = nextMessage(entry.el);
      entry.el.remove();
      dropTrailingDivider(this.#log.el);
      if (next) fixDivider(next);
      this.#focusInput();
    });
    this.#setStatus(entry, `Not sent. ${reason}`, [retry, discard]);
    this.#showError(`Your message wasn't sent. ${reason}`);
  }
}
