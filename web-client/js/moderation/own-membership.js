// News about the user's own membership (protocol/README.md, "Events"):
// approved, rejected, removed or banned, muted, role changed, and a message of
// theirs deleted by a moderator, each with the reason the moderator gave. While
// muted in the open group the composer is off, with a note saying until when
// and why.

import { showNotice } from '../app-notice.js';
import { byId, setMessage } from '../dom.js';
import { quoted, relativeDateTime, shorten, toDate } from '../format.js';
import { ROLES, withArticle, withReason } from './shared.js';

const EXCERPT_CHARS = 60;

// setTimeout fires at once for delays beyond this.
const MAX_TIMER_MS = 2 ** 31 - 1;

export class OwnMembership {
  #muteNote = byId('mute-notice');
  #input = byId('composer-input');
  #sendButton = byId('send-button');
  #ctx;
  // group -> { until: Date, reason }
  #muted = new Map();
  #muteTimer = 0;

  constructor(ctx) {
    this.#ctx = ctx;
    const { conn } = ctx;
    conn.addEventListener('membership.approved', (event) => this.#onApproved(event.detail));
    conn.addEventListener('membership.rejected', (event) => this.#onRejected(event.detail));
    conn.addEventListener('membership.removed', (event) => this.#onRemoved(event.detail));
    conn.addEventListener('membership.muted', (event) => this.#onMuted(event.detail));
    conn.addEventListener('membership.role_changed', (event) => this.#onRoleChanged(event.detail));
    conn.addEventListener('message.deleted_by_moderator', (event) => this.#onMessageDeleted(event.detail));
  }

  /** Forget every mute (sign-out). */
  clear() {
    this.#muted.clear();
    this.applyMute();
  }

  /**
   * The server's word on a mute, as it comes with the group (groups.list) after a
   * reload: an active membership without `muted_until` is not muted.
   */
  noteMembership(group, membership) {
    if (group === null || !membership || membership.status !== 'active') return;
    const until = membership.muted_until ? toDate(membership.muted_until) : null;
    if (until) this.#muted.set(group, { until, reason: membership.mute_reason || '' });
    else this.#muted.delete(group);
  }

  /** While muted in the open group: say until when, and turn the composer off until then. */
  applyMute() {
    clearTimeout(this.#muteTimer);
    const now = Date.now();
    let next = Infinity;
    for (const [group, { until }] of this.#muted) {
      if (until.getTime() <= now) this.#muted.delete(group);
      else next = Math.min(next, until.getTime());
    }
    const open = this.#ctx.group();
    const mute = open === null ? undefined : this.#muted.get(open);
    this.#input.disabled = Boolean(mute);
    this.#sendButton.disabled = Boolean(mute);
    setMessage(
      this.#muteNote,
      mute
        ? `${withReason(`You are muted until ${relativeDateTime(mute.until.toISOString())}`, mute.reason)} You can still read messages.`
        : '',
    );
    if (next !== Infinity) this.#muteTimer = setTimeout(() => this.applyMute(), Math.min(MAX_TIMER_MS, next - now + 500));
  }

  #onApproved(detail) {
    if (!detail) return;
    showNotice(`You're in! You can now read and post in ${this.#ctx.groupLabel(detail.group)}.`);
  }

  #onRejected(detail) {
    if (!detail) return;
    this.#ctx.groups.setMembership(detail.group, null);
    showNotice(`Your request to join ${this.#ctx.groupLabel(detail.group)} wasn't accepted.`);
  }

  #onRemoved(detail) {
    if (!detail) return;
    this.#muted.delete(detail.group);
    const name = this.#ctx.groupLabel(detail.group);
    let text = `You were removed from ${name} by a moderator`;
    if (detail.banned) {
      text = detail.until ? `You were banned from ${name} until ${relativeDateTime(detail.until)}` : `You were banned from ${name}`;
    }
    showNotice(withReason(text, detail.reason));
    if (detail.group === this.#ctx.group()) location.hash = '#/';
    this.applyMute();
  }

  #onMuted(detail) {
    if (!detail) return;
    const until = detail.until ? toDate(detail.until) : null;
    const name = this.#ctx.groupLabel(detail.group);
    if (until && until.getTime() > Date.now()) {
      this.#muted.set(detail.group, { until, reason: detail.reason || '' });
      showNotice(
        `${withReason(`A moderator muted you in ${name} until ${relativeDateTime(detail.until)}`, detail.reason)} You can still read messages.`,
      );
    } else {
      this.#muted.delete(detail.group);
      showNotice(`You can post in ${name} again.`);
    }
    this.applyMute();
  }

  #onMessageDeleted(detail) {
    if (!detail) return;
    const which = detail.excerpt ? ` ${quoted(shorten(detail.excerpt, EXCERPT_CHARS))}` : '';
    showNotice(withReason(`A moderator deleted your message${which} in ${this.#ctx.groupLabel(detail.group)}`, detail.reason));
  }

  #onRoleChanged(detail) {
    if (!detail || !ROLES.includes(detail.role)) return;
    this.#ctx.groups.setMembership(detail.group, { role: detail.role, status: 'active' });
    const name = this.#ctx.groupLabel(detail.group);
    showNotice(
      detail.role === 'member' ? `Your role in ${name} is now member.` : `You are now ${withArticle(detail.role)} of ${name}.`,
    );
  }
}
