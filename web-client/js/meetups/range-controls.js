// Moving through time in the meet-ups list: "Show later dates" adds the next
// eight weeks, "Show meet-ups from" jumps to a date, and "Back to upcoming"
// returns to what is next.

import { h } from '../dom.js';
import { HOME_ZONE, parseDay, todayIn } from './occurrence-time.js';

export class RangeControls {
  /** "Show later dates" and "Back to upcoming". */
  more;
  /** The "Show meet-ups from" form. */
  jump;
  later = h('button', { type: 'button', class: 'btn btn-secondary btn-small', text: 'Show later dates' });
  backToUpcoming = h('button', {
    type: 'button',
    class: 'btn btn-quiet btn-small',
    text: 'Back to upcoming',
    hidden: true,
  });
  #input = h('input', { id: 'meetups-from', type: 'date', class: 'meetups-date', required: true });

  /** onLater(), onUpcoming(), onJump(from): from is a "YYYY-MM-DD" date. */
  constructor({ onLater, onUpcoming, onJump }) {
    this.later.addEventListener('click', onLater);
    this.backToUpcoming.addEventListener('click', onUpcoming);
    this.more = h('div', { class: 'meetups-more' }, this.later, this.backToUpcoming);
    this.jump = h(
      'form',
      { class: 'meetups-jump', novalidate: true },
      h('label', { for: 'meetups-from', text: 'Show meet-ups from' }),
      h(
        'div',
        { class: 'meetups-jump-row' },
        this.#input,
        h('button', { type: 'submit', class: 'btn btn-secondary btn-small', text: 'Show' }),
      ),
    );
    this.jump.addEventListener('submit', (event) => {
      event.preventDefault();
      const from = this.#input.value;
      if (!parseDay(from)) {
        this.#input.focus();
        return;
      }
      onJump(from);
    });
  }

  /** Start the date picker at today, unless a date was picked already. */
  fillToday() {
    if (!this.#input.value) this.#input.value = todayIn(HOME_ZONE);
  }
}
