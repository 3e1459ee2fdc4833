// News about the user's own membership (protocol/README.md, "Events"):
// approved, rejected, removed, muted, role changed. While muted in the open
// group the composer is off, with a note saying until when.

import { showNotice } from '../app-notice.js';
import { byId, setMessage } from '../dom.js';
import { relativeDateTime, toDate } from '../format.js';
import { ROLES, withArticle } from './shared.js';

// setTimeout fires at once for delays beyond this.
const MAX_TIMER_MS = 2 ** 31 - 1;

export class OwnMembership {
  #muteNote = byId('mute-notice');
  #input = byId('composer-input');
  #sendButton = byId('send-button');
  #ctx;
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
    if (until) this.#muted.set(group, until);
    else this.#muted.delete(group);
  }

  /** While muted in the open group: say until when, and turn the composer off until then. */
  applyMute() {
    clearTimeout(this.#muteTimer);
    const now = Date.now();
    let next = Infinity;
    for (const [group, until] of this.#muted) {
      if (until.getTime() <= now) this.#muted.delete(group);
      else next = Math.min(next, until.getTime());
    }
    const open = this.#ctx.group();
    const until = open === null ? undefined : this.#muted.get(open);
    this.#input.disabled = Boolean(until);
    this.#sendButton.disabled = Boolean(until);
    setMessage(
      this.#muteNote,
      until ? `You are muted until ${relativeDateTime(until.toISOString())}. You can still read messages.` : '',
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
    showNotice(`You were removed from ${this.#ctx.groupLabel(detail.group)} by a moderator.`);
    if (detail.group === this.#ctx.group()) location.hash = '#/';
    this.applyMute();
  }

  #onMuted(detail) {
    if (!detail) return;
    const until = detail.until ? toDate(detail.until) : null;
    const name = this.#ctx.groupLabel(detail.group);
    if (until && until.getTime() > Date.now()) {
      this.#muted.set(detail.group, until);
      showNotice(`A moderator muted you in ${name} until ${relativeDateTime(detail.until)}. You can still read messages.`);
    } else {
      this.#muted.delete(detail.group);
      showNotice(`You can post in ${name} again.`);
    }
    this.applyMute();
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
