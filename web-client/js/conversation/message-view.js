// How one message looks in the log: a bubble with author, time and text, a
// pending copy of one being sent, and the day headings between them.
//
// Message text is always set with textContent: whatever people type, HTML
// included, is shown as typed.

import { avatar } from '../avatar.js';
import { h } from '../dom.js';
import { clockTime, displayName, fullDateTime, messageDay, toDate } from '../format.js';

/** The local day a message belongs to, as stored in data-day. */
export function dayKey(date) {
  return `${date.getFullYear()}-${date.getMonth() + 1}-${date.getDate()}`;
}

function dayFromKey(key) {
  const [y, m, d] = String(key).split('-').map(Number);
  return y ? new Date(y, m - 1, d) : new Date();
}

/** An element for a message from the server; `me` decides which side it sits on. */
export function renderMessage(message, me) {
  const created = toDate(message.created_at) || new Date();
  const time = h('time', {
    class: 'msg-time',
    datetime: message.created_at,
    title: fullDateTime(created),
    text: clockTime(created),
  });
  const text = h('p', { class: 'msg-text' });

  if (message.kind === 'system') {
    const el = h('div', { class: 'msg msg-system', dataset: { seq: message.seq, day: dayKey(created) } }, text, time);
    text.textContent = message.deleted ? 'message deleted' : message.text;
    if (message.deleted) el.classList.add('is-deleted');
    return el;
  }

  const author = message.author || {};
  const mine = Boolean(me && author.id === me.id);
  const name = displayName(author);
  const head = h(
    'p',
    { class: 'msg-head' },
    h('span', { class: 'msg-author', text: name }),
    time,
    message.kind === 'announcement' ? h('span', { class: 'msg-tag', text: 'Announcement' }) : null,
  );
  const classes = ['msg'];
  if (mine) classes.push('is-mine');
  if (message.kind === 'announcement') classes.push('msg-announcement');
  const el = h(
    'article',
    { class: classes.join(' '), dataset: { seq: message.seq, day: dayKey(created) } },
    avatar(author.id, name),
    h('div', { class: 'msg-bubble' }, head, text),
  );
  if (message.deleted) markDeleted(el);
  else text.textContent = message.text;
  return el;
}

/** My message while it is on its way: { el, status } where status holds how the send is going. */
export function renderPending(text, me) {
  const name = displayName(me, 'You');
  const status = h('p', { class: 'msg-status' });
  const el = h(
    'article',
    { class: 'msg is-mine is-pending', dataset: { day: dayKey(new Date()) } },
    avatar(me.id, name),
    h(
      'div',
      { class: 'msg-bubble' },
      h('p', { class: 'msg-head' }, h('span', { class: 'msg-author', text: name })),
      h('p', { class: 'msg-text', text }),
      status,
    ),
  );
  return { el, status };
}

export function markDeleted(el) {
  el.classList.add('is-deleted');
  const text = el.querySelector('.msg-text');
  if (text) text.textContent = 'message deleted';
  // Nothing is left to report or delete, and the buttons' names would still quote the text.
  const actions = el.querySelector('.msg-actions');
  if (actions) actions.replaceChildren();
}

export function previousMessage(el) {
  let node = el.previousElementSibling;
  while (node && !node.classList.contains('msg')) node = node.previousElementSibling;
  return node;
}

export function nextMessage(el) {
  let node = el.nextElementSibling;
  while (node && !node.classList.contains('msg')) node = node.nextElementSibling;
  return node;
}

/** Put a day heading before a message when it starts a new day, and only then. */
export function fixDivider(el) {
  const prev = previousMessage(el);
  const needed = !prev || prev.dataset.day !== el.dataset.day;
  const before = el.previousElementSibling;
  const has = before && before.classList.contains('day-divider');
  if (needed) {
    const label = messageDay(dayFromKey(el.dataset.day));
    if (has) {
      if (before.textContent !== label) before.textContent = label;
    } else {
      el.before(h('p', { class: 'day-divider', text: label }));
    }
  } else if (has) {
    before.remove();
  }
}

/** A heading left at the end of the log once the message under it went. */
export function dropTrailingDivider(log) {
  const last = log.lastElementChild;
  if (last && last.classList.contains('day-divider')) last.remove();
}
