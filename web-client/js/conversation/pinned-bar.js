// The open group's pinned messages, in a bar at the top of the conversation,
// newest pin first. Tapping one jumps to the message when it is in the log;
// otherwise it opens in place to show the whole text. Pins arrive with every
// history page (so a reconnect brings them) and live as message.pinned and
// message.unpinned; changes are read out politely by #pin-announcer.
//
// Messages in the log that are pinned carry the class "is-pinned"; the bar
// dispatches "pins" on the log element whenever that changes, so that the
// message actions can offer Pin or Unpin.

import { byId, h } from '../dom.js';
import { displayName, shorten } from '../format.js';

const ANNOUNCED_CHARS = 80;
const HIGHLIGHT_MS = 2000;

export class PinnedBar {
  #bar = byId('pinned-bar');
  #list = byId('pinned-list');
  #announcer = byId('pin-announcer');
  #log;
  #currentGroup;
  #pins = [];

  /** log: the MessageLog; currentGroup(): the open group's id or null. */
  constructor({ conn, log, currentGroup }) {
    this.#log = log;
    this.#currentGroup = currentGroup;
    conn.addEventListener('message.pinned', (event) => this.#onPinned(event.detail));
    conn.addEventListener('message.unpinned', (event) => this.#onUnpinned(event.detail));
    // A catch-up page after a reconnect carries the pins as they are now.
    conn.addEventListener('pins', (event) => {
      if (event.detail && event.detail.group === this.#currentGroup()) this.set(event.detail.pinned);
    });
  }

  /** The pins of a history page (newest first), shown without being read out. */
  set(pins) {
    this.#pins = Array.isArray(pins) ? pins.filter((pin) => pin && pin.message) : [];
    this.#render();
  }

  clear() {
    this.#pins = [];
    this.#announcer.replaceChildren();
    this.#render();
  }

  /** A message just drawn in the log: marked when it is pinned. */
  decorate(message, el) {
    el.classList.toggle('is-pinned', this.#isPinned(message.id));
  }

  #isPinned(id) {
    return this.#pins.some((pin) => pin.message.id === id);
  }

  #onPinned(detail) {
    const pin = detail && detail.pin;
    if (!pin || !pin.message || detail.group !== this.#currentGroup()) return;
    this.#pins = [pin, ...this.#pins.filter((p) => p.message.id !== pin.message.id)];
    this.#render();
    const text = shorten(pin.message.text || '', ANNOUNCED_CHARS);
    this.#say(`${displayName(pin.pinned_by)} pinned a message: ${text}`);
  }

  #onUnpinned(detail) {
    if (!detail || detail.group !== this.#currentGroup() || !this.#isPinned(detail.message)) return;
    this.#pins = this.#pins.filter((pin) => pin.message.id !== detail.message);
    this.#render();
    this.#say('A message was unpinned.');
  }

  #say(text) {
    this.#announcer.replaceChildren(h('p', { text }));
  }

  #render() {
    this.#list.replaceChildren(...this.#pins.map((pin) => this.#item(pin)));
    this.#bar.hidden = this.#pins.length === 0;
    const ids = new Set(this.#pins.map((pin) => String(pin.message.id)));
    for (const el of this.#log.el.querySelectorAll('.msg[data-id]')) {
      el.classList.toggle('is-pinned', ids.has(el.dataset.id));
    }
    this.#log.el.dispatchEvent(new CustomEvent('pins'));
  }

  #item(pin) {
    const message = pin.message;
    // The whole text is in the button's name; on screen it is one line until opened.
    const button = h(
      'button',
      { type: 'button', class: 'pinned-item' },
      h('span', { class: 'pin-icon', 'aria-hidden': 'true' }),
      h('span', { class: 'pinned-author', text: `${displayName(message.author)}: ` }),
      h('span', { class: 'pinned-text', text: message.text }),
    );
    button.addEventListener('click', () => this.#open(button, message));
    return h('li', {}, button);
  }

  /** Jump to the message when it is in the log; otherwise show its whole text here. */
  #open(button, message) {
    const el = this.#log.el.querySelector(`.msg[data-seq="${message.seq}"]`);
    if (el) {
      el.scrollIntoView({ block: 'center' });
      el.focus({ preventScroll: true });
      el.classList.add('is-highlighted');
      setTimeout(() => el.classList.remove('is-highlighted'), HIGHLIGHT_MS);
      return;
    }
    button.classList.toggle('is-expanded');
  }
}
