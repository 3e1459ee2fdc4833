// The box a message is written in. Enter sends (Shift+Enter is a new line),
// Send does not take the keyboard away on a phone, and a counter appears as
// the message nears the length limit.

import { byId } from '../dom.js';
import { codePoints } from '../format.js';

export const MAX_TEXT = 4000;
const COUNTER_FROM = 3600;

export class Composer {
  form = byId('composer');
  input = byId('composer-input');
  #sendButton = byId('send-button');
  #counter = byId('composer-counter');

  /** onSend(text): the person asked to send what they wrote. */
  constructor({ onSend }) {
    const send = () => onSend(this.input.value);
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      send();
    });
    this.input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
        event.preventDefault();
        send();
      }
    });
    this.input.addEventListener('input', () => this.#updateCounter());
    // Keep the keyboard open on phones: tapping Send should not take focus from the text box.
    this.#sendButton.addEventListener('mousedown', (event) => {
      if (document.activeElement === this.input) event.preventDefault();
    });
  }

  clear() {
    this.input.value = '';
    this.#updateCounter();
  }

  #updateCounter() {
    const n = codePoints(this.input.value);
    if (n >= COUNTER_FROM) {
      this.#counter.textContent = `${n} of ${MAX_TEXT} characters`;
      this.#counter.hidden = false;
      this.#counter.classList.toggle('is-over', n > MAX_TEXT);
    } else {
      this.#counter.hidden = true;
    }
  }
}
