// One date of a meet-up in the list: when and where, how many are going,
// the person's own answer with "Going" / "Can't go", and for those who manage
// the meet-up who is coming and the options to edit it or cancel the date or
// the whole series.

import { h, setMessage } from '../dom.js';
import { plural } from '../format.js';
import { createAttendees } from './attendees.js';
import { describeWhen } from './occurrence-time.js';

let cardCount = 0;

/** Only web links are followed; anything else in a meet-up's url is ignored. */
export function safeUrl(url) {
  return typeof url === 'string' && /^https?:\/\//i.test(url) ? url : null;
}

function externalLink(href, text) {
  return h('a', { href, target: '_blank', rel: 'noopener noreferrer', text });
}

// A venue opens as a search in a map, so a phone can give directions. The address is only
// ever a query parameter: what an organiser typed cannot become a link of its own.
function mapSearchLink(venue) {
  const url = new URL('https://www.openstreetmap.org/search');
  url.searchParams.set('query', venue);
  const link = externalLink(url.href, venue);
  link.setAttribute('aria-label', `${venue} (map)`);
  return link;
}

/**
 * The card's elements, kept so that updates change text in place and focus on
 * its buttons survives. onRsvp(card, status), onCancel(card, { series }) and
 * onEdit(card) act on it; attendees(card) resolves to who is coming.
 */
export function createCard(key, { onRsvp, onCancel, onEdit, attendees }) {
  cardCount += 1;
  const titleId = `meetup-title-${cardCount}`;
  const title = h('h4', { id: titleId, class: 'meetup-title' });
  const relative = h('span', { class: 'meetup-relative' });
  const time = h('time', { class: 'meetup-when' });
  const when = h('p', { class: 'meetup-when-line' }, relative, time);
  const cancelled = h('p', { class: 'meetup-cancelled', text: 'Cancelled' });
  const reason = h('p', { class: 'meetup-cancel-reason', hidden: true });
  const where = h('p', { class: 'meetup-where' });
  const description = h('p', { class: 'meetup-description' });
  const counts = h('p', { class: 'meetup-counts' });
  const mine = h('p', { class: 'meetup-mine' });
  const rsvpButton = (text) => h('button', { type: 'button', class: 'btn btn-small meetup-rsvp', 'aria-pressed': 'false', text });
  const going = rsvpButton('Going');
  const cantGo = rsvpButton("Can't go");
  const answer = h('div', { class: 'meetup-answer' }, going, cantGo);
  const error = h('p', { class: 'meetup-error', role: 'alert', hidden: true });
  const cancelButton = (text) => h('button', { type: 'button', class: 'btn btn-small btn-danger-quiet', text });
  const cancelDate = cancelButton('Cancel this date');
  const cancelSeries = cancelButton('Cancel the series');
  const editButton = h('button', {
    type: 'button',
    class: 'btn btn-small btn-secondary',
    'aria-expanded': 'false',
    'aria-controls': 'me-form',
    text: 'Edit',
  });
  const manage = h(
    'details',
    { class: 'meetup-manage' },
    h('summary', { text: 'Organiser options' }),
    h('div', { class: 'meetup-manage-row' }, editButton, cancelDate, cancelSeries),
  );
  const editSlot = h('div', { class: 'meetup-edit-slot' });
  // Asked only once opened, by which time `card` below exists.
  const who = createAttendees(() => attendees(card));
  const article = h(
    'article',
    { class: 'meetup', 'aria-labelledby': titleId },
    h('div', { class: 'meetup-head' }, when, cancelled),
    title,
    reason,
    where,
    description,
    counts,
    who.el,
    mine,
    answer,
    error,
    manage,
    editSlot,
  );
  const li = h('li', { class: 'meetup-item', dataset: { key } }, article);
  const card = {
    li,
    title,
    relative,
    time,
    cancelled,
    reason,
    who,
    where,
    description,
    counts,
    mine,
    answer,
    going,
    cantGo,
    error,
    manage,
    cancelSeries,
    editButton,
    editSlot,
    occ: null,
  };
  going.addEventListener('click', () => onRsvp(card, 'going'));
  cantGo.addEventListener('click', () => onRsvp(card, 'not_going'));
  cancelDate.addEventListener('click', () => onCancel(card, { series: false }));
  cancelSeries.addEventListener('click', () => onCancel(card, { series: true }));
  editButton.addEventListener('click', () => onEdit(card));
  return card;
}

function whereParts(occ, cancelled) {
  const url = safeUrl(occ.url);
  const where = [];
  if (occ.kind === 'in_person') {
    where.push(h('span', { class: 'meetup-kind is-in-person', text: 'In person' }), ' ');
    if (occ.location) where.push(mapSearchLink(occ.location));
    if (url) where.push(' · ', externalLink(url, 'Details'));
  } else {
    where.push(h('span', { class: 'meetup-kind is-online', text: 'Online' }), ' ');
    if (occ.location) where.push(occ.location, ' · ');
    if (url && !cancelled) {
      where.push(externalLink(url, 'Join online'));
    } else if (!url) {
      where.push(h('span', { class: 'meetup-muted', text: 'Link to follow' }));
    }
  }
  return where;
}

/** The person's own standing for the date: [text, class]. */
function mineLine(occ, { cancelled, finished, full, canRsvp }) {
  if (cancelled) return ['This date is cancelled.', 'is-cancelled'];
  if (occ.my_rsvp === 'going') return [finished ? 'You went.' : "You're going", 'is-going'];
  if (occ.my_rsvp === 'waitlisted') {
    return [Number.isInteger(occ.my_position) ? `Waitlisted — number ${occ.my_position}` : 'Waitlisted', 'is-waitlisted'];
  }
  if (occ.my_rsvp === 'not_going') return ["You can't go", 'is-not-going'];
  if (full && canRsvp && !finished) return ['Full: say Going to join the waitlist.', ''];
  return ['', ''];
}

/**
 * Show `occ` on the card. isSeries: the meet-up has more than one date (so it
 * can be cancelled as a series); describe: the first date shown of it, which
 * carries the description.
 */
export function updateCard(card, occ, { isSeries, describe, canRsvp, canOrganise }) {
  card.occ = occ;
  const when = describeWhen(occ);
  const finished = new Date(occ.ends_at).getTime() < Date.now();
  const cancelled = Boolean(occ.cancelled);
  card.li.classList.toggle('is-cancelled', cancelled);
  card.li.classList.toggle('is-finished', finished && !cancelled);
  card.li.classList.toggle('is-going', occ.my_rsvp === 'going' && !cancelled);
  card.title.textContent = occ.title || 'Meet-up';
  card.relative.textContent = when.relative;
  card.relative.hidden = !when.relative;
  card.time.textContent = when.text;
  card.time.setAttribute('datetime', occ.starts_at || '');
  card.cancelled.hidden = !cancelled;
  setMessage(card.reason, cancelled && occ.cancel_reason ? `Cancelled: ${occ.cancel_reason}` : '');
  card.where.replaceChildren(...whereParts(occ, cancelled));
  setMessage(card.description, describe ? occ.description || '' : '');

  const going = Number.isInteger(occ.going) ? occ.going : 0;
  const waiting = Number.isInteger(occ.waitlisted) ? occ.waitlisted : 0;
  const capacity = Number.isInteger(occ.capacity) ? occ.capacity : null;
  const full = capacity !== null && going >= capacity;
  const counts = [capacity === null ? `${going} going` : `${going} / ${capacity} going`];
  if (capacity !== null) counts.push(full ? 'Full' : `${plural(capacity - going, 'place', 'places')} left`);
  if (waiting) counts.push(`${waiting} waitlisted`);
  card.counts.textContent = counts.join(' · ');

  const [mine, mineClass] = mineLine(occ, { cancelled, finished, full, canRsvp });
  card.mine.className = `meetup-mine ${mineClass}`.trim();
  setMessage(card.mine, mine);

  card.answer.hidden = !(canRsvp && !cancelled && !finished);
  // On the waitlist one is not going (yet): the line above says so, and "Going" is not shown as chosen.
  card.going.setAttribute('aria-pressed', String(occ.my_rsvp === 'going'));
  card.cantGo.setAttribute('aria-pressed', String(occ.my_rsvp === 'not_going'));

  // The server says who manages each meet-up; an older server only who organises in the group.
  const manages = typeof occ.can_manage === 'boolean' ? occ.can_manage : canOrganise;
  card.manage.hidden = !(manages && !cancelled && !finished);
  card.cancelSeries.hidden = !isSeries;
  card.who.el.hidden = !manages;
  if (!manages) card.who.close();
}
