// The list of meet-up dates, in time order. Cards are kept by meet-up and date
// and moved rather than redrawn, so focus on a button survives live updates.

import { h } from '../dom.js';
import { createCard, updateCard } from './meetup-card.js';
import { addDays, daysBetween } from './occurrence-time.js';

// meetups.list takes at most 732 days at once; longer views are fetched in chunks.
const CHUNK_DAYS = 365;

/** The key of one date of a meet-up, as in the list and in events. */
export function keyOf(meetup, localStart) {
  return `${meetup}@${localStart}`;
}

/** Every occurrence in a group from one date to another (inclusive), however far apart. */
export async function fetchRange(conn, group, from, to) {
  const all = [];
  for (let start = from; daysBetween(start, to) >= 0; start = addDays(start, CHUNK_DAYS)) {
    const end = daysBetween(start, to) >= CHUNK_DAYS ? addDays(start, CHUNK_DAYS - 1) : to;
    const result = await conn.request('meetups.list', { group, from: start, to: end });
    if (Array.isArray(result.occurrences)) all.push(...result.occurrences);
  }
  return all;
}

export class MeetupList {
  el = h('ol', { class: 'meetup-list' });
  #cards = new Map();
  #handlers;

  /** handlers: { onRsvp(card, status), onCancel(card, { series }) } for every card. */
  constructor(handlers) {
    this.#handlers = handlers;
  }

  /**
   * Show the occurrences (a Map by key) and return those shown, soonest first.
   * upcoming: leave out what has finished.
   */
  render(occurrences, { upcoming, canRsvp, canOrganise }) {
    const now = Date.now();
    const shown = [];
    for (const occ of occurrences.values()) {
      // Upcoming means upcoming: what has finished today drops off.
      if (upcoming && new Date(occ.ends_at).getTime() < now) continue;
      shown.push(occ);
    }
    shown.sort((a, b) => {
      const diff = new Date(a.starts_at).getTime() - new Date(b.starts_at).getTime();
      return diff || a.meetup - b.meetup;
    });

    // A series is what appears more than once; a lone date is cancelled by its date.
    const seen = new Map();
    for (const occ of occurrences.values()) seen.set(occ.meetup, (seen.get(occ.meetup) || 0) + 1);

    const keys = new Set();
    const described = new Set();
    shown.forEach((occ, index) => {
      const key = keyOf(occ.meetup, occ.local_start);
      keys.add(key);
      let card = this.#cards.get(key);
      if (!card) {
        card = createCard(key, this.#handlers);
        this.#cards.set(key, card);
      }
      // A series says what it is about once, on its first date shown.
      const first = !described.has(occ.meetup);
      described.add(occ.meetup);
      updateCard(card, occ, { isSeries: seen.get(occ.meetup) > 1, describe: first, canRsvp, canOrganise });
      if (this.el.children[index] !== card.li) this.el.insertBefore(card.li, this.el.children[index] || null);
    });
    for (const [key, card] of this.#cards) {
      if (!keys.has(key)) {
        card.li.remove();
        this.#cards.delete(key);
      }
    }
    return shown;
  }
}
