// The Meetups heading bar. On a phone it is a button with the next meet-up
// that opens the full list in the chat's place ("Show all" / "Back to chat");
// on a wide screen the list is always beside the chat and only the heading shows.
// Either way the header holds the "Calendar" button for the subscription.

import { h } from '../dom.js';
import { describeWhen } from './occurrence-time.js';

export class MeetupsBar {
  el;
  #toggle;
  #when = h('span', { class: 'meetups-next-when' });
  #title = h('span', { class: 'meetups-next-title' });
  #word = h('span', { class: 'meetups-toggle-word', text: 'Show all' });

  /** A button in the header that shows or hides the calendar subscription. */
  calendarButton = h(
    'button',
    { type: 'button', class: 'btn btn-secondary btn-small meetups-cal-toggle', 'aria-expanded': 'false', 'aria-controls': 'meetups-calendar' },
    'Calendar',
  );

  /** onToggle(): the person asked to open or close the list. */
  constructor({ onToggle }) {
    this.#toggle = h(
      'button',
      { type: 'button', class: 'meetups-toggle', 'aria-expanded': 'false', 'aria-controls': 'meetups-body' },
      h('span', { class: 'meetups-next' }, this.#when, this.#title),
      this.#word,
      h('span', { class: 'meetups-chevron', 'aria-hidden': 'true' }),
    );
    this.#toggle.addEventListener('click', onToggle);
    const heading = h('h3', { id: 'meetups-title', class: 'meetups-title', text: 'Meetups' });
    // The heading is not a control, but a tap on it should do what the bar looks like it does.
    heading.addEventListener('click', () => {
      if (getComputedStyle(this.#toggle).display !== 'none') onToggle();
    });
    this.el = h('div', { class: 'meetups-bar' }, heading, this.calendarButton, this.#toggle);
  }

  setOpen(open) {
    this.#toggle.setAttribute('aria-expanded', String(open));
    this.#word.textContent = open ? 'Back to chat' : 'Show all';
  }

  /** The next meet-up, or why there is none to show. */
  render(loaded, next) {
    if (!loaded) {
      this.#when.textContent = 'Loading…';
      this.#title.textContent = '';
    } else if (!next) {
      this.#when.textContent = 'Nothing planned yet';
      this.#title.textContent = '';
    } else {
      const when = describeWhen(next);
      const mine = next.my_rsvp === 'going' ? ' · You’re going' : next.my_rsvp === 'waitlisted' ? ' · Waitlisted' : '';
      this.#when.textContent = `Next: ${when.relative ? `${when.relative}, ` : ''}${when.short}${mine}`;
      this.#title.textContent = next.title;
    }
  }
}
