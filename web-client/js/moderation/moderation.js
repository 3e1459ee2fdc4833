// Moderation of the open group, and what every member sees of it.
//
// People who may moderate the open group (its moderators, and site moderators
// and admins everywhere) get a "Moderate" button in the conversation header
// (#conv-tools) with a count of join requests and open reports; it opens the
// moderation dialog. Every member gets Report and Delete on messages and
// notices about their own membership.
//
// This module follows the open group and the user's rights, and hands each
// part the same context: the connection, the open group, and the dialog.

import { clearNotice, showNotice } from '../app-notice.js';
import { ask } from '../ask.js';
import { byId, describeError } from '../dom.js';
import { displayName } from '../format.js';
import { JoinRequests } from './join-requests.js';
import { Members } from './members.js';
import { MessageActions } from './message-actions.js';
import { ModerateDialog } from './moderate-dialog.js';
import { ModerationLog } from './moderation-log.js';
import { OwnMembership } from './own-membership.js';
import { Reports } from './reports.js';
import { Retention } from './retention.js';
import { list } from './shared.js';

export class Moderation {
  #conn;
  #groups;
  #getUser;
  #tools = byId('conv-tools');
  #asks = new Set();

  #dialog;
  #requests;
  #reports;
  #members;
  #log;
  #retention;
  #actions;
  #own;

  #group = null;
  #allowed = false;
  #active = false;
  // Bumped whenever the open group or the right to moderate it changes: late answers are dropped.
  #generation = 0;

  constructor({ conn, groups, conversation, getUser }) {
    this.#conn = conn;
    this.#groups = groups;
    this.#getUser = getUser;

    this.#dialog = new ModerateDialog({
      generation: () => this.#generation,
      onOpen: () => this.#openDialog(),
      onSelect: (key) => this.#onSelectTab(key),
    });
    const ctx = {
      conn,
      groups,
      getUser,
      dialog: this.#dialog,
      group: () => this.#group,
      generation: () => this.#generation,
      allowed: () => this.#allowed,
      groupLabel: (id) => this.#groupLabel(id),
      ask: (question) => ask({ ...question, open: this.#asks }),
      refresh: () => this.#refresh(),
    };
    this.#requests = new JoinRequests(ctx, {
      onDecided: () => {
        this.#members.forget();
        this.#groups.refresh().catch(() => {});
        this.#refresh();
      },
    });
    this.#reports = new Reports(ctx);
    this.#members = new Members(ctx, { onTakenOut: () => this.#log.forget() });
    this.#log = new ModerationLog(ctx);
    this.#retention = new Retention(ctx);
    this.#actions = new MessageActions(ctx, { active: () => this.#active });

    conversation.addEventListener('open', (event) => this.#onOpen(event.detail.group));
    conversation.addEventListener('close', () => this.#onOpen(null));
    conversation.addEventListener('message', (event) => this.#actions.decorate(event.detail.el, event.detail.message));
    groups.addEventListener('change', () => this.#sync());
    // Only a fresh list is the server's word on a mute; between lists, membership.muted events are.
    groups.addEventListener('loaded', () => this.#noteMute());
    // main.js learns the user from the same event; look once every listener has run.
    conn.addEventListener('hello', () => queueMicrotask(() => this.#sync()));
    conn.addEventListener('ready', () => {
      if (this.#allowed) this.#refresh();
    });
    conn.addEventListener('membership.requested', (event) => this.#onRequested(event.detail));
    conn.addEventListener('report.created', (event) => this.#onReported(event.detail));
    conn.addEventListener('message.deleted', (event) => this.#onDeleted(event.detail));
    this.#own = new OwnMembership(ctx);
  }

  /** Forget everything (sign-out). */
  reset() {
    this.#onOpen(null);
    for (const dialog of [...this.#asks]) dialog.close();
    this.#own.clear();
    clearNotice();
  }

  // ---- who may do what -----------------------------------------------------------

  #canModerate(id) {
    const user = this.#getUser();
    if (!user || id === null) return false;
    if (user.role === 'moderator' || user.role === 'admin') return true;
    const group = this.#groups.get(id);
    const membership = group && group.my_membership;
    return Boolean(membership && membership.status === 'active' && membership.role === 'moderator');
  }

  #groupLabel(id) {
    const group = this.#groups.get(id);
    return group ? group.name : 'a group';
  }

  #onOpen(group) {
    if (group === this.#group) {
      // The same group reloaded (after a resync or on being let in): keep the tools as they are.
      this.#sync();
      return;
    }
    this.#dialog.close();
    this.#group = group;
    this.#generation += 1;
    this.#allowed = false;
    this.#requests.items = [];
    this.#reports.set([]);
    this.#members.reset();
    this.#log.forget();
    this.#dialog.tab = 'requests';
    this.#dialog.tool.remove();
    this.#renderCounts();
    this.#sync();
    this.#noteMute();
  }

  /** After a reload the server's word on a mute comes with the group, maybe after the group was opened. */
  #noteMute() {
    const group = this.#group;
    const info = group === null ? null : this.#groups.get(group);
    this.#own.noteMembership(group, info && info.my_membership);
    this.#own.applyMute();
  }

  /** Follow the open group's membership and the user's role: show or hide the tools. */
  #sync() {
    const group = this.#group;
    const allowed = group !== null && this.#canModerate(group);
    const active = group !== null && this.#groups.isActiveMember(group);
    const changed = allowed !== this.#allowed || active !== this.#active;
    if (allowed !== this.#allowed) {
      this.#allowed = allowed;
      this.#generation += 1;
      if (allowed) {
        this.#tools.append(this.#dialog.tool);
        this.#refresh();
      } else {
        this.#dialog.tool.remove();
        this.#dialog.close();
      }
    }
    this.#active = active;
    if (changed) this.#actions.redecorate();
    if (group !== null) this.#dialog.setGroupName(this.#groupLabel(group));
    this.#renderCounts();
  }

  // ---- news for moderators ------------------------------------------------------------

  #onRequested(detail) {
    if (!detail) return;
    if (detail.group === this.#group && this.#allowed) this.#refresh();
    showNotice(`${displayName(detail.user)} asked to join ${this.#groupLabel(detail.group)}.`);
  }

  #onReported(detail) {
    if (!detail) return;
    if (detail.group === this.#group && this.#allowed) this.#refresh();
    showNotice(`A message in ${this.#groupLabel(detail.group)} was reported.`);
  }

  #onDeleted(detail) {
    if (!detail || detail.group !== this.#group || !this.#allowed) return;
    if (this.#reports.covers(detail.message)) this.#refresh();
  }

  // ---- the dialog ------------------------------------------------------------------------

  #openDialog() {
    if (!this.#allowed || this.#dialog.open) return;
    this.#dialog.setGroupName(this.#groupLabel(this.#group));
    this.#dialog.setStatus('');
    this.#renderCounts();
    let tab = this.#dialog.tab;
    if (this.#requests.items.length) tab = 'requests';
    else if (this.#reports.reported.length) tab = 'reports';
    else if (this.#dialog.isTabHidden(tab)) tab = 'members';
    this.#dialog.show(tab);
    if (tab === 'members' || tab === 'log') this.#refresh();
  }

  #onSelectTab(key) {
    if (key === 'members') this.#members.load();
    else if (key === 'log') this.#log.load();
    else if (key === 'settings') this.#retention.show();
    else this.#refresh();
  }

  /** Fetch join requests and reports, which the counts and two tabs show. */
  async #refresh() {
    const group = this.#group;
    const generation = this.#generation;
    if (group === null || !this.#allowed) return;
    const [requests, reports] = await Promise.allSettled([
      this.#conn.request('groups.requests', { group }),
      this.#conn.request('reports.list', { group }),
    ]);
    if (generation !== this.#generation) return;
    if (requests.status === 'fulfilled') this.#requests.items = list(requests.value.requests);
    if (reports.status === 'fulfilled') this.#reports.set(list(reports.value.reports));
    const failed = [requests, reports].find((result) => result.status === 'rejected');
    if (failed && this.#dialog.open) this.#dialog.setError(`Couldn't load everything. ${describeError(failed.reason)}`);
    this.#renderCounts();
    this.#requests.render();
    this.#reports.render();
    this.#dialog.keepFocus();
  }

  #renderCounts() {
    const requests = this.#requests.items.length;
    const group = this.#group === null ? null : this.#groups.get(this.#group);
    this.#dialog.showCounts(requests, this.#reports.reported.length, {
      hideRequests: Boolean(group && group.visibility === 'public' && requests === 0),
    });
  }
}
