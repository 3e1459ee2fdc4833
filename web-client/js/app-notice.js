// The notice under the top bar (#app-notice): news that is not about the view
// on screen, such as being let into a group or a meet-up reminder. Screen
// readers read it out; it stays until the next one or until OK.

import { byId, h } from './dom.js';

const notice = byId('app-notice');

/** Show `text`, with an optional control (a link) before the OK button. */
export function showNotice(text, extra = null) {
  const ok = h('button', { type: 'button', class: 'btn btn-small btn-secondary', text: 'OK' });
  ok.addEventListener('click', () => notice.replaceChildren());
  notice.replaceChildren(...[h('p', { class: 'app-notice-text', text }), extra, ok].filter(Boolean));
}

export function clearNotice() {
  notice.replaceChildren();
}
