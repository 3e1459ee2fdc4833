// The Members tab: everyone in the group, moderators first and then who is
// online, with a filter and, per person, who is muted until when and Manage:
// role, mute, remove and ban, each with an optional reason the person sees.

import { describeError, h, setMessage } from '../dom.js';
import { displayName, plural, relativeDateTime, toDate } from '../format.js';
import { MAX_REASON, ROLES, ROLE_LABELS, button, list, personAvatar, reasonParam, withArticle } from './shared.js';

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
const ROLE_ORDER = { moderator: 0, organiser: 1, member: 2 };
// setTimeout fires at once for delays beyond this.
const MAX_TIMER_MS = 2 ** 31 - 1;

function reasonField(hint) {
  return { name: 'reason', kind: 'textarea', label: 'Reason (optional)', hint, maxlength: MAX_REASON };
}

/** The end of a member's mute while it lasts, else null. */
function mutedUntil(member) {
  const until = member.muted_until ? toDate(member.muted_until) : null;
  return until && until.getTime() > Date.now() ? until : null;
}

export class Members {
  #ctx;
  #onTakenOut;
  #members = null;
  #expanded = null;
  #summary = h('p', { class: 'mod-intro' });
  #filter = h('input', { id: 'mod-member-filter', type: 'search', autocomplete: 'off', spellcheck: 'false' });
  #list = h('ul', { class: 'mod-list' });
  #empty = h('p', { class: 'mod-empty', hidden: true });
  #muteTimer = 0;

  /** onTakenOut(): someone was removed or banned, so the log has news. */
  constructor(ctx, { onTakenOut }) {
    this.#ctx = ctx;
    this.#onTakenOut = onTakenOut;
    this.#filter.addEventListener('input', () => this.#render());
    // Another moderator muted someone, or lifted a mute: the list says so at once.
    ctx.conn.addEventListener('member.muted', (event) => this.#onMuted(event.detail));
    ctx.dialog.panels.members.append(
      this.#summary,
      h('div', { class: 'field' }, h('label', { for: 'mod-member-filter', text: 'Find a member' }), this.#filter),
      this.#empty,
      this.#list,
    );
  }

  /** Another group: nothing of this one's members is kept. */
  reset() {
    this.#members = null;
    this.#expanded = null;
    this.#filter.value = '';
  }

  /** The list is out of date; it is fetched again when next shown. */
  forget() {
    this.#members = null;
  }

  async load() {
    const ctx = this.#ctx;
    const group = ctx.group();
    const generation = ctx.generation();
    if (group === null || !ctx.allowed()) return;
    if (this.#members === null) setMessage(this.#empty, 'Loading members…');
    let result;
    try {
      result = await ctx.conn.request('groups.members', { group });
    } catch (err) {
      if (generation === ctx.generation()) {
        setMessage(this.#empty, `Couldn't load the members. ${describeError(err)}`);
      }
      return;
    }
    if (generation !== ctx.generation()) return;
    this.#members = list(result.members);
    this.#render();
    ctx.dialog.keepFocus();
  }

  #onMuted(detail) {
    if (!detail || !detail.user || detail.group !== this.#ctx.group() || this.#members === null) return;
    const member = this.#members.find((m) => m && m.user && m.user.id === detail.user.id);
    if (!member) return;
    member.muted_until = detail.until;
    this.#render();
  }

  #render() {
    clearTimeout(this.#muteTimer);
    if (this.#members === null) return;
    const me = this.#ctx.getUser();
    const members = this.#members
      .filter((member) => member && member.user)
      .sort(
        (a, b) =>
          (ROLE_ORDER[a.role] ?? 3) - (ROLE_ORDER[b.role] ?? 3) ||
          Number(Boolean(b.online)) - Number(Boolean(a.online)) ||
          displayName(a.user).localeCompare(displayName(b.user), 'en-GB'),
      );
    const online = members.filter((member) => member.online).length;
    this.#summary.textContent = `${plural(members.length, 'member', 'members')}, ${online} online now.`;
    const filter = this.#filter.value.trim().toLocaleLowerCase('en-GB');
    const shown = filter
      ? members.filter((member) =>
          `${displayName(member.user)} ${member.user.username || ''}`.toLocaleLowerCase('en-GB').includes(filter),
        )
      : members;
    const focusedId = this.#focusedMember();
    this.#list.replaceChildren(...shown.map((member) => this.#item(member, me)));
    setMessage(this.#empty, shown.length ? '' : filter ? 'No member matches that.' : 'No members yet.');
    if (focusedId !== null) {
      const manage = this.#list.querySelector(`[aria-controls="mod-member-${focusedId}"]`);
      if (manage) manage.focus({ preventScroll: true });
    }
    // Redraw when the first mute ends, so "Muted until" goes with it.
    const ends = members.map(mutedUntil).filter(Boolean).map((until) => until.getTime());
    if (ends.length) {
      const wait = Math.min(MAX_TIMER_MS, Math.min(...ends) - Date.now() + 500);
      this.#muteTimer = setTimeout(() => this.#render(), wait);
    }
  }

  /** The member whose controls have focus, to give it back after a redraw. */
  #focusedMember() {
    const item = document.activeElement && document.activeElement.closest && document.activeElement.closest('.mod-member');
    return item && this.#list.contains(item) ? item.dataset.user : null;
  }

  #item(member, me) {
    const ctx = this.#ctx;
    const group = ctx.group();
    const user = member.user;
    const name = displayName(user);
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
      personAvatar(user),
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
        this.#muteLine(member),
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
      const request = () => ctx.conn.request(op, { group, user: user.id, ...params });
      if (await ctx.dialog.act(buttons, request, success)) this.load();
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
    const muteReasonId = `mod-mute-reason-${user.id}`;
    const muteReason = h('input', {
      id: muteReasonId,
      type: 'text',
      maxlength: MAX_REASON,
      autocomplete: 'off',
      'aria-describedby': `${muteReasonId}-hint`,
    });
    const mute = button('Mute', 'btn-secondary', () => {
      const until = new Date(Date.now() + Number(muteFor.value)).toISOString();
      const reason = reasonParam(muteReason.value);
      done('groups.mute', reason ? { until, reason } : { until }, `${name} is muted until ${relativeDateTime(until)}. They can still read.`);
    });
    const unmute = button('Unmute', 'btn-secondary', () =>
      done('groups.mute', { until: new Date().toISOString() }, `${name} can post again.`),
    );
    const remove = button('Remove', 'btn-danger-quiet', () => this.#remove(group, user));
    const ban = button('Ban', 'btn-danger', () => this.#ban(group, user));
    buttons.push(...roles, muteFor, muteReason, mute, unmute, remove, ban);

    const actions = h(
      'div',
      { id: actionsId, class: 'mod-member-actions', hidden: !expanded },
      h('fieldset', { class: 'mod-fieldset' }, h('legend', { text: 'Role' }), h('div', { class: 'mod-row' }, roles)),
      h(
        'fieldset',
        { class: 'mod-fieldset' },
        h('legend', { text: 'Mute (they can still read)' }),
        h('div', { class: 'mod-row' }, h('label', { for: muteId, class: 'mod-label', text: 'Mute for' }), muteFor),
        h(
          'div',
          { class: 'field mod-reason-field' },
          h('label', { for: muteReasonId, class: 'mod-label', text: 'Reason (optional)' }),
          muteReason,
          h('p', { id: `${muteReasonId}-hint`, class: 'hint', text: `${name} sees this beside their message box.` }),
        ),
        h('div', { class: 'mod-row' }, mute, unmute),
      ),
      h('fieldset', { class: 'mod-fieldset' }, h('legend', { text: 'Take out of the group' }), h('div', { class: 'mod-row' }, remove, ban)),
    );
    item.append(h('div', { class: 'mod-member-head' }, person, manage), actions);
    return item;
  }

  /** "Muted until today at 14:00", while the member is muted (moderators only are told). */
  #muteLine(member) {
    const until = mutedUntil(member);
    if (!until) return null;
    return h('p', { class: 'mod-muted', text: `Muted until ${relativeDateTime(until.toISOString())}` });
  }

  async #remove(group, user) {
    const ctx = this.#ctx;
    const name = displayName(user);
    const groupName = ctx.groupLabel(group);
    const done = await ctx.ask({
      title: `Remove ${name}?`,
      text: `${name} stops getting messages from ${groupName} straight away. They can ask to join again; to stop that, ban them instead.`,
      fields: [reasonField(`${name} sees this. It also goes in the moderation log.`)],
      confirm: 'Remove',
      danger: true,
      run: (values) => {
        const params = { group, user: user.id };
        const reason = reasonParam(values.reason);
        if (reason) params.reason = reason;
        return ctx.conn.request('groups.remove', params);
      },
    });
    if (!done) return;
    this.#afterTakenOut(`${name} was removed from the group.`);
  }

  async #ban(group, user) {
    const ctx = this.#ctx;
    const name = displayName(user);
    const done = await ctx.ask({
      title: `Ban ${name}?`,
      text: `${name} is taken out of ${ctx.groupLabel(group)} straight away and can't join again until the ban ends.`,
      fields: [
        { name: 'length', kind: 'select', label: 'How long', options: BAN_CHOICES },
        reasonField(`${name} sees this. It also goes in the moderation log.`),
      ],
      confirm: 'Ban',
      danger: true,
      run: (values) => {
        const params = { group, user: user.id };
        const reason = reasonParam(values.reason);
        if (reason) params.reason = reason;
        if (values.length) params.until = new Date(Date.now() + Number(values.length)).toISOString();
        return ctx.conn.request('groups.ban', params);
      },
    });
    if (!done) return;
    this.#afterTakenOut(`${name} was banned from the group.`);
  }

  #afterTakenOut(text) {
    this.#expanded = null;
    this.#onTakenOut();
    this.#ctx.dialog.setStatus(text);
    this.#ctx.groups.refresh().catch(() => {});
    this.load();
  }
}
