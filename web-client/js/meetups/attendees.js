// "Who's coming" on a meet-up's card, for those who manage it: the names of
// those going and, in order, of those waiting for a place. Asked for each time
// it is opened, so it is never stale for long.

import { describeError, h, setMessage } from '../dom.js';
import { displayName } from '../format.js';

function people(users, ordered) {
  return h(
    ordered ? 'ol' : 'ul',
    { class: 'meetup-attendee-list' },
    users.map((user) => h('li', { text: displayName(user) })),
  );
}

/** The disclosure; `request()` resolves to the meetups.attendees result of the card's date. */
export function createAttendees(request) {
  const body = h('div', { class: 'meetup-attendees-body', 'aria-live': 'polite' });
  const el = h('details', { class: 'meetup-attendees' }, h('summary', { text: 'Who’s coming' }), body);
  let asked = 0;
  el.addEventListener('toggle', async () => {
    if (!el.open) return;
    const mine = ++asked;
    body.replaceChildren(h('p', { class: 'meetup-muted', text: 'Loading…' }));
    let result;
    try {
      result = await request();
    } catch (err) {
      if (mine !== asked) return;
      const error = h('p', { class: 'meetup-error', role: 'alert' });
      setMessage(error, `Couldn't load who's coming. ${describeError(err)}`);
      body.replaceChildren(error);
      return;
    }
    if (mine !== asked) return;
    const going = Array.isArray(result.going) ? result.going : [];
    const waiting = Array.isArray(result.waitlisted) ? result.waitlisted : [];
    const shown = [
      h('h5', { class: 'meetup-attendees-heading', text: `Going (${going.length})` }),
      going.length ? people(going, false) : h('p', { class: 'meetup-muted', text: 'Nobody yet.' }),
    ];
    if (waiting.length) {
      shown.push(h('h5', { class: 'meetup-attendees-heading', text: `Waiting (${waiting.length})` }), people(waiting, true));
    }
    // replaceChildren would write a null out as the text "null".
    body.replaceChildren(...shown);
  });
  return {
    el,
    /** Closed again when the card stops being one the person manages. */
    close() {
      el.open = false;
      asked += 1;
    },
  };
}
