// The Log tab: what moderators have done in the group, newest first, with
// the reasons they gave, the start of each message they deleted, and
// "Lift ban" on bans still in force.

import { describeError, h, setMessage } from '../dom.js';
import { displayName, quoted, relativeDateTime, toDate } from '../format.js';
import { button, list, timeEl, withArticle } from './shared.js';

const LOG_PAGE = 50;

/** ": “start of the text…”", for an entry that kept the start of a deleted message. */
function excerpt(entry) {
  return entry.excerpt ? [': ', h('span', { class: 'mod-log-excerpt', text: quoted(entry.excerpt) })] : [];
}

export class ModerationLog {
  #ctx;
  #entries = null;
  #hasMore = false;
  #list = h('ul', { class: 'mod-list' });
  #empty = h('p', { class: 'mod-empty', hidden: true });
  #older = h('button', { type: 'button', class: 'btn btn-secondary btn-small', text: 'Show older entries', hidden: true });

  constructor(ctx) {
    this.#ctx = ctx;
    this.#older.addEventListener('click', () => this.load({ older: true }));
    ctx.dialog.panels.log.append(
      h('p', { class: 'mod-intro', text: 'What moderators have done in this group, newest first.' }),
      this.#empty,
      this.#list,
      h('div', { class: 'mod-more' }, this.#older),
    );
  }

  /** The log is out of date; it is fetched again when next shown. */
  forget() {
    this.#entries = null;
  }

  async load({ older = false } = {}) {
    const ctx = this.#ctx;
    const group = ctx.group();
    const generation = ctx.generation();
    if (group === null || !ctx.allowed()) return;
    const params = { group, limit: LOG_PAGE };
    if (older && this.#entries && this.#entries.length) params.before = this.#entries[this.#entries.length - 1].id;
    if (this.#entries === null) setMessage(this.#empty, 'Loading the log…');
    this.#older.disabled = true;
    let result;
    try {
      result = await ctx.conn.request('moderation.log', params);
    } catch (err) {
      if (generation === ctx.generation()) {
        this.#older.disabled = false;
        ctx.dialog.setError(`Couldn't load the log. ${describeError(err)}`);
      }
      return;
    }
    if (generation !== ctx.generation()) return;
    const entries = list(result.entries);
    this.#entries = older && this.#entries ? [...this.#entries, ...entries] : entries;
    this.#hasMore = entries.length === LOG_PAGE;
    this.#older.disabled = false;
    this.#render();
    ctx.dialog.keepFocus();
  }

  #render() {
    const entries = this.#entries || [];
    // Newest first: the first ban or unban seen for a person is the one in force.
    const settled = new Set();
    const items = entries.map((entry) => {
      const target = entry.target ? entry.target.id : null;
      let liftable = false;
      if ((entry.action === 'ban' || entry.action === 'unban') && target !== null && !settled.has(target)) {
        settled.add(target);
        const until = entry.until ? toDate(entry.until) : null;
        liftable = entry.action === 'ban' && (!until || until.getTime() > Date.now());
      }
      return this.#item(entry, liftable);
    });
    this.#list.replaceChildren(...items);
    setMessage(this.#empty, entries.length ? '' : 'Nothing yet.');
    this.#older.hidden = !this.#hasMore;
  }

  #item(entry, liftable) {
    const actor = h('strong', { text: displayName(entry.actor) });
    const target = entry.target ? displayName(entry.target) : 'someone';
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
        reason = entry.reason || '';
        break;
      case 'ban':
        text = [actor, ' banned ', whom, entry.until ? ` until ${relativeDateTime(entry.until)}` : ' for good'];
        reason = entry.reason || '';
        break;
      case 'unban':
        text = [actor, ' lifted ', whom, "'s ban"];
        break;
      case 'unmute':
        text = [actor, ' lifted ', whom, "'s mute"];
        break;
      case 'mute': {
        const until = entry.until ? toDate(entry.until) : null;
        const created = toDate(entry.created_at);
        text =
          until && (!created || until > created)
            ? [actor, ' muted ', whom, ` until ${relativeDateTime(entry.until)}`]
            : [actor, ' lifted ', whom, "'s mute"];
        reason = entry.reason || '';
        break;
      }
      case 'delete':
        text = [actor, ' deleted a message by ', whom, ...excerpt(entry)];
        reason = entry.reason || '';
        break;
      case 'set_retention':
        text = [actor, entry.reason === 'for good' ? ' set the group to keep messages for good' : ` set the group to delete messages after ${entry.reason}`];
        break;
      case 'resolve':
        text =
          entry.reason === 'delete_message'
            ? [actor, ' deleted a reported message by ', whom, ...excerpt(entry)]
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
      const ctx = this.#ctx;
      const group = ctx.group();
      const lift = button(
        'Lift ban',
        'btn-secondary',
        async () => {
          const request = () => ctx.conn.request('groups.unban', { group, user: entry.target.id });
          if (await ctx.dialog.act([lift], request, `${target} can join again.`)) this.load();
        },
        `on ${target}`,
      );
      item.append(h('div', { class: 'mod-actions' }, lift));
    }
    return item;
  }
}
