// The groups list: the "Groups" navigation with each group's link, what was
// said last ("Jo M: start of text · 14:05"), region, member count, membership
// state and unread badge.
//
// Each link's accessible name is exactly the group's name; the last message,
// region, state and unread count are in separate elements that describe it.

import { hueClass, initial } from './avatar.js';
import { byId, h } from './dom.js';
import { lastMessageLine, plural } from './format.js';

function isActive(group) {
  return Boolean(group && group.my_membership && group.my_membership.status === 'active');
}

function isPending(group) {
  return Boolean(group && group.my_membership && group.my_membership.status === 'pending');
}

/**
 * Groups model and its navigation view. Dispatches "change" when anything shown
 * changes, and "loaded" when a fresh list from the server is in.
 */
export class Groups extends EventTarget {
  #conn;
  #groups = new Map();
  #order = [];
  #items = new Map();
  #selected = null;
  #loaded = false;
  #myList = byId('my-groups');
  #otherList = byId('other-groups');
  #myHeading = byId('my-groups-heading');
  #otherHeading = byId('other-groups-heading');
  #status = byId('groups-status');

  constructor({ conn }) {
    super();
    this.#conn = conn;
    conn.addEventListener('message.deleted', (event) => this.#noteDeleted(event.detail));
    conn.addEventListener('group.retention_changed', (event) => {
      const detail = event.detail;
      if (detail) this.setRetention(detail.group, detail.retention_days);
    });
  }

  get loaded() {
    return this.#loaded;
  }

  get(id) {
    return this.#groups.get(id) || null;
  }

  isActiveMember(id) {
    return isActive(this.get(id));
  }

  isPending(id) {
    return isPending(this.get(id));
  }

  totalUnread() {
    let total = 0;
    for (const group of this.#groups.values()) {
      if (isActive(group) && group.id !== this.#selected) total += group.unread || 0;
    }
    return total;
  }

  /** Fetch the list from the server (groups.list) and show it. */
  async refresh() {
    if (!this.#loaded) this.#status.textContent = 'Loading groups…';
    try {
      const result = await this.#conn.request('groups.list');
      this.#set(Array.isArray(result.groups) ? result.groups : []);
    } catch (err) {
      if (!this.#loaded) this.#status.textContent = "Couldn't load groups yet. We'll try again when the connection is back.";
      throw err;
    }
  }

  reset() {
    this.#groups.clear();
    this.#order = [];
    this.#items.clear();
    this.#selected = null;
    this.#loaded = false;
    this.#myList.replaceChildren();
    this.#otherList.replaceChildren();
    this.#status.textContent = '';
    this.#render();
  }

  select(id) {
    this.#selected = id;
    const group = this.get(id);
    if (group) group.unread = 0;
    this.#render();
  }

  /** Someone posted in a group: count it as unread unless it is open or already counted. */
  noteMessage(message, { mine = false } = {}) {
    const group = this.get(message.group);
    if (!group) return;
    const known = Number.isInteger(group.last_seq) ? group.last_seq : 0;
    const last = group.last_message;
    if (!last || !Number.isInteger(last.seq) || last.seq < message.seq) {
      group.last_message = {
        id: message.id,
        seq: message.seq,
        author: message.author,
        excerpt: message.text || '',
        created_at: message.created_at,
        deleted: Boolean(message.deleted),
      };
      if (message.seq <= known) this.#render();
    }
    if (message.seq <= known) return;
    group.last_seq = message.seq;
    if (!mine && isActive(group) && group.id !== this.#selected && message.kind !== 'system') {
      group.unread = (group.unread || 0) + 1;
    }
    this.#render();
  }

  #noteDeleted(detail) {
    const group = detail && this.get(detail.group);
    const last = group && group.last_message;
    if (!last || last.id !== detail.message) return;
    last.deleted = true;
    last.excerpt = '';
    this.#render();
  }

  markRead(id) {
    const group = this.get(id);
    if (group && group.unread) {
      group.unread = 0;
      this.#render();
    }
  }

  setMembership(id, membership) {
    const group = this.get(id);
    if (!group) return;
    const wasActive = isActive(group);
    group.my_membership = membership;
    if (isActive(group) && !wasActive) group.member_count = (group.member_count || 0) + 1;
    if (!membership && wasActive) group.member_count = Math.max(0, (group.member_count || 1) - 1);
    this.#render();
  }

  /** How long the group keeps messages changed (groups.set_retention, group.retention_changed). */
  setRetention(id, days) {
    const group = this.get(id);
    if (!group) return;
    group.retention_days = Number.isInteger(days) ? days : null;
    this.#render();
  }

  /** groups.join; resolves with the membership ({role, status}). */
  async join(id) {
    const result = await this.#conn.request('groups.join', { group: id });
    const membership = result.membership || { role: 'member', status: 'active' };
    this.setMembership(id, membership);
    return membership;
  }

  #set(list) {
    this.#groups.clear();
    this.#order = [];
    for (const group of list) {
      if (!group || !Number.isInteger(group.id)) continue;
      this.#groups.set(group.id, group);
      this.#order.push(group.id);
    }
    const selected = this.get(this.#selected);
    if (selected) selected.unread = 0;
    this.#loaded = true;
    this.#render();
    this.dispatchEvent(new CustomEvent('loaded'));
  }

  #render() {
    const mine = [];
    const others = [];
    for (const id of this.#order) {
      const group = this.#groups.get(id);
      (group.my_membership ? mine : others).push(group);
    }
    for (const [id, item] of this.#items) {
      if (!this.#groups.has(id)) {
        item.li.remove();
        this.#items.delete(id);
      }
    }
    this.#place(this.#myList, mine);
    this.#place(this.#otherList, others);
    this.#myHeading.hidden = mine.length === 0;
    this.#otherHeading.textContent = mine.length ? 'More groups to join' : 'Groups to join';
    this.#otherHeading.hidden = others.length === 0;
    if (this.#loaded) {
      this.#status.textContent = this.#order.length ? '' : 'There are no groups yet.';
    }
    this.dispatchEvent(new CustomEvent('change'));
  }

  /** Keep each group's element and only move it when the order changes, so focus survives updates. */
  #place(list, groups) {
    groups.forEach((group, index) => {
      const item = this.#item(group);
      this.#update(item, group);
      if (list.children[index] !== item.li) list.insertBefore(item.li, list.children[index] || null);
    });
    while (list.children.length > groups.length) list.lastElementChild.remove();
  }

  #item(group) {
    let item = this.#items.get(group.id);
    if (item) return item;
    const metaId = `group-${group.id}-meta`;
    const link = h('a', { class: 'group-link', href: `#/groups/${group.id}`, 'aria-describedby': metaId });
    const avatar = h('span', { class: `avatar ${hueClass(group.id)}`, 'aria-hidden': 'true' });
    const lastId = `group-${group.id}-last`;
    link.setAttribute('aria-describedby', `${lastId} ${metaId}`);
    const lastText = h('span', { class: 'group-last-text' });
    const lastTime = h('span', { class: 'group-last-time' });
    // The time stays in view however long the text: only the text is cut short on screen.
    const last = h('span', { class: 'group-last', id: lastId }, lastText, lastTime);
    const region = h('span', { class: 'group-region' });
    const members = h('span', { class: 'group-members' });
    const state = h('span', { class: 'group-state' });
    const unreadText = h('span', { class: 'visually-hidden' });
    const meta = h('span', { class: 'group-meta', id: metaId }, region, members, state, unreadText);
    const badge = h('span', { class: 'badge', 'aria-hidden': 'true' });
    const li = h('li', { class: 'group-item' }, avatar, h('span', { class: 'group-text' }, link, last, meta), badge);
    item = { li, link, avatar, last, lastText, lastTime, region, members, state, unreadText, badge };
    this.#items.set(group.id, item);
    return item;
  }

  #update(item, group) {
    const selected = group.id === this.#selected;
    const unread = selected ? 0 : group.unread || 0;
    if (item.link.textContent !== group.name) item.link.textContent = group.name;
    item.avatar.textContent = initial(group.name);
    const line = lastMessageLine(group.last_message);
    if (item.lastText.textContent !== line.text) item.lastText.textContent = line.text;
    item.lastTime.textContent = line.time ? ` · ${line.time}` : '';
    item.last.hidden = !line.text;
    item.region.textContent = group.region || '';
    // Only for those who may see it: null for outsiders of a private group.
    item.members.textContent = Number.isInteger(group.member_count)
      ? plural(group.member_count, 'member', 'members')
      : '';
    item.members.hidden = !item.members.textContent;
    const states = [];
    if (group.visibility === 'private') states.push('Private');
    if (isPending(group)) states.push('Request sent');
    else if (!group.my_membership) states.push('Not joined');
    item.state.textContent = states.join(' · ');
    item.state.hidden = states.length === 0;
    item.unreadText.textContent = unread ? `, ${unread} unread` : '';
    item.badge.textContent = unread > 99 ? '99+' : String(unread);
    item.badge.hidden = unread === 0;
    item.li.classList.toggle('is-selected', selected);
    item.li.classList.toggle('has-unread', unread > 0);
    item.li.classList.toggle('is-member', Boolean(group.my_membership));
    if (selected) item.link.setAttribute('aria-current', 'page');
    else item.link.removeAttribute('aria-current');
  }
}
