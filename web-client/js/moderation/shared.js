// Small pieces the moderation lists have in common: a person's avatar, a
// button, a time that says "today at 14:05" with the full date on hover, and
// the wording of roles.

import { avatar } from '../avatar.js';
import { h } from '../dom.js';
import { displayName, fullDateTime, relativeDateTime, toDate } from '../format.js';

export const MAX_REASON = 500;
export const ROLES = ['member', 'organiser', 'moderator'];
export const ROLE_LABELS = { member: 'Member', organiser: 'Organiser', moderator: 'Moderator' };

/** "an organiser", "a moderator". */
export function withArticle(role) {
  return role === 'organiser' ? 'an organiser' : `a ${role}`;
}

/**
 * A moderator's reason as the server takes it: one line (it is shown in a
 * notice), trimmed; null when there is none.
 */
export function reasonParam(text) {
  const line = (text || '').replace(/\s+/g, ' ').trim();
  return line || null;
}

/** "You were removed from X: reason." — or just "…X." when no reason was given. */
export function withReason(text, reason) {
  if (!reason) return `${text}.`;
  return /[.!?…]$/.test(reason) ? `${text}: ${reason}` : `${text}: ${reason}.`;
}

/** The server's list, or an empty one when the field is missing. */
export function list(value) {
  return Array.isArray(value) ? value : [];
}

export function personAvatar(user) {
  return avatar(user ? user.id : 0, displayName(user));
}

export function timeEl(iso) {
  const date = toDate(iso);
  return h('time', { datetime: iso, title: date ? fullDateTime(date) : null, text: relativeDateTime(iso) });
}

/** A small button; `hiddenSuffix` completes its name for screen readers ("Delete message"). */
export function button(text, className, onClick, hiddenSuffix = '') {
  const el = h(
    'button',
    { type: 'button', class: `btn btn-small ${className}` },
    text,
    hiddenSuffix ? h('span', { class: 'visually-hidden', text: ` ${hiddenSuffix}` }) : null,
  );
  el.addEventListener('click', onClick);
  return el;
}
