// Notices under the top bar about the person's own meet-ups: a place opened
// up on the waitlist, one they said they're going to starts soon, has moved,
// or has fewer places so they are waiting again. These may be about a group
// other than the one on screen.

import { showNotice } from '../app-notice.js';
import { h } from '../dom.js';
import { quoted } from '../format.js';
import { safeUrl } from './meetup-card.js';
import { HOME_ZONE, describeWhen, parseLocal } from './occurrence-time.js';

/** meetup.promoted; `occ` is the date when it is on screen, `where` " in Group" when it is not the open group. */
export function showPromoted(detail, occ, where) {
  const when = describeWhen(occ || { local_start: detail.occurrence, timezone: HOME_ZONE });
  const title = detail.title || (occ && occ.title) || 'a meet-up';
  showNotice(`A place opened up: you're now going to ${quoted(title)} on ${when.short || detail.occurrence}${where}.`);
}

/** meetup.reminder; `occ` is the date when it is on screen. */
export function showReminder(detail, occ) {
  const known = { local_start: detail.occurrence, timezone: HOME_ZONE, ...(occ || {}) };
  const when = describeWhen(known);
  const title = detail.title || known.title || 'A meet-up';
  const start = parseLocal(detail.occurrence);
  const at = when.relative ? `${when.relative.toLowerCase()} at ${start ? start.time : ''}` : `on ${when.short}`;
  const place = detail.location ? `, at ${detail.location}` : detail.url ? ', online' : '';
  const url = safeUrl(detail.url);
  const link = url
    ? h('a', {
        href: url,
        class: 'btn btn-small btn-secondary app-notice-link',
        target: '_blank',
        rel: 'noopener noreferrer',
        text: 'Open the link',
      })
    : null;
  showNotice(`Reminder: ${quoted(title)} starts ${at}${place}. You said you're going.`, link);
}

/** meetup.demoted: fewer places, and the person is back on the waitlist. */
export function showDemoted(detail, occ, where) {
  const when = describeWhen(occ || { local_start: detail.occurrence, timezone: HOME_ZONE });
  const title = detail.title || (occ && occ.title) || 'a meet-up';
  const number = Number.isInteger(detail.position) ? `, number ${detail.position}` : '';
  showNotice(
    `${quoted(title)} on ${when.short || detail.occurrence}${where} now has fewer places, so you're on the waitlist${number}. We'll tell you if a place opens up.`,
  );
}

/** meetup.moved: a meet-up the person answered for has a new time or place. */
export function showMoved(detail, where) {
  const series = (detail && detail.series) || {};
  const title = detail.title || series.title || 'A meet-up';
  const start = parseLocal(series.start);
  const day = start ? describeWhen({ local_start: series.start, timezone: series.timezone || HOME_ZONE }).short : '';
  const when = !start ? '' : series.repeat ? `, from ${day}` : `, on ${day}`;
  const place = series.location ? `, at ${series.location}` : series.kind === 'online' ? ', online' : '';
  showNotice(`${quoted(title)}${where} has changed: it's now${when}${place}. Check you can still make it.`);
}
