// The fields of a meet-up, shared by the form that schedules one and the form
// that edits one: title and description, online or in person, date and time,
// length, repetition and places, with a summary in words of what will happen.
// `readParams` turns the fields into the parameters of meetups.create (and
// meetups.edit), or points at the first field that needs a fix.

import { h, setMessage } from '../dom.js';
import { calendarDay, plural, weekdayName } from '../format.js';
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

/**
 * The form: { form, c (the controls), value(name), error, submit, cancel, reset(), fill(occ) }.
 * prefix: a unique start for its ids and radio names; heading and submitText: its words.
 */
export function buildMeetupForm({ prefix, heading, submitText }) {
  const id = (name) => `${prefix}-${name}`;
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
    const input = h('input', { type: 'radio', id: id(`${group}-${value}`), name: id(group), value, checked });
    return h('label', { class: 'choice', for: id(`${group}-${value}`) }, input, h('span', { text: label }));
  };
  const text = (name, attrs) => h('input', { id: id(name), name, type: 'text', autocomplete: 'off', ...attrs });
  const number = (name, attrs) => h('input', { id: id(name), name, type: 'number', inputmode: 'numeric', ...attrs });

  const c = {};
  c.title = text('title', { maxlength: MAX_TITLE, required: true });
  c.description = h('textarea', { id: id('description'), name: 'description', class: 'textarea', rows: 3, maxlength: MAX_DESCRIPTION });
  const kinds = h(
    'fieldset',
    { class: 'meetup-fieldset' },
    h('legend', { text: 'Where' }),
    h('div', { class: 'choices' }, radio('kind', 'online', 'Online', true), radio('kind', 'in_person', 'In person')),
  );
  c.url = text('url', { type: 'url', inputmode: 'url', maxlength: MAX_URL, spellcheck: 'false' });
  c.location = text('location', { maxlength: MAX_LOCATION });
  c.date = h('input', { id: id('date'), name: 'date', type: 'date', required: true });
  c.time = h('input', { id: id('time'), name: 'time', type: 'time', value: '16:00', step: 300, required: true });
  c.duration = h(
    'select',
    { id: id('duration'), name: 'duration', class: 'select' },
    DURATIONS.map(([label, minutes]) => h('option', { value: String(minutes), text: label, selected: minutes === 60 })),
  );
  c.repeat = h(
    'select',
    { id: id('repeat'), name: 'repeat', class: 'select' },
    REPEATS.map(([label, value]) => h('option', { value, text: label, selected: value === '2' })),
  );
  c.count = number('count', { min: 1, max: MAX_COUNT, value: '6' });
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
    h('div', { class: 'field', dataset: { field: 'count' } }, h('label', { for: id('count'), text: 'How many times' }), c.count),
    h('div', { class: 'field', dataset: { field: 'until' } }, h('label', { for: id('until'), text: 'Last date' }), c.until),
  );
  c.capacity = number('capacity', { min: 1, max: MAX_CAPACITY });
  const summary = h('p', { id: id('summary'), class: 'meetup-form-summary' });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'aria-describedby': id('summary'), text: submitText });
  const cancel = h('button', { type: 'button', class: 'btn btn-secondary', text: 'Cancel' });

  const form = h(
    'form',
    { id: id('form'), class: 'meetup-form', 'aria-labelledby': id('heading'), novalidate: true, hidden: true },
    h('h4', { id: id('heading'), class: 'meetup-form-title', text: heading }),
    field('title', 'Title', c.title, 'For example “Fortnightly online catch-up”.'),
    field('description', 'Description (optional)', c.description),
    kinds,
    field('url', 'Video call link', c.url, 'Teams, Zoom, Google Meet or WhatsApp link. You can add it later in the chat.'),
    field('location', 'Venue', c.location, 'For example “Nottingham Central Library, Angel Row”.'),
    h('div', { class: 'meetup-form-row' }, field('date', 'Date', c.date), field('time', 'Start time', c.time)),
    field('duration', 'How long', c.duration),
    field('repeat', 'Repeat', c.repeat),
    ends,
    field('capacity', 'Number of places (optional)', c.capacity, 'Leave empty for no limit. When it is full, people join a waitlist.'),
    summary,
    error,
    h('div', { class: 'ask-buttons' }, submit, cancel),
  );
  const fieldOf = (name) => form.querySelector(`[data-field="${name}"]`);
  const value = (name) => {
    const checked = form.querySelector(`input[name="${id(name)}"]:checked`);
    return checked ? checked.value : '';
  };
  const check = (name, choice) => {
    form.querySelector(`#${id(`${name}-${choice}`)}`).checked = true;
  };
  let repeatTouched = false;
  const refresh = () => {
    const online = value('kind') === 'online';
    fieldOf('url').hidden = !online;
    fieldOf('location').hidden = online;
    fieldOf('ends').hidden = c.repeat.value === '0';
    fieldOf('count').hidden = value('ends') !== 'count';
    fieldOf('until').hidden = value('ends') !== 'until';
    summary.textContent = describeSeries(c, value('kind'), value('ends'));
  };
  form.addEventListener('change', (event) => {
    if (event.target === c.repeat) repeatTouched = true;
    // Fortnightly is the usual rhythm online; an in-person meet-up is usually a one-off.
    if (event.target.name === id('kind') && !repeatTouched) c.repeat.value = value('kind') === 'online' ? '2' : '0';
    refresh();
  });
  form.addEventListener('input', refresh);

  /** Back to a fresh form with today as the earliest date. */
  const reset = () => {
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

  /** The series of an occurrence from meetups.list, ready to change. */
  const fill = (occ) => {
    reset();
    repeatTouched = true;
    c.date.removeAttribute('min');
    c.until.removeAttribute('min');
    c.title.value = occ.title || '';
    c.description.value = occ.description || '';
    check('kind', occ.kind === 'in_person' ? 'in_person' : 'online');
    c.url.value = occ.url || '';
    c.location.value = occ.location || '';
    const start = parseLocal(occ.series_start || occ.local_start);
    if (start) {
      c.date.value = (occ.series_start || occ.local_start).slice(0, 10);
      c.time.value = start.time;
    }
    const minutes = String(Number.isInteger(occ.duration_minutes) ? occ.duration_minutes : 60);
    if (![...c.duration.options].some((o) => o.value === minutes)) {
      c.duration.append(h('option', { value: minutes, text: plural(Number(minutes), 'minute', 'minutes') }));
    }
    c.duration.value = minutes;
    const repeat = occ.repeat || null;
    c.repeat.value = repeat ? String(repeat.every_weeks) : '0';
    if (repeat && Number.isInteger(repeat.count)) {
      check('ends', 'count');
      c.count.value = String(repeat.count);
    } else if (repeat && repeat.until) {
      check('ends', 'until');
      c.until.value = repeat.until;
    }
    c.capacity.value = Number.isInteger(occ.capacity) ? String(occ.capacity) : '';
    refresh();
  };
  return { form, c, value, error, submit, cancel, reset, fill };
}

/**
 * The fields as meetups.create's parameters (without `group`), or null after
 * `problem(control, text)` has pointed at what needs fixing. `location`, `url`,
 * `repeat` and `capacity` are null when not given, so an edit clears them.
 */
export function readParams({ c, value }, problem) {
  const title = c.title.value.trim();
  if (!title) return problem(c.title, 'Please give the meet-up a title.');
  const kind = value('kind') === 'in_person' ? 'in_person' : 'online';
  const params = { title, kind, description: c.description.value.trim(), location: null, url: null };
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
  params.repeat = null;
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
  }
  params.capacity = null;
  const capacityText = c.capacity.value.trim();
  if (capacityText) {
    const capacity = Number(capacityText);
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > MAX_CAPACITY) {
      return problem(c.capacity, `Places must be a whole number from 1 to ${MAX_CAPACITY}, or empty for no limit.`);
    }
    params.capacity = capacity;
  }
  return params;
}

/** Marks nothing invalid any more. */
export function clearProblems(form, error) {
  for (const control of form.querySelectorAll('[aria-invalid]')) control.removeAttribute('aria-invalid');
  setMessage(error, '');
}

/** "Sat 12 Dec at 16:00" for the start of what was scheduled. */
export function startWords(start) {
  const at = parseLocal(start);
  return at ? `${calendarDay(at, homeYear())} at ${at.time}` : '';
}
