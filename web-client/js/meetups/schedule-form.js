// The organisers' form for scheduling a meet-up: a one-off or a series every
// one to four weeks, online or in person, with an optional number of places.
// A summary under the form says in words what will be scheduled, so a wrong
// date or rhythm is caught before anyone's calendar fills up.

import { describeError, h, setMessage } from '../dom.js';
import { quoted } from '../format.js';
import { buildMeetupForm, clearProblems, readParams, startWords } from './meetup-fields.js';
import { HOME_ZONE } from './occurrence-time.js';

export class ScheduleForm {
  /** The "Schedule a meet-up" button and the form, shown to organisers only. */
  el;
  #button;
  #parts;
  #panel;

  /**
   * panel: { conn, group(), generation(), canOrganise(), rangeEnd(), setStatus(text), reloadSoon() }
   * from the meet-ups panel.
   */
  constructor(panel) {
    this.#panel = panel;
    this.#parts = buildMeetupForm({ prefix: 'mf', heading: 'Schedule a meet-up', submitText: 'Schedule' });
    this.#button = h(
      'button',
      {
        type: 'button',
        class: 'btn btn-primary btn-small meetups-schedule',
        'aria-expanded': 'false',
        'aria-controls': this.#parts.form.id,
      },
      'Schedule a meet-up',
    );
    this.#button.addEventListener('click', () => this.open());
    this.#parts.cancel.addEventListener('click', () => this.close());
    this.#parts.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.#submit();
    });
    this.el = h('div', { class: 'meetups-organise', hidden: true }, this.#button, this.#parts.form);
  }

  open() {
    if (!this.#panel.canOrganise()) return;
    this.#parts.reset();
    this.#parts.form.hidden = false;
    this.#button.hidden = true;
    this.#button.setAttribute('aria-expanded', 'true');
    this.#panel.setStatus('');
    this.#parts.c.title.focus();
  }

  close({ focus = true } = {}) {
    if (this.#parts.form.hidden) return;
    this.#parts.form.hidden = true;
    this.#button.hidden = false;
    this.#button.setAttribute('aria-expanded', 'false');
    if (focus) this.#button.focus();
  }

  async #submit() {
    const { form, error, submit } = this.#parts;
    const group = this.#panel.group();
    if (group === null || submit.disabled) return;
    clearProblems(form, error);
    const fields = readParams(this.#parts, (control, text) => {
      setMessage(error, text);
      control.setAttribute('aria-invalid', 'true');
      control.focus();
      return null;
    });
    if (!fields) return;
    const params = { group, timezone: HOME_ZONE, ...fields };

    submit.disabled = true;
    const generation = this.#panel.generation();
    let result;
    try {
      result = await this.#panel.conn.request('meetups.create', params);
    } catch (err) {
      submit.disabled = false;
      if (generation === this.#panel.generation()) setMessage(error, `Couldn't schedule it. ${describeError(err)}`);
      return;
    }
    submit.disabled = false;
    if (generation !== this.#panel.generation()) return;
    const meetup = (result && result.meetup) || {};
    this.close();
    const first = startWords(meetup.start || params.start);
    // A one-off happens on its day; only a series has a first date.
    const when = first ? `${params.repeat ? ', first on' : ' on'} ${first}` : '';
    const later =
      this.#panel.rangeEnd() && params.start.slice(0, 10) > this.#panel.rangeEnd()
        ? ' Tap “Show later dates” to see it.'
        : '';
    this.#panel.setStatus(`Scheduled ${quoted(meetup.title || params.title)}${when}. Everyone in the group can see it now.${later}`);
    this.#panel.reloadSoon();
  }
}
