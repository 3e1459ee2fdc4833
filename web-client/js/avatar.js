// The round initial that stands for a person or a group. Its colour comes from
// the id, so someone keeps the same colour wherever they appear.

import { h } from './dom.js';

const AVATAR_COLOURS = 6;

export function hueClass(id) {
  const n = Number.isInteger(id) ? id : String(id).length;
  return `hue-${((n % AVATAR_COLOURS) + AVATAR_COLOURS) % AVATAR_COLOURS}`;
}

export function initial(name) {
  const first = Array.from(String(name || '').trim())[0];
  return first ? first.toLocaleUpperCase('en-GB') : '?';
}

/** A decorative avatar: screen readers get the name from the text beside it. */
export function avatar(id, name, extraClass = '') {
  return h('span', {
    class: `avatar ${hueClass(id)} ${extraClass}`.trim(),
    'aria-hidden': 'true',
    text: initial(name),
  });
}
