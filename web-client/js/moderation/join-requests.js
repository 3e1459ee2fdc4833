// The Requests tab: people asking to join a private group, each with Approve
// and Reject.

import { h, setMessage } from '../dom.js';
import { displayName } from '../format.js';
import { button, personAvatar, timeEl } from './shared.js';

export class JoinRequests {
  /** The open group's waiting requests, as the server last listed them. */
  items = [];
  #ctx;
  #onDecided;
  #list = h('ul', { class: 'mod-list' });
  #empty = h('p', { class: 'mod-empty', hidden: true });

  /** onDecided(): someone was let in or turned down; members and counts are stale. */
  constructor(ctx, { onDecided }) {
    this.#ctx = ctx;
    this.#onDecided = onDecided;
    ctx.dialog.panels.requests.append(
      h('p', { class: 'mod-intro', text: 'People asking to join this private group.' }),
      this.#empty,
      this.#list,
    );
  }

  render() {
    const group = this.#ctx.group();
    this.#list.replaceChildren(...this.items.map((request) => this.#item(group, request)));
    setMessage(this.#empty, this.items.length ? '' : 'No one is waiting to join.');
  }

  #item(group, request) {
    const user = request.user || {};
    const name = displayName(user);
    const buttons = [];
    const decide = async (op, success) => {
      const work = () => this.#ctx.conn.request(op, { group, user: user.id });
      if (await this.#ctx.dialog.act(buttons, work, success)) this.#onDecided();
    };
    buttons.push(
      button('Approve', 'btn-primary', () => decide('groups.approve', `${name} is in. They can now read and post.`)),
      button('Reject', 'btn-secondary', () => decide('groups.reject', `${name}'s request was turned down.`)),
    );
    return h(
      'li',
      { class: 'mod-item' },
      h(
        'div',
        { class: 'mod-person' },
        personAvatar(user),
        h(
          'div',
          { class: 'mod-person-text' },
          h('p', { class: 'mod-name', text: name }),
          h('p', { class: 'mod-meta' }, `@${user.username || ''} · asked `, timeEl(request.requested_at)),
        ),
      ),
      h('div', { class: 'mod-actions' }, buttons),
    );
  }
}
