// The form that changes a meet-up, opened from a card by those who manage it
// (`can_manage`). It has the scheduling form's fields, filled with the series
// as it stands, and changes the series as a whole. Everyone who said they are
// going is told of a new time or place by the server.

import { describeError, setMessage } from '../dom.js';
import { quoted } from '../format.js';
import { buildMeetupForm, clearProblems, readParams } from './meetup-fields.js';

export class EditForm {
  #parts = buildMeetupForm({ prefix: 'me', heading: 'Edit the meet-up', submitText: 'Save changes' });
  #panel;
  #card = null;

  /** panel: { conn, generation(), setStatus(text), reloadSoon() } from the meet-ups panel. */
  constructor(panel) {
    this.#panel = panel;
    this.#parts.cancel.addEventListener('click', () => this.close());
    this.#parts.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.#submit();
    });
  }

  /** Opens under the card, filled with its meet-up. */
  open(card) {
    this.close({ focus: false });
    this.#card = card;
    this.#parts.fill(card.occ);
    card.editSlot.append(this.#parts.form);
    this.#parts.form.hidden = false;
    card.editButton.setAttribute('aria-expanded', 'true');
    this.#parts.c.title.focus();
  }

  close({ focus = true } = {}) {
    const card = this.#card;
    this.#card = null;
    this.#parts.form.hidden = true;
    this.#parts.form.remove();
    if (!card) return;
    card.editButton.setAttribute('aria-expanded', 'false');
    if (focus && card.editButton.isConnected) card.editButton.focus();
  }

  async #submit() {
    const { form, error, submit } = this.#parts;
    const card = this.#card;
    if (!card || submit.disabled) return;
    clearProblems(form, error);
    const fields = readParams(this.#parts, (control, text) => {
      setMessage(error, text);
      control.setAttribute('aria-invalid', 'true');
      control.focus();
      return null;
    });
    if (!fields) return;
    submit.disabled = true;
    const generation = this.#panel.generation();
    try {
      await this.#panel.conn.request('meetups.edit', { meetup: card.occ.meetup, ...fields });
    } catch (err) {
      submit.disabled = false;
      if (generation === this.#panel.generation()) setMessage(error, `Couldn't save the changes. ${describeError(err)}`);
      return;
    }
    submit.disabled = false;
    if (generation !== this.#panel.generation()) return;
    this.close();
    this.#panel.setStatus(`Saved the changes to ${quoted(fields.title)}.`);
    this.#panel.reloadSoon();
  }
}
