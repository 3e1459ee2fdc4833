// Report, Pin and Delete on messages. Every member may report other people's
// messages and delete their own; moderators may delete any; organisers and
// moderators may pin and unpin. The buttons show when a message is tapped, or
// when one of them has keyboard focus.

import { showNotice } from '../app-notice.js';
import { byId, describeError, h } from '../dom.js';
import { shorten } from '../format.js';
import { MAX_REASON, button, reasonParam } from './shared.js';

const PREVIEW_CHARS = 280;
const NAME_CHARS = 60;

export class MessageActions {
  #log = byId('message-log');
  #ctx;
  #active;

  /** active(): whether the user is an active member of the open group. */
  constructor(ctx, { active }) {
    this.#ctx = ctx;
    this.#active = active;
    this.#log.addEventListener('click', (event) => this.#onLogClick(event));
    // What is pinned changed (see conversation/pinned-bar.js), or who may pin did.
    this.#log.addEventListener('pins', () => this.redecorate());
    let couldPin = false;
    ctx.groups.addEventListener('change', () => {
      if (this.#canPin() !== couldPin) {
        couldPin = !couldPin;
        this.redecorate();
      }
    });
  }

  /** Organisers and moderators of the group, and site moderators and admins. */
  #canPin() {
    if (this.#ctx.allowed()) return true;
    const group = this.#ctx.groups.get(this.#ctx.group());
    const membership = group && group.my_membership;
    return Boolean(membership && membership.status === 'active' && membership.role === 'organiser');
  }

  /** Give a rendered message its Report / Delete buttons. */
  decorate(el, message) {
    if (!el || !message || message.kind === 'system' || !Number.isInteger(message.id)) return;
    el.dataset.id = String(message.id);
    el.dataset.author = message.author ? String(message.author.id) : '';
    const actions = h('div', { class: 'msg-actions' });
    el.append(actions);
    this.#fill(el, actions);
  }

  /** What the user may do changed: redo the buttons on every message shown. */
  redecorate() {
    for (const el of this.#log.querySelectorAll('.msg[data-id]')) this.#fill(el);
  }

  #isMine(el) {
    const me = this.#ctx.getUser();
    return Boolean(me && el.dataset.author === String(me.id));
  }

  #fill(el, actions = el.querySelector('.msg-actions')) {
    if (!actions) return;
    if (el.classList.contains('is-deleted')) {
      actions.replaceChildren();
      return;
    }
    const mine = this.#isMine(el);
    const active = this.#active();
    const buttons = [];
    // Each button says which message it is for, so a list of buttons makes sense on its own.
    const which = this.#which(el);
    if (!mine && active) {
      buttons.push(button('Report', 'btn-secondary', () => this.#report(el), which));
    }
    if (this.#canPin()) {
      const pinned = el.classList.contains('is-pinned');
      buttons.push(button(pinned ? 'Unpin' : 'Pin', 'btn-secondary', () => this.#pin(el, !pinned), which));
    }
    if ((mine && active) || this.#ctx.allowed()) {
      buttons.push(button('Delete', 'btn-danger-quiet', () => this.#delete(el), which));
    }
    // Out of the Tab order unless the message is the log's current one (see log-keys.js).
    if (el.getAttribute('tabindex') === '-1') for (const b of buttons) b.tabIndex = -1;
    actions.replaceChildren(...buttons);
    actions.hidden = buttons.length === 0;
  }

  /** "message from Sam: Hello all". */
  #which(el) {
    const author = el.querySelector('.msg-author');
    const text = el.querySelector('.msg-text');
    return `message from ${author ? author.textContent : 'someone'}: ${shorten(text ? text.textContent : '', NAME_CHARS)}`;
  }

  #onLogClick(event) {
    if (event.target.closest('button, a, input, textarea, select')) return;
    const bubble = event.target.closest('.msg-bubble');
    const msg = bubble && bubble.closest('.msg');
    if (!msg || !msg.dataset.id || msg.classList.contains('is-deleted')) return;
    // Selecting text is not a tap.
    const selection = window.getSelection();
    if (selection && !selection.isCollapsed) return;
    const open = !msg.classList.contains('is-open');
    for (const other of this.#log.querySelectorAll('.msg.is-open')) other.classList.remove('is-open');
    msg.classList.toggle('is-open', open);
  }

  /** The message as quoted in the question about it. */
  #preview(el) {
    const author = el.querySelector('.msg-author');
    const text = el.querySelector('.msg-text');
    return h(
      'blockquote',
      { class: 'quote' },
      h('p', { class: 'quote-author', text: author ? author.textContent : '' }),
      h('p', { class: 'quote-text', text: shorten(text ? text.textContent : '', PREVIEW_CHARS) }),
    );
  }

  async #report(el) {
    const ctx = this.#ctx;
    const group = ctx.group();
    const message = Number(el.dataset.id);
    const done = await ctx.ask({
      title: 'Report this message',
      text: "Tell the group's moderators what is wrong. Only they see reports, and they won't tell the author who reported it.",
      preview: this.#preview(el),
      fields: [
        {
          name: 'reason',
          kind: 'textarea',
          label: 'Reason',
          maxlength: MAX_REASON,
          required: 'Please say what is wrong with this message.',
        },
      ],
      confirm: 'Send report',
      run: (values) => ctx.conn.request('messages.report', { group, message, reason: values.reason.trim() }),
    });
    el.classList.remove('is-open');
    if (done) showNotice('Thank you. The moderators will look at your report.');
  }

  /** The pinned bar shows the outcome, and reads it out, when message.pinned or message.unpinned arrives. */
  async #pin(el, pin) {
    const ctx = this.#ctx;
    el.classList.remove('is-open');
    try {
      await ctx.conn.request(pin ? 'messages.pin' : 'messages.unpin', { group: ctx.group(), message: Number(el.dataset.id) });
    } catch (err) {
      showNotice(`${pin ? "Couldn't pin that message." : "Couldn't unpin that message."} ${describeError(err)}`);
    }
  }

  async #delete(el) {
    const ctx = this.#ctx;
    const group = ctx.group();
    const message = Number(el.dataset.id);
    const mine = this.#isMine(el);
    // A moderator deleting someone else's message may tell them why.
    const fields = mine
      ? []
      : [{ name: 'reason', kind: 'textarea', label: 'Reason (optional)', hint: 'The author sees this. It also goes in the moderation log.', maxlength: MAX_REASON }];
    await ctx.ask({
      title: 'Delete this message?',
      text: mine
        ? 'Everyone will see "message deleted" in its place.'
        : 'Everyone will see "message deleted" in its place. This goes in the moderation log.',
      preview: this.#preview(el),
      fields,
      confirm: 'Delete message',
      danger: true,
      run: (values) => {
        const reason = reasonParam(values.reason);
        return ctx.conn.request('messages.delete', reason ? { group, message, reason } : { group, message });
      },
    });
    el.classList.remove('is-open');
  }
}
