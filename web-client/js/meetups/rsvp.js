// Answering for a date ("Going" / "Can't go") and, for organisers, cancelling
// a date or a whole series. `panel` is what these need of the meet-ups panel:
// { conn, generation(), reloadSoon(), renderList(), setStatus(text), confirm(question) }.

import { describeError, setMessage } from '../dom.js';
import { quoted } from '../format.js';
import { describeWhen } from './occurrence-time.js';

export async function answer(panel, card, status) {
  const occ = card.occ;
  const generation = panel.generation();
  const buttons = [card.going, card.cantGo];
  for (const b of buttons) b.disabled = true;
  setMessage(card.error, '');
  let result;
  try {
    result = await panel.conn.request('meetups.rsvp', { meetup: occ.meetup, occurrence: occ.local_start, status });
  } catch (err) {
    for (const b of buttons) b.disabled = false;
    if (generation !== panel.generation()) return;
    if (err.code === 'conflict' || err.code === 'not_found') panel.reloadSoon();
    setMessage(card.error, `Couldn't save that. ${describeError(err)}`);
    return;
  }
  for (const b of buttons) b.disabled = false;
  const rsvp = (result && result.rsvp) || {};
  const when = describeWhen(occ).short;
  occ.my_rsvp = rsvp.status || status;
  occ.my_position = Number.isInteger(rsvp.position) ? rsvp.position : null;
  if (generation === panel.generation()) panel.renderList();
  if (occ.my_rsvp === 'going') panel.setStatus(`You're going to ${quoted(occ.title)} on ${when}.`);
  else if (occ.my_rsvp === 'waitlisted') {
    panel.setStatus(
      `It's full, so you're on the waitlist for ${quoted(occ.title)}${
        occ.my_position ? `, number ${occ.my_position}` : ''
      }. We'll tell you if a place opens up.`,
    );
  } else panel.setStatus(`Thanks for letting people know you can't go on ${when}.`);
}

export async function cancel(panel, card, { series }) {
  const occ = card.occ;
  const when = describeWhen(occ).short;
  const done = await panel.confirm({
    title: series ? 'Cancel the whole series?' : 'Cancel this date?',
    text: series
      ? `Every date of ${quoted(occ.title)} will show as cancelled and leave people's calendars. The group is told in the chat. This can't be undone.`
      : `${quoted(occ.title)} on ${when} will show as cancelled and leave people's calendars. The group is told in the chat. This can't be undone.`,
    confirm: series ? 'Cancel the series' : 'Cancel this date',
    fields: [
      {
        name: 'reason',
        label: 'Reason (optional)',
        maxlength: 500,
        hint: 'Shown on the meet-up, in the chat and in calendars.',
      },
    ],
    run: ({ reason }) => {
      // One line of plain text: the server refuses line breaks in a reason.
      const why = reason.replace(/\s+/g, ' ').trim();
      const params = series ? { meetup: occ.meetup } : { meetup: occ.meetup, occurrence: occ.local_start };
      return panel.conn.request('meetups.cancel', why ? { ...params, reason: why } : params);
    },
  });
  if (!done) return;
  panel.setStatus(
    series
      ? `${quoted(occ.title)} is cancelled. Everyone in the group can see that.`
      : `${quoted(occ.title)} on ${when} is cancelled.`,
  );
  panel.reloadSoon();
}
