// Moving through the messages with the keyboard. The log is one stop in the
// Tab order, whatever its length: one message at a time is tabbable (the
// "current" one, at first the newest), its actions follow it, and the arrow
// keys, Home and End move between messages (a roving tabindex).

const MESSAGE = '.msg[data-seq]';

export class LogKeys {
  #log;
  #current = null;

  constructor(log) {
    this.#log = log;
    log.addEventListener('focusin', (event) => {
      const msg = event.target.closest(MESSAGE);
      if (msg && msg !== this.#current) this.#makeCurrent(msg);
    });
    log.addEventListener('keydown', (event) => this.#onKey(event));
  }

  /** Messages or their actions changed: keep exactly one message and its actions in the Tab order. */
  refresh() {
    if (this.#current && !this.#current.isConnected) this.#current = null;
    const messages = this.#log.querySelectorAll(MESSAGE);
    for (const msg of messages) {
      if (msg !== this.#current) setTabbable(msg, false);
    }
    if (!this.#current && messages.length) this.#current = messages[messages.length - 1];
    if (this.#current) setTabbable(this.#current, true);
  }

  /** A rendered message: out of the Tab order until it is the current one. */
  adopt(msg) {
    setTabbable(msg, msg === this.#current);
  }

  #makeCurrent(msg) {
    if (this.#current && this.#current.isConnected) setTabbable(this.#current, false);
    this.#current = msg;
    setTabbable(msg, true);
  }

  #onKey(event) {
    const msg = event.target;
    if (!(msg instanceof HTMLElement) || !msg.matches(MESSAGE)) return;
    const messages = [...this.#log.querySelectorAll(MESSAGE)];
    const index = messages.indexOf(msg);
    let next = null;
    if (event.key === 'ArrowUp') next = messages[index - 1];
    else if (event.key === 'ArrowDown') next = messages[index + 1];
    else if (event.key === 'Home') next = messages[0];
    else if (event.key === 'End') next = messages[messages.length - 1];
    else return;
    event.preventDefault();
    if (!next) return;
    this.#makeCurrent(next);
    next.focus();
  }
}

function setTabbable(msg, on) {
  msg.tabIndex = on ? 0 : -1;
  for (const control of msg.querySelectorAll('button, a[href]')) {
    if (on) control.removeAttribute('tabindex');
    else control.tabIndex = -1;
  }
}
