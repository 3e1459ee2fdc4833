// The organisers' form for scheduling a meet-up: a one-off or a series every
// one to four weeks, online or in person, with an optional number of places.
// A summary under the form says in words what will be scheduled, so a wrong
// date or rhythm is caught before anyone's calendar fills up.

import { describeError, h, setMessage } from '../dom.js';
import { calendarDay, plural, quoted, weekdayName } from '../format.js';
import { HOME_ZONE, homeYear, parseDay, parseLocal, todayIn, zoneLabel } from './occurrence-time.js';

const MAX_TITLE = 120;
const MAX_DESCRIPTION = 2000;
const MAX_LOCATION = 200;
const MAX_URL = 500;
const MAX_CAPACITY = 10000;
const MAX_COUNT = 100;
const DURATIONS = [
  ['30 minutes', 30],
  ['45 minutes', 45],
  ['1 hour', 60],
  ['1½ hours', 90],
  ['2 hours', 120],
  ['3 hours', 180],
  ['Half a day (4 hours)', 240],
];
const REPEATS = [
  ['Does not repeat', '0'],
  ['Every week', '1'],
  ['Every 2 weeks (fortnightly)', '2'],
  ['Every 3 weeks', '3'],
  ['Every 4 weeks', '4'],
];
const EVERY = { 1: 'Every week', 2: 'Every 2 weeks', 3: 'Every 3 weeks', 4: 'Every 4 weeks' };

/** "Every 2 weeks on Wednesday at 16:00 UK time, from Wed 9 Dec, 6 times." */
function describeSeries(c, kind, ends) {
  const day = parseDay(c.date.value);
  if (!day || !c.time.value) return 'Pick a date and a start time.';
  const thisYear = homeYear();
  const weekday = weekdayName(day);
  const every = Number(c.repeat.value);
  const where =
    kind === 'online' ? 'online' : c.location.value.trim() ? `at ${c.location.value.trim()}` : 'in person';
  if (!every) return `Once, ${where}: ${calendarDay(day, thisYear)} at ${c.time.value} ${zoneLabel(HOME_ZONE)}.`;
  let text = `${EVERY[every]} on ${weekday} at ${c.time.value} ${zoneLabel(HOME_ZONE)}, ${where}, from ${calendarDay(day, thisYear)}`;
  const count = Number.parseInt(c.count.value, 10);
  const until = parseDay(c.until.value);
  if (ends === 'count' && count > 0) text += `, ${plural(count, 'time', 'times')}`;
  else if (ends === 'until' && until) text += ` until ${calendarDay(until, thisYear)}`;
  return `${text}.`;
}

export class ScheduleForm {
  /** The "Schedule a meet-up" button and the form, shown to organisers only. */
  el;
  #button;
  #form;
  #panel;
  // Set by #build: back to a fresh form with today as the earliest date.
  #resetState = () => {};

  /**
   * panel: { conn, group(), generation(), canOrganise(), rangeEnd(), setStatus(text), reloadSoon() }
   * from the meet-ups panel.
   */
  constructor(panel) {
    this.#panel = panel;
    this.#button = h(
      'button',
      {
        type: 'button',
        class: 'btn btn-primary btn-small meetups-schedule',
        'aria-expanded': 'false',
        'aria-controls': 'meetup-form',
      },
      'Schedule a meet-up',
    );
    this.#button.addEventListener('click', () => this.open());
    this.#form = this.#build();
    this.el = h('div', { class: 'meetups-organise', hidden: true }, this.#button, this.#form);
  }

  #build() {
    const id = (name) => `mf-${name}`;
    const field = (name, label, control, hint = null) => {
      const hintId = hint ? `${id(name)}-hint` : null;
      if (hintId) control.setAttribute('aria-describedby', hintId);
      return h(
        'div',
        { class: 'field', dataset: { field: name } },
        h('label', { for: id(name), text: label }),
        control,
        hint ? h('p', { id: hintId, class: 'hint', text: hint }) : null,
      );
    };
    const radio = (group, value, label, checked = false) => {
      const input = h('input', { type: 'radio', id: id(`${group}-${value}`), name: group, value, checked });
      return h('label', { class: 'choice', for: id(`${group}-${value}`) }, input, h('span', { text: label }));
    };

    const c = {};
    c.title = h('input', {
      id: id('title'),
      name: 'title',
      type: 'text',
      maxlength: MAX_TITLE,
      autocomplete: 'off',
      required: true,
    });
    c.description = h('textarea', {
      id: id('description'),
      name: 'description',
      class: 'textarea',
      rows: 3,
      maxlength: MAX_DESCRIPTION,
    });
    const kinds = h(
      'fieldset',
      { class: 'meetup-fieldset' },
      h('legend', { text: 'Where' }),
      h('div', { class: 'choices' }, radio('kind', 'online', 'Online', true), radio('kind', 'in_person', 'In person')),
    );
    c.url = h('input', {
      id: id('url'),
      name: 'url',
      type: 'url',
      inputmode: 'url',
      maxlength: MAX_URL,
      autocomplete: 'off',
      spellcheck: 'false',
    });
    c.location = h('input', {
      id: id('location'),
      name: 'location',
      type: 'text',
      maxlength: MAX_LOCATION,
      autocomplete: 'off',
    });
    c.date = h('input', { id: id('date'), name: 'date', type: 'date', required: true });
    c.time = h('input', { id: id('time'), name: 'time', type: 'time', value: '16:00', step: 300, required: true });
    c.duration = h(
      'select',
      { id: id('duration'), name: 'duration', class: 'select' },
      DURATIONS.map(([label, minutes]) =>
        h('option', { value: String(minutes), text: label, selected: minutes === 60 }),
      ),
    );
    c.repeat = h(
      'select',
      { id: id('repeat'), name: 'repeat', class: 'select' },
      REPEATS.map(([label, value]) => h('option', { value, text: label, selected: value === '2' })),
    );
    c.count = h('input', {
      id: id('count'),
      name: 'count',
      type: 'number',
      inputmode: 'numeric',
      min: 1,
      max: MAX_COUNT,
      value: '6',
    });
    c.until = h('input', { id: id('until'), name: 'until', type: 'date' });
    const ends = h(
      'fieldset',
      { class: 'meetup-fieldset', dataset: { field: 'ends' } },
      h('legend', { text: 'Ends' }),
      h(
        'div',
        { class: 'choices choices-stacked' },
        radio('ends', 'never', 'No end date', true),
        radio('ends', 'count', 'After a number of times'),
        radio('ends', 'until', 'On a date'),
      ),
      h(
        'div',
        { class: 'field', dataset: { field: 'count' } },
        h('label', { for: id('count'), text: 'How many times' }),
        c.count,
      ),
      h(
        'div',
        { class: 'field', dataset: { field: 'until' } },
        h('label', { for: id('until'), text: 'Last date' }),
        c.until,
      ),
    );
    c.capacity = h('input', {
      id: id('capacity'),
      name: 'capacity',
      type: 'number',
      inputmode: 'numeric',
      min: 1,
      max: MAX_CAPACITY,
    });
    const summary = h('p', { id: id('summary'), class: 'meetup-form-summary' });
    const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
    const submit = h('button', {
      type: 'submit',
      class: 'btn btn-primary',
      'aria-describedby': id('summary'),
      text: 'Schedule',
    });
    const cancel = h('button', { type: 'button', class: 'btn btn-secondary', text: 'Cancel' });

    const form = h(
      'form',
      {
        id: 'meetup-form',
        class: 'meetup-form',
        'aria-labelledby': 'meetup-form-title',
        novalidate: true,
        hidden: true,
      },
      h('h4', { id: 'meetup-form-title', class: 'meetup-form-title', text: 'Schedule a meet-up' }),
      field('title', 'Title', c.title, 'For example “Fortnightly online catch-up”.'),
      field('description', 'Description (optional)', c.description),
      kinds,
      field(
        'url',
        'Video call link',
        c.url,
        'Teams, Zoom, Google Meet or WhatsApp link. You can add it later in the chat.',
      ),
      field('location', 'Venue', c.location, 'For example “Nottingham Central Library, Angel Row”.'),
      h('div', { class: 'meetup-form-row' }, field('date', 'Date', c.date), field('time', 'Start time', c.time)),
      field('duration', 'How long', c.duration),
      field('repeat', 'Repeat', c.repeat),
      ends,
      field(
        'capacity',
        'Number of places (optional)',
        c.capacity,
        'Leave empty for no limit. When it is full, people join a waitlist.',
      ),
      summary,
      error,
      h('div', { class: 'ask-buttons' }, submit, cancel),
    );
    const fieldOf = (name) => form.querySelector(`[data-field="${name}"]`);
    let repeatTouched = false;
    const value = (name) => {
      const checked = form.querySelector(`input[name="${name}"]:checked`);
      return checked ? checked.value : '';
    };
    const refresh = () => {
      const online = value('kind') === 'online';
      fieldOf('url').hidden = !online;
      fieldOf('location').hidden = online;
      const repeating = c.repeat.value !== '0';
      fieldOf('ends').hidden = !repeating;
      fieldOf('count').hidden = value('ends') !== 'count';
      fieldOf('until').hidden = value('ends') !== 'until';
      summary.textContent = describeSeries(c, value('kind'), value('ends'));
    };
    form.addEventListener('change', (event) => {
      if (event.target === c.repeat) repeatTouched = true;
      // Fortnightly is the usual rhythm online; an in-person meet-up is usually a one-off.
      if (event.target.name === 'kind' && !repeatTouched) c.repeat.value = value('kind') === 'online' ? '2' : '0';
      refresh();
    });
    form.addEventListener('input', refresh);
    cancel.addEventListener('click', () => this.close());
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.#submit({ form, c, value, error, submit });
    });
    this.#resetState = () => {
      form.reset();
      repeatTouched = false;
      c.time.value = '16:00';
      for (const control of form.querySelectorAll('[aria-invalid]')) control.removeAttribute('aria-invalid');
      setMessage(error, '');
      submit.disabled = false;
      const today = todayIn(HOME_ZONE);
      c.date.min = today;
      c.until.min = today;
      refresh();
    };
    return form;
  }

  open() {
    if (!this.#panel.canOrganise()) return;
    this.#resetState();
    this.#form.hidden = false;
    this.#button.hidden = true;
    this.#button.setAttribute('aria-expanded', 'true');
    this.#panel.setStatus('');
    this.#form.querySelector('#mf-title').focus();
  }

  close({ focus = true } = {}) {
    if (this.#form.hidden) return;
    this.#form.hidden = true;
    this.#button.hidden = false;
    this.#button.setAttribute('aria-expanded', 'false');
    if (focus) this.#button.focus();
  }

  async #submit({ c, value, error, submit }) {
    const group = this.#panel.group();
    if (group === null || submit.disabled) return;
    for (const control of this.#form.querySelectorAll('[aria-invalid]')) control.removeAttribute('aria-invalid');
    const problem = (control, text) => {
      setMessage(error, text);
      control.setAttribute('aria-invalid', 'true');
      control.focus();
    };
    const title = c.title.value.trim();
    if (!title) return problem(c.title, 'Please give the meet-up a title.');
    const kind = value('kind') === 'in_person' ? 'in_person' : 'online';
    const params = { group, title, kind, timezone: HOME_ZONE };
    const description = c.description.value.trim();
    if (description) params.description = description;
    if (kind === 'in_person') {
      const location = c.location.value.trim();
      if (!location) return problem(c.location, 'Please say where people should meet.');
      params.location = location;
    } else {
      let url = c.url.value.trim();
      if (url && !/^[a-z][a-z0-9+.-]*:/i.test(url)) url = `https://${url}`;
      if (url) {
        let ok = false;
        try {
          const parsed = new URL(url);
          ok = (parsed.protocol === 'https:' || parsed.protocol === 'http:') && Boolean(parsed.hostname);
        } catch {
          ok = false;
        }
        if (!ok) return problem(c.url, 'That link doesn’t look right. Paste the whole address, starting https://');
        params.url = url;
      }
    }
    if (!parseDay(c.date.value)) return problem(c.date, 'Please pick the date.');
    if (!/^\d{2}:\d{2}$/.test(c.time.value)) return problem(c.time, 'Please pick the start time.');
    params.start = `${c.date.value}T${c.time.value}`;
    params.duration_minutes = Number(c.duration.value);
    const every = Number(c.repeat.value);
    if (every) {
      const repeat = { every_weeks: every };
      const ends = value('ends');
      if (ends === 'count') {
        const count = Number(c.count.value);
        if (!Number.isInteger(count) || count < 1 || count > MAX_COUNT) {
          return problem(c.count, `The number of times must be 1 to ${MAX_COUNT}.`);
        }
        repeat.count = count;
      } else if (ends === 'until') {
        if (!parseDay(c.until.value)) return problem(c.until, 'Please pick the last date.');
        if (c.until.value < c.date.value) return problem(c.until, 'The last date can’t be before the first.');
        repeat.until = c.until.value;
      }
      params.repeat = repeat;
    } else {
      params.repeat = null;
    }
    const capacityText = c.capacity.value.trim();
    if (capacityText) {
      const capacity = Number(capacityText);
      if (!Number.isInteger(capacity) || capacity < 1 || capacity > MAX_CAPACITY) {
        return problem(c.capacity, `Places must be a whole number from 1 to ${MAX_CAPACITY}, or empty for no limit.`);
      }
      params.capacity = capacity;
    } else {
      params.capacity = null;
    }

    setMessage(error, '');
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
    const start = parseLocal(meetup.start || params.start);
    const first = start ? `${calendarDay(start, homeYear())} at ${start.time}` : '';
    const later = start && this.#panel.rangeEnd() && params.start.slice(0, 10) > this.#panel.rangeEnd() ? ' Tap “Show later dates” to see it.' : '';
    this.#panel.setStatus(`Scheduled ${quoted(meetup.title || title)}${first ? `, first on ${first}` : ''}. Everyone in the group can see it now.${later}`);
    this.#panel.reloadSoon();
  }
}
