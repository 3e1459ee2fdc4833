// Moderation of the open group, and what every member sees of it.
//
// People who may moderate the open group (its moderators, and site moderators
// and admins everywhere) get a "Moderate" button in the conversation header
// (#conv-tools) with a count of join requests and open reports. It opens a
// dialog with four tabs: join requests (Approve / Reject), reports (Dismiss /
// Delete message), members (role, mute, remove, ban) and the moderation log.
//
// Every member gets Report on other people's messages and Delete on their own
// (moderators on every message), shown when a message is tapped or focused,
// and notices about their own membership: approved, rejected, removed, muted,
// role changed (protocol/README.md, "Events").

import { ask } from './ask.js';
import { byId, describeError, h, setMessage } from './dom.js';
import { hueClass, initial } from './groups.js';

const HOUR_MS = 3600000;
const DAY_MS = 24 * HOUR_MS;
const MUTE_CHOICES = [
  ['1 hour', HOUR_MS],
  ['1 day', DAY_MS],
  ['1 week', 7 * DAY_MS],
];
const BAN_CHOICES = [
  ['For good', ''],
  ['For 1 day', String(DAY_MS)],
  ['For 1 week', String(7 * DAY_MS)],
  ['For 30 days', String(30 * DAY_MS)],
];
const ROLES = ['member', 'organiser', 'moderator'];
const ROLE_LABELS = { member: 'Member', organiser: 'Organiser', moderator: 'Moderator' };
const ROLE_ORDER = { moderator: 0, organiser: 1, member: 2 };
const TABS = [
  ['requests', 'Requests'],
  ['reports', 'Reports'],
  ['members', 'Members'],
  ['log', 'Log'],
  ['settings', 'Group'],
];
const RETENTION_CHOICES = [
  ['Keep messages for good', ''],
  ['Delete after 30 days', '30'],
  ['Delete after 90 days', '90'],
  ['Delete after 6 months', '182'],
  ['Delete after 1 year', '365'],
];
const LOG_PAGE = 50;
const MAX_REASON = 500;
const PREVIEW_CHARS = 280;
// setTimeout fires at once for delays beyond this.
const MAX_TIMER_MS = 2 ** 31 - 1;

const timeFormat = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit' });
const dayFormat = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short' });
const dayYearFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric' });
const fullFormat = new Intl.DateTimeFormat('en-GB', {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

function parseTime(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

function startOfDay(date) {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate());
}

/** "today at 14:05", "yesterday at 09:10", "tomorrow at 07:00", "Fri 12 Dec at 16:00". */
function when(iso) {
  const date = parseTime(iso);
  if (!date) return '';
  const now = new Date();
  const days = Math.round((startOfDay(date) - startOfDay(now)) / DAY_MS);
  const time = timeFormat.format(date);
  if (days === 0) return `today at ${time}`;
  if (days === -1) return `yesterday at ${time}`;
  if (days === 1) return `tomorrow at ${time}`;
  if (date.getFullYear() === now.getFullYear()) return `${dayFormat.format(date)} at ${time}`;
  return `${dayYearFormat.format(date)} at ${time}`;
}

function timeEl(iso) {
  const date = parseTime(iso);
  return h('time', { datetime: iso, title: date ? fullFormat.format(date) : null, text: when(iso) });
}

function nameOf(user) {
  return (user && (user.display_name || user.username)) || 'Someone';
}

function plural(n, one, many) {
  return `${n} ${n === 1 ? one : many}`;
}

function withArticle(role) {
  return role === 'organiser' ? 'an organiser' : `a ${role}`;
}

function list(value) {
  return Array.isArray(value) ? value : [];
}

function shorten(text, max) {
  const chars = Array.from(text);
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : text;
}

function avatar(user, extraClass = '') {
  return h('span', {
    class: `avatar ${hueClass(user ? user.id : 0)} ${extraClass}`.trim(),
    'aria-hidden': 'true',
    text: initial(nameOf(user)),
  });
}

function button(text, className, onClick, hiddenSuffix = '') {
  const el = h(
    'button',
    { type: 'button', class: `btn btn-small ${className}` },
    text,
    hiddenSuffix ? h('span', { class: 'visually-hidden', text: ` ${hiddenSuffix}` }) : null,
  );
  el.addEventListener('click', onClick);
  return el;
}

export class Moderation {
  #conn;
  #groups;
  #getUser;

  #tools = byId('conv-tools');
  #messageLog = byId('message-log');
  #notice = byId('app-notice');
  #muteNote = byId('mute-notice');
  #input = byId('composer-input');
  #sendButton = byId('send-button');

  // The Moderate button, its count and the dialog.
  #tool;
  #button;
  #badge;
  #buttonNote;
  #dialog;
  #groupName;
  #status;
  #error;
  #tabs = {};
  #panels = {};
  #counts = {};
  #lists = {};
  #empties = {};
  #memberSummary;
  #memberFilter;
  #olderLog;
  #retentionSelect;
  #asks = new Set();

  #group = null;
  #allowed = false;
  #active = false;
  // Bumped whenever the open group or the right to moderate it changes: late answers are dropped.
  #generation = 0;
  #requests = [];
  #reports = [];
  #reported = [];
  #members = null;
  #entries = null;
  #logHasMore = false;
  #tab = 'requests';
  #expanded = null;
  #muted = new Map();
  #muteTimer = 0;

  constructor({ conn, groups, conversation, getUser }) {
    this.#conn = conn;
    this.#groups = groups;
    this.#getUser = getUser;
    this.#buildTool();
    this.#buildDialog();

    conversation.addEventListener('open', (event) => this.#onOpen(event.detail.group));
    conversation.addEventListener('close', () => this.#onOpen(null));
    conversation.addEventListener('message', (event) => this.#decorate(event.detail.el, event.detail.message));
    groups.addEventListener('change', () => this.#sync());
    // main.js learns the user from the same event; look once every listener has run.
    conn.addEventListener('hello', () => queueMicrotask(() => this.#sync()));
    conn.addEventListener('ready', () => {
      if (this.#allowed) this.#refresh();
    });
    conn.addEventListener('membership.requested', (event) => this.#onRequested(event.detail));
    conn.addEventListener('report.created', (event) => this.#onReported(event.detail));
    conn.addEventListener('message.deleted', (event) => this.#onDeleted(event.detail));
    conn.addEventListener('membership.approved', (event) => this.#onApproved(event.detail));
    conn.addEventListener('membership.rejected', (event) => this.#onRejected(event.detail));
    conn.addEventListener('membership.removed', (event) => this.#onRemoved(event.detail));
    conn.addEventListener('membership.muted', (event) => this.#onMuted(event.detail));
    conn.addEventListener('membership.role_changed', (event) => this.#onRoleChanged(event.detail));
    this.#messageLog.addEventListener('click', (event) => this.#onLogClick(event));
  }

  /** Forget everything (sign-out). */
  reset() {
    this.#onOpen(null);
    for (const dialog of [...this.#asks]) dialog.close();
    this.#muted.clear();
    this.#applyMute();
    this.#notice.replaceChildren();
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
    if (this.#dialog.open) this.#dialog.close();
    this.#group = group;
    this.#generation += 1;
    this.#allowed = false;
    this.#requests = [];
    this.#setReports([]);
    this.#members = null;
    this.#entries = null;
    this.#expanded = null;
    this.#tab = 'requests';
    this.#memberFilter.value = '';
    this.#tool.remove();
    this.#renderCounts();
    this.#sync();
    // After a reload the server's word on a mute comes with the group itself.
    const info = group === null ? null : this.#groups.get(group);
    const mutedUntil = info && info.my_membership && info.my_membership.muted_until;
    if (mutedUntil) this.#muted.set(group, new Date(mutedUntil));
    this.#applyMute();
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
        this.#tools.append(this.#tool);
        this.#refresh();
      } else {
        this.#tool.remove();
        if (this.#dialog.open) this.#dialog.close();
      }
    }
    this.#active = active;
    if (changed) this.#redecorate();
    if (group !== null) this.#groupName.textContent = this.#groupLabel(group);
    this.#renderCounts();
  }

  // ---- actions on messages -----------------------------------------------------------

  /** Give a rendered message its Report / Delete buttons. */
  #decorate(el, message) {
    if (!el || !message || message.kind === 'system' || !Number.isInteger(message.id)) return;
    el.dataset.id = String(message.id);
    el.dataset.author = message.author ? String(message.author.id) : '';
    const actions = h('div', { class: 'msg-actions' });
    el.append(actions);
    this.#fillActions(el, actions);
  }

  #redecorate() {
    for (const el of this.#messageLog.querySelectorAll('.msg[data-id]')) this.#fillActions(el);
  }

  #fillActions(el, actions = el.querySelector('.msg-actions')) {
    if (!actions) return;
    const me = this.#getUser();
    const mine = Boolean(me && el.dataset.author === String(me.id));
    const buttons = [];
    if (!mine && this.#active) {
      buttons.push(button('Report', 'btn-secondary', () => this.#reportMessage(el)));
    }
    if ((mine && this.#active) || this.#allowed) {
      buttons.push(button('Delete', 'btn-danger-quiet', () => this.#deleteMessage(el), 'message'));
    }
    actions.replaceChildren(...buttons);
    actions.hidden = buttons.length === 0;
  }

  /** Tapping a message shows its actions (they also show when one of them has focus). */
  #onLogClick(event) {
    if (event.target.closest('button, a, input, textarea, select')) return;
    const bubble = event.target.closest('.msg-bubble');
    const msg = bubble && bubble.closest('.msg');
    if (!msg || !msg.dataset.id || msg.classList.contains('is-deleted')) return;
    const selection = window.getSelection();
    if (selection && !selection.isCollapsed) return;
    const open = !msg.classList.contains('is-open');
    for (const other of this.#messageLog.querySelectorAll('.msg.is-open')) other.classList.remove('is-open');
    msg.classList.toggle('is-open', open);
  }

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

  async #reportMessage(el) {
    const group = this.#group;
    const message = Number(el.dataset.id);
    const done = await this.#ask({
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
      run: (values) => this.#conn.request('messages.report', { group, message, reason: values.reason.trim() }),
    });
    el.classList.remove('is-open');
    if (done) this.#say('Thank you. The moderators will look at your report.');
  }

  async #deleteMessage(el) {
    const group = this.#group;
    const message = Number(el.dataset.id);
    const me = this.#getUser();
    const mine = Boolean(me && el.dataset.author === String(me.id));
    await this.#ask({
      title: 'Delete this message?',
      text: mine
        ? 'Everyone will see "message deleted" in its place.'
        : 'Everyone will see "message deleted" in its place. This goes in the moderation log.',
      preview: this.#preview(el),
      confirm: 'Delete message',
      danger: true,
      run: () => this.#conn.request('messages.delete', { group, message }),
    });
    el.classList.remove('is-open');
  }

  // ---- notices about one's own membership ------------------------------------------------

  /** A notice under the top bar, read out by screen readers, until the next one or OK. */
  #say(text) {
    const ok = h('button', { type: 'button', class: 'btn btn-small btn-secondary', text: 'OK' });
    ok.addEventListener('click', () => this.#notice.replaceChildren());
    this.#notice.replaceChildren(h('p', { class: 'app-notice-text', text }), ok);
  }

  #onRequested(detail) {
    if (!detail) return;
    if (detail.group === this.#group && this.#allowed) this.#refresh();
    this.#say(`${nameOf(detail.user)} asked to join ${this.#groupLabel(detail.group)}.`);
  }

  #onReported(detail) {
    if (!detail) return;
    if (detail.group === this.#group && this.#allowed) this.#refresh();
    this.#say(`A message in ${this.#groupLabel(detail.group)} was reported.`);
  }

  #onDeleted(detail) {
    if (!detail || detail.group !== this.#group || !this.#allowed) return;
    if (this.#reports.some((report) => report.message && report.message.id === detail.message)) this.#refresh();
  }

  #onApproved(detail) {
    if (!detail) return;
    this.#say(`You're in! You can now read and post in ${this.#groupLabel(detail.group)}.`);
  }

  #onRejected(detail) {
    if (!detail) return;
    this.#groups.setMembership(detail.group, null);
    this.#say(`Your request to join ${this.#groupLabel(detail.group)} wasn't accepted.`);
  }

  #onRemoved(detail) {
    if (!detail) return;
    this.#muted.delete(detail.group);
    this.#say(`You were removed from ${this.#groupLabel(detail.group)} by a moderator.`);
    if (detail.group === this.#group) location.hash = '#/';
    this.#applyMute();
  }

  #onMuted(detail) {
    if (!detail) return;
    const until = detail.until ? parseTime(detail.until) : null;
    const name = this.#groupLabel(detail.group);
    if (until && until.getTime() > Date.now()) {
      this.#muted.set(detail.group, until);
      this.#say(`A moderator muted you in ${name} until ${when(detail.until)}. You can still read messages.`);
    } else {
      this.#muted.delete(detail.group);
      this.#say(`You can post in ${name} again.`);
    }
    this.#applyMute();
  }

  #onRoleChanged(detail) {
    if (!detail || !ROLES.includes(detail.role)) return;
    this.#groups.setMembership(detail.group, { role: detail.role, status: 'active' });
    const name = this.#groupLabel(detail.group);
    this.#say(
      detail.role === 'member' ? `Your role in ${name} is now member.` : `You are now ${withArticle(detail.role)} of ${name}.`,
    );
  }

  /** While muted in the open group: say until when, and turn the composer off until then. */
  #applyMute() {
    clearTimeout(this.#muteTimer);
    const now = Date.now();
    let next = Infinity;
    for (const [group, until] of this.#muted) {
      if (until.getTime() <= now) this.#muted.delete(group);
      else next = Math.min(next, until.getTime());
    }
    const until = this.#group === null ? undefined : this.#muted.get(this.#group);
    this.#input.disabled = Boolean(until);
    this.#sendButton.disabled = Boolean(until);
    setMessage(
      this.#muteNote,
      until ? `You are muted until ${when(until.toISOString())}. You can still read messages.` : '',
    );
    if (next !== Infinity) this.#muteTimer = setTimeout(() => this.#applyMute(), Math.min(MAX_TIMER_MS, next - now + 500));
  }

  // ---- the Moderate button and dialog -------------------------------------------------------

  #buildTool() {
    this.#badge = h('span', { class: 'tool-badge', 'aria-hidden': 'true', hidden: true });
    this.#buttonNote = h('span', { id: 'moderate-note', class: 'visually-hidden' });
    this.#button = h(
      'button',
      {
        type: 'button',
        class: 'btn btn-secondary btn-small btn-tool',
        'aria-haspopup': 'dialog',
        'aria-describedby': 'moderate-note',
      },
      'Moderate',
      this.#badge,
    );
    this.#button.addEventListener('click', () => this.#openDialog());
    this.#tool = h('div', { class: 'mod-tool' }, this.#button, this.#buttonNote);
  }

  #buildDialog() {
    this.#groupName = h('p', { id: 'mod-group', class: 'mod-group' });
    const close = h('button', { type: 'button', class: 'btn btn-secondary btn-small', text: 'Close' });
    close.addEventListener('click', () => this.#dialog.close());
    this.#status = h('p', { class: 'mod-status', role: 'status' });
    this.#error = h('p', { class: 'mod-error', role: 'alert', hidden: true });

    const tabList = h('div', { class: 'mod-tabs', role: 'tablist', 'aria-label': 'Moderation' });
    tabList.addEventListener('keydown', (event) => this.#onTabKey(event));
    const panels = h('div', { class: 'mod-panels' });
    for (const [key, label] of TABS) {
      this.#counts[key] = h('span', { class: 'tab-count', hidden: true });
      this.#tabs[key] = h(
        'button',
        {
          type: 'button',
          role: 'tab',
          id: `mod-tab-${key}`,
          class: 'mod-tab',
          'aria-controls': `mod-panel-${key}`,
          'aria-selected': 'false',
          tabindex: '-1',
        },
        h('span', { text: label }),
        this.#counts[key],
      );
      this.#tabs[key].addEventListener('click', () => this.#selectTab(key));
      tabList.append(this.#tabs[key]);
      this.#lists[key] = h('ul', { class: 'mod-list' });
      this.#empties[key] = h('p', { class: 'mod-empty', hidden: true });
      this.#panels[key] = h('section', {
        role: 'tabpanel',
        id: `mod-panel-${key}`,
        class: 'mod-panel',
        'aria-labelledby': `mod-tab-${key}`,
        tabindex: '-1',
        hidden: true,
      });
      panels.append(this.#panels[key]);
    }

    this.#panels.requests.append(
      h('p', { class: 'mod-intro', text: 'People asking to join this private group.' }),
      this.#empties.requests,
      this.#lists.requests,
    );
    this.#panels.reports.append(
      h('p', { class: 'mod-intro', text: 'Messages members have reported. Delete the message, or dismiss the report to keep it.' }),
      this.#empties.reports,
      this.#lists.reports,
    );
    this.#memberSummary = h('p', { class: 'mod-intro' });
    this.#memberFilter = h('input', { id: 'mod-member-filter', type: 'search', autocomplete: 'off', spellcheck: 'false' });
    this.#memberFilter.addEventListener('input', () => this.#renderMembers());
    this.#panels.members.append(
      this.#memberSummary,
      h('div', { class: 'field' }, h('label', { for: 'mod-member-filter', text: 'Find a member' }), this.#memberFilter),
      this.#empties.members,
      this.#lists.members,
    );
    this.#olderLog = h('button', { type: 'button', class: 'btn btn-secondary btn-small', text: 'Show older entries', hidden: true });
    this.#olderLog.addEventListener('click', () => this.#loadLog({ older: true }));
    this.#panels.log.append(
      h('p', { class: 'mod-intro', text: 'What moderators have done in this group, newest first.' }),
      this.#empties.log,
      this.#lists.log,
      h('div', { class: 'mod-more' }, this.#olderLog),
    );

    this.#retentionSelect = h(
      'select',
      { id: 'mod-retention', class: 'select' },
      RETENTION_CHOICES.map(([label, value]) => h('option', { value, text: label })),
    );
    const saveRetention = button('Save', 'btn-primary', () => this.#saveRetention(saveRetention));
    this.#panels.settings.append(
      h('p', {
        class: 'mod-intro',
        text: 'How long this group keeps its messages. Older ones are deleted for everyone, except messages with an open report. Members see the rule at the top of the conversation.',
      }),
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'mod-retention', text: 'Old messages' }),
        h('div', { class: 'mod-settings-row' }, this.#retentionSelect, saveRetention),
      ),
    );

    this.#dialog = h(
      'dialog',
      { class: 'mod-dialog', 'aria-labelledby': 'mod-title mod-group' },
      h(
        'header',
        { class: 'mod-head' },
        h('div', { class: 'mod-heading' }, h('h2', { id: 'mod-title', class: 'mod-title', text: 'Moderate' }), this.#groupName),
        close,
      ),
      tabList,
      this.#status,
      this.#error,
      panels,
    );
    document.body.append(this.#dialog);
  }

  #openDialog() {
    if (!this.#allowed || this.#dialog.open) return;
    this.#groupName.textContent = this.#groupLabel(this.#group);
    this.#setStatus('');
    this.#renderCounts();
    let tab = this.#tab;
    if (this.#requests.length) tab = 'requests';
    else if (this.#reported.length) tab = 'reports';
    else if (this.#tabs[tab].hidden) tab = 'members';
    this.#dialog.showModal();
    this.#selectTab(tab, { focus: true });
    if (tab === 'members' || tab === 'log') this.#refresh();
  }

  #selectTab(key, { focus = false } = {}) {
    this.#tab = key;
    for (const [name] of TABS) {
      const selected = name === key;
      this.#tabs[name].setAttribute('aria-selected', String(selected));
      this.#tabs[name].tabIndex = selected ? 0 : -1;
      this.#panels[name].hidden = !selected;
    }
    if (focus) this.#tabs[key].focus();
    this.#setStatus('');
    if (key === 'members') this.#loadMembers();
    else if (key === 'log') this.#loadLog();
    else if (key === 'settings') this.#showRetention();
    else this.#refresh();
  }

  #onTabKey(event) {
    const keys = TABS.map(([key]) => key).filter((key) => !this.#tabs[key].hidden);
    const at = keys.indexOf(this.#tab);
    let next = null;
    if (event.key === 'ArrowRight') next = keys[(at + 1) % keys.length];
    else if (event.key === 'ArrowLeft') next = keys[(at - 1 + keys.length) % keys.length];
    else if (event.key === 'Home') next = keys[0];
    else if (event.key === 'End') next = keys[keys.length - 1];
    if (next === null) return;
    event.preventDefault();
    this.#selectTab(next, { focus: true });
  }

  // ---- group settings ------------------------------------------------------------------

  #showRetention() {
    const group = this.#groups.get(this.#group);
    const days = group && Number.isInteger(group.retention_days) ? String(group.retention_days) : '';
    // A period set elsewhere (another client, or the API) still shows as it is.
    if (![...this.#retentionSelect.options].some((option) => option.value === days)) {
      this.#retentionSelect.append(h('option', { value: days, text: `Delete after ${days} days` }));
    }
    this.#retentionSelect.value = days;
  }

  async #saveRetention(saveButton) {
    const group = this.#group;
    const value = this.#retentionSelect.value;
    const retention = value === '' ? null : Number(value);
    const request = () => this.#conn.request('groups.set_retention', { group, retention_days: retention });
    const said = retention === null ? 'Messages are kept for good.' : `Messages older than ${retention} days will be deleted.`;
    const saved = await this.#act([saveButton], request, said);
    saveButton.disabled = false;
    if (saved) this.#groups.setRetention(group, retention);
  }

  #setStatus(text) {
    this.#status.textContent = text || '';
    setMessage(this.#error, '');
  }

  #setError(text) {
    this.#status.textContent = '';
    setMessage(this.#error, text);
  }

  /** After a list is redrawn, keep focus inside the dialog. */
  #keepFocus() {
    if (!this.#dialog.open) return;
    const active = document.activeElement;
    if (!active || active === document.body || !this.#dialog.contains(active)) {
      this.#panels[this.#tab].focus({ preventScroll: true });
    }
  }

  /**
   * Do some moderation work (requests) with its buttons disabled; on success
   * say so in the dialog, on failure say why. Resolves true on success.
   */
  async #act(buttons, work, success) {
    const generation = this.#generation;
    for (const el of buttons) el.disabled = true;
    this.#setStatus('');
    try {
      await work();
    } catch (err) {
      if (generation === this.#generation) {
        for (const el of buttons) el.disabled = false;
        this.#setError(`That didn't work. ${describeError(err)}`);
      }
      return false;
    }
    if (generation !== this.#generation) return false;
    this.#setStatus(success);
    return true;
  }

  // ---- join requests and reports ----------------------------------------------------------

  async #refresh() {
    const group = this.#group;
    const generation = this.#generation;
    if (group === null || !this.#allowed) return;
    const [requests, reports] = await Promise.allSettled([
      this.#conn.request('groups.requests', { group }),
      this.#conn.request('reports.list', { group }),
    ]);
    if (generation !== this.#generation) return;
    if (requests.status === 'fulfilled') this.#requests = list(requests.value.requests);
    if (reports.status === 'fulfilled') this.#setReports(list(reports.value.reports));
    const failed = [requests, reports].find((result) => result.status === 'rejected');
    if (failed && this.#dialog.open) this.#setError(`Couldn't load everything. ${describeError(failed.reason)}`);
    this.#renderCounts();
    this.#renderRequests();
    this.#renderReports();
    this.#keepFocus();
  }

  #renderCounts() {
    const requests = this.#requests.length;
    const reports = this.#reported.length;
    const total = requests + reports;
    this.#badge.textContent = total > 99 ? '99+' : String(total);
    this.#badge.hidden = total === 0;
    const waiting = [];
    if (requests) waiting.push(plural(requests, 'join request', 'join requests'));
    if (reports) waiting.push(plural(reports, 'reported message', 'reported messages'));
    this.#buttonNote.textContent = waiting.length ? `${waiting.join(' and ')} waiting` : 'Nothing waiting';
    this.#button.classList.toggle('has-waiting', total > 0);
    for (const [key, n] of [
      ['requests', requests],
      ['reports', reports],
    ]) {
      // The hidden comma keeps "Requests, 2" apart for screen readers.
      this.#counts[key].replaceChildren(h('span', { class: 'visually-hidden', text: ', ' }), String(n));
      this.#counts[key].hidden = n === 0;
    }
    const group = this.#group === null ? null : this.#groups.get(this.#group);
    this.#tabs.requests.hidden = Boolean(group && group.visibility === 'public' && requests === 0);
  }

  #renderRequests() {
    const group = this.#group;
    this.#lists.requests.replaceChildren(...this.#requests.map((request) => this.#requestItem(group, request)));
    setMessage(this.#empties.requests, this.#requests.length ? '' : 'No one is waiting to join.');
  }

  #requestItem(group, request) {
    const user = request.user || {};
    const name = nameOf(user);
    const buttons = [];
    const decide = async (op, success) => {
      if (await this.#act(buttons, () => this.#conn.request(op, { group, user: user.id }), success)) {
        this.#members = null;
        this.#groups.refresh().catch(() => {});
        this.#refresh();
      }
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
        avatar(user),
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

  /** Open reports, one entry per reported message (several people may report the same one). */
  #setReports(reports) {
    this.#reports = reports;
    const byMessage = new Map();
    for (const report of reports) {
      const key = report.message && Number.isInteger(report.message.id) ? report.message.id : `report-${report.id}`;
      if (!byMessage.has(key)) byMessage.set(key, { message: report.message || {}, reports: [] });
      byMessage.get(key).reports.push(report);
    }
    this.#reported = [...byMessage.values()];
  }

  #renderReports() {
    this.#lists.reports.replaceChildren(...this.#reported.map((reported) => this.#reportItem(reported)));
    setMessage(this.#empties.reports, this.#reported.length ? '' : 'No open reports. Thank you for keeping an eye out.');
  }

  #reportItem({ message, reports }) {
    const deleted = Boolean(message.deleted);
    const quote = h(
      'blockquote',
      { class: `quote${deleted ? ' is-deleted' : ''}` },
      h('p', { class: 'quote-author' }, nameOf(message.author), ' · ', timeEl(message.created_at)),
      h('p', { class: 'quote-text', text: deleted ? 'message deleted' : message.text || '' }),
    );
    const buttons = [];
    const resolve = async (work, success) => {
      if (await this.#act(buttons, work, success)) this.#refresh();
    };
    if (!deleted) {
      buttons.push(
        button('Delete message', 'btn-danger', async () => {
          const confirmed = await this.#ask({
            title: 'Delete this message?',
            text: 'Everyone will see "message deleted" in its place, and the report is closed.',
            preview: quote.cloneNode(true),
            confirm: 'Delete message',
            danger: true,
          });
          if (!confirmed) return;
          // Deleting through one report closes every open report of the message.
          resolve(
            () => this.#conn.request('reports.resolve', { report: reports[0].id, action: 'delete_message' }),
            'Message deleted. Everyone now sees "message deleted".',
          );
        }),
      );
    }
    buttons.push(
      button('Dismiss', 'btn-secondary', () =>
        resolve(async () => {
          for (const report of reports) {
            try {
              await this.#conn.request('reports.resolve', { report: report.id, action: 'dismiss' });
            } catch (err) {
              // Another moderator got there first.
              if (err.code !== 'conflict') throw err;
            }
          }
        }, reports.length === 1 ? 'Report dismissed. The message stays.' : 'Reports dismissed. The message stays.'),
      ),
    );
    return h(
      'li',
      { class: 'mod-item' },
      quote,
      reports.map((report) =>
        h(
          'div',
          { class: 'mod-report' },
          h('p', { class: 'mod-meta' }, h('strong', { text: nameOf(report.reporter) }), ' reported it ', timeEl(report.created_at)),
          h('p', { class: 'mod-reason' }, h('span', { class: 'mod-reason-label', text: 'Reason: ' }), report.reason || ''),
        ),
      ),
      h('div', { class: 'mod-actions' }, buttons),
    );
  }

  // ---- members ---------------------------------------------------------------------------------

  async #loadMembers() {
    const group = this.#group;
    const generation = this.#generation;
    if (group === null || !this.#allowed) return;
    if (this.#members === null) setMessage(this.#empties.members, 'Loading members…');
    let result;
    try {
      result = await this.#conn.request('groups.members', { group });
    } catch (err) {
      if (generation === this.#generation) {
        setMessage(this.#empties.members, `Couldn't load the members. ${describeError(err)}`);
      }
      return;
    }
    if (generation !== this.#generation) return;
    this.#members = list(result.members);
    this.#renderMembers();
    this.#keepFocus();
  }

  #renderMembers() {
    if (this.#members === null) return;
    const me = this.#getUser();
    const members = this.#members
      .filter((member) => member && member.user)
      .sort(
        (a, b) =>
          (ROLE_ORDER[a.role] ?? 3) - (ROLE_ORDER[b.role] ?? 3) ||
          Number(Boolean(b.online)) - Number(Boolean(a.online)) ||
          nameOf(a.user).localeCompare(nameOf(b.user), 'en-GB'),
      );
    const online = members.filter((member) => member.online).length;
    this.#memberSummary.textContent = `${plural(members.length, 'member', 'members')}, ${online} online now.`;
    const filter = this.#memberFilter.value.trim().toLocaleLowerCase('en-GB');
    const shown = filter
      ? members.filter((member) =>
          `${nameOf(member.user)} ${member.user.username || ''}`.toLocaleLowerCase('en-GB').includes(filter),
        )
      : members;
    const focusedId = this.#focusedMember();
    this.#lists.members.replaceChildren(...shown.map((member) => this.#memberItem(member, me)));
    setMessage(this.#empties.members, shown.length ? '' : filter ? 'No member matches that.' : 'No members yet.');
    if (focusedId !== null) {
      const manage = this.#lists.members.querySelector(`[aria-controls="mod-member-${focusedId}"]`);
      if (manage) manage.focus({ preventScroll: true });
    }
  }

  /** The member whose controls have focus, to give it back after a redraw. */
  #focusedMember() {
    const item = document.activeElement && document.activeElement.closest && document.activeElement.closest('.mod-member');
    return item && this.#lists.members.contains(item) ? item.dataset.user : null;
  }

  #memberItem(member, me) {
    const group = this.#group;
    const user = member.user;
    const name = nameOf(user);
    const self = Boolean(me && me.id === user.id);
    const presence = h(
      'span',
      { class: `presence${member.online ? ' is-online' : ''}` },
      h('span', { class: 'presence-dot', 'aria-hidden': 'true' }),
      member.online ? 'Online' : 'Offline',
    );
    const person = h(
      'div',
      { class: 'mod-person' },
      avatar(user),
      h(
        'div',
        { class: 'mod-person-text' },
        h('p', { class: 'mod-name' }, name, self ? h('span', { class: 'mod-you', text: ' (you)' }) : null),
        h(
          'p',
          { class: 'mod-meta' },
          `@${user.username || ''} · `,
          h('span', { class: 'role-tag', text: ROLE_LABELS[member.role] || member.role }),
          ' · ',
          presence,
        ),
      ),
    );
    const item = h('li', { class: 'mod-item mod-member', dataset: { user: user.id } });
    if (self) {
      item.append(h('div', { class: 'mod-member-head' }, person));
      return item;
    }

    const actionsId = `mod-member-${user.id}`;
    const expanded = this.#expanded === user.id;
    const manage = button('Manage', 'btn-secondary', () => {
      this.#expanded = this.#expanded === user.id ? null : user.id;
      const open = this.#expanded === user.id;
      manage.setAttribute('aria-expanded', String(open));
      actions.hidden = !open;
    }, name);
    manage.setAttribute('aria-expanded', String(expanded));
    manage.setAttribute('aria-controls', actionsId);

    const buttons = [];
    const done = async (op, params, success) => {
      const request = () => this.#conn.request(op, { group, user: user.id, ...params });
      if (await this.#act(buttons, request, success)) this.#loadMembers();
    };
    const roles = ROLES.filter((role) => role !== member.role).map((role) =>
      button(`Make ${role}`, 'btn-secondary', () =>
        done('groups.set_role', { role }, `${name} is now ${withArticle(role)}.`),
      ),
    );
    const muteId = `mod-mute-${user.id}`;
    const muteFor = h(
      'select',
      { id: muteId, class: 'select' },
      MUTE_CHOICES.map(([label, ms]) => h('option', { value: String(ms), text: label })),
    );
    const mute = button('Mute', 'btn-secondary', () => {
      const until = new Date(Date.now() + Number(muteFor.value)).toISOString();
      done('groups.mute', { until }, `${name} is muted until ${when(until)}. They can still read.`);
    });
    const unmute = button('Unmute', 'btn-secondary', () =>
      done('groups.mute', { until: new Date().toISOString() }, `${name} can post again.`),
    );
    const remove = button('Remove', 'btn-danger-quiet', () => this.#removeMember(group, user));
    const ban = button('Ban', 'btn-danger', () => this.#banMember(group, user));
    buttons.push(...roles, muteFor, mute, unmute, remove, ban);

    const actions = h(
      'div',
      { id: actionsId, class: 'mod-member-actions', hidden: !expanded },
      h('fieldset', { class: 'mod-fieldset' }, h('legend', { text: 'Role' }), h('div', { class: 'mod-row' }, roles)),
      h(
        'fieldset',
        { class: 'mod-fieldset' },
        h('legend', { text: 'Mute (they can still read)' }),
        h('div', { class: 'mod-row' }, h('label', { for: muteId, class: 'mod-label', text: 'Mute for' }), muteFor),
        h('div', { class: 'mod-row' }, mute, unmute),
      ),
      h('fieldset', { class: 'mod-fieldset' }, h('legend', { text: 'Take out of the group' }), h('div', { class: 'mod-row' }, remove, ban)),
    );
    item.append(h('div', { class: 'mod-member-head' }, person, manage), actions);
    return item;
  }

  async #removeMember(group, user) {
    const name = nameOf(user);
    const groupName = this.#groupLabel(group);
    const done = await this.#ask({
      title: `Remove ${name}?`,
      text: `${name} stops getting messages from ${groupName} straight away. They can ask to join again; to stop that, ban them instead.`,
      confirm: 'Remove',
      danger: true,
      run: () => this.#conn.request('groups.remove', { group, user: user.id }),
    });
    if (!done) return;
    this.#afterTakenOut(`${name} was removed from the group.`);
  }

  async #banMember(group, user) {
    const name = nameOf(user);
    const done = await this.#ask({
      title: `Ban ${name}?`,
      text: `${name} is taken out of ${this.#groupLabel(group)} straight away and can't join again until the ban ends.`,
      fields: [
        { name: 'length', kind: 'select', label: 'How long', options: BAN_CHOICES },
        {
          name: 'reason',
          kind: 'textarea',
          label: 'Reason (optional)',
          hint: 'Only moderators see this, in the moderation log.',
          maxlength: MAX_REASON,
        },
      ],
      confirm: 'Ban',
      danger: true,
      run: (values) => {
        const params = { group, user: user.id };
        if (values.reason.trim()) params.reason = values.reason.trim();
        if (values.length) params.until = new Date(Date.now() + Number(values.length)).toISOString();
        return this.#conn.request('groups.ban', params);
      },
    });
    if (!done) return;
    this.#afterTakenOut(`${name} was banned from the group.`);
  }

  #afterTakenOut(text) {
    this.#expanded = null;
    this.#entries = null;
    this.#setStatus(text);
    this.#groups.refresh().catch(() => {});
    this.#loadMembers();
  }

  // ---- moderation log --------------------------------------------------------------------------

  async #loadLog({ older = false } = {}) {
    const group = this.#group;
    const generation = this.#generation;
    if (group === null || !this.#allowed) return;
    const params = { group, limit: LOG_PAGE };
    if (older && this.#entries && this.#entries.length) params.before = this.#entries[this.#entries.length - 1].id;
    if (this.#entries === null) setMessage(this.#empties.log, 'Loading the log…');
    this.#olderLog.disabled = true;
    let result;
    try {
      result = await this.#conn.request('moderation.log', params);
    } catch (err) {
      if (generation === this.#generation) {
        this.#olderLog.disabled = false;
        this.#setError(`Couldn't load the log. ${describeError(err)}`);
      }
      return;
    }
    if (generation !== this.#generation) return;
    const entries = list(result.entries);
    this.#entries = older && this.#entries ? [...this.#entries, ...entries] : entries;
    this.#logHasMore = entries.length === LOG_PAGE;
    this.#olderLog.disabled = false;
    this.#renderLog();
    this.#keepFocus();
  }

  #renderLog() {
    const entries = this.#entries || [];
    // Newest first: the first ban or unban seen for a person is the one in force.
    const settled = new Set();
    const items = entries.map((entry) => {
      const target = entry.target ? entry.target.id : null;
      let liftable = false;
      if ((entry.action === 'ban' || entry.action === 'unban') && target !== null && !settled.has(target)) {
        settled.add(target);
        const until = entry.until ? parseTime(entry.until) : null;
        liftable = entry.action === 'ban' && (!until || until.getTime() > Date.now());
      }
      return this.#logItem(entry, liftable);
    });
    this.#lists.log.replaceChildren(...items);
    setMessage(this.#empties.log, entries.length ? '' : 'Nothing yet.');
    this.#olderLog.hidden = !this.#logHasMore;
  }

  #logItem(entry, liftable) {
    const actor = h('strong', { text: nameOf(entry.actor) });
    const target = entry.target ? nameOf(entry.target) : 'someone';
    const whom = h('strong', { text: target });
    let text;
    let reason = '';
    switch (entry.action) {
      case 'approve':
        text = [actor, ' approved ', whom, "'s request to join"];
        break;
      case 'reject':
        text = [actor, ' turned down ', whom, "'s request to join"];
        break;
      case 'set_role':
        text = [actor, ' made ', whom, ` ${withArticle(entry.reason || 'member')}`];
        break;
      case 'remove':
        text = [actor, ' removed ', whom, ' from the group'];
        break;
      case 'ban':
        text = [actor, ' banned ', whom, entry.until ? ` until ${when(entry.until)}` : ' for good'];
        reason = entry.reason || '';
        break;
      case 'unban':
        text = [actor, ' lifted ', whom, "'s ban"];
        break;
      case 'unmute':
        text = [actor, ' lifted ', whom, "'s mute"];
        break;
      case 'mute': {
        const until = entry.until ? parseTime(entry.until) : null;
        const created = parseTime(entry.created_at);
        text =
          until && (!created || until > created)
            ? [actor, ' muted ', whom, ` until ${when(entry.until)}`]
            : [actor, ' lifted ', whom, "'s mute"];
        break;
      }
      case 'delete':
        text = [actor, ' deleted a message by ', whom];
        break;
      case 'set_retention':
        text = [actor, entry.reason === 'for good' ? ' set the group to keep messages for good' : ` set the group to delete messages after ${entry.reason}`];
        break;
      case 'resolve':
        text =
          entry.reason === 'delete_message'
            ? [actor, ' deleted a reported message by ', whom]
            : [actor, ' dismissed a report about a message by ', whom];
        break;
      default:
        text = entry.target ? [actor, `: ${entry.action} (`, whom, ')'] : [actor, `: ${entry.action}`];
        reason = entry.reason || '';
    }
    const item = h(
      'li',
      { class: 'mod-item mod-log-item' },
      h('p', { class: 'mod-log-text' }, text),
      h('p', { class: 'mod-meta' }, timeEl(entry.created_at)),
      reason ? h('p', { class: 'mod-reason' }, h('span', { class: 'mod-reason-label', text: 'Reason: ' }), reason) : null,
    );
    if (liftable) {
      const group = this.#group;
      const lift = button(
        'Lift ban',
        'btn-secondary',
        async () => {
          const request = () => this.#conn.request('groups.unban', { group, user: entry.target.id });
          if (await this.#act([lift], request, `${target} can join again.`)) {
            this.#loadLog();
          }
        },
        `on ${target}`,
      );
      item.append(h('div', { class: 'mod-actions' }, lift));
    }
    return item;
  }

  /** A question in a dialog (see ask.js), closed with the others when the view changes. */
  #ask(question) {
    return ask({ ...question, open: this.#asks });
  }
}
