// The Reports tab: open reports, one entry per reported message (several
// people may report the same one), each with Delete message and Dismiss.

import { h, setMessage } from '../dom.js';
import { displayName } from '../format.js';
import { button, timeEl } from './shared.js';

export class Reports {
  /** The open reports as the server listed them. */
  reports = [];
  /** The same, grouped by message: [{ message, reports }]. */
  reported = [];
  #ctx;
  #list = h('ul', { class: 'mod-list' });
  #empty = h('p', { class: 'mod-empty', hidden: true });

  constructor(ctx) {
    this.#ctx = ctx;
    ctx.dialog.panels.reports.append(
      h('p', { class: 'mod-intro', text: 'Messages members have reported. Delete the message, or dismiss the report to keep it.' }),
      this.#empty,
      this.#list,
    );
  }

  set(reports) {
    this.reports = reports;
    const byMessage = new Map();
    for (const report of reports) {
      const key = report.message && Number.isInteger(report.message.id) ? report.message.id : `report-${report.id}`;
      if (!byMessage.has(key)) byMessage.set(key, { message: report.message || {}, reports: [] });
      byMessage.get(key).reports.push(report);
    }
    this.reported = [...byMessage.values()];
  }

  /** Whether a message has an open report. */
  covers(messageId) {
    return this.reports.some((report) => report.message && report.message.id === messageId);
  }

  render() {
    this.#list.replaceChildren(...this.reported.map((reported) => this.#item(reported)));
    setMessage(this.#empty, this.reported.length ? '' : 'No open reports. Thank you for keeping an eye out.');
  }

  #item({ message, reports }) {
    const ctx = this.#ctx;
    const deleted = Boolean(message.deleted);
    const quote = h(
      'blockquote',
      { class: `quote${deleted ? ' is-deleted' : ''}` },
      h('p', { class: 'quote-author' }, displayName(message.author), ' · ', timeEl(message.created_at)),
      h('p', { class: 'quote-text', text: deleted ? 'message deleted' : message.text || '' }),
    );
    const buttons = [];
    const resolve = async (work, success) => {
      if (await ctx.dialog.act(buttons, work, success)) ctx.refresh();
    };
    if (!deleted) {
      buttons.push(
        button('Delete message', 'btn-danger', async () => {
          const confirmed = await ctx.ask({
            title: 'Delete this message?',
            text: 'Everyone will see "message deleted" in its place, and the report is closed.',
            preview: quote.cloneNode(true),
            confirm: 'Delete message',
            danger: true,
          });
          if (!confirmed) return;
          // Deleting through one report closes every open report of the message.
          resolve(
            () => ctx.conn.request('reports.resolve', { report: reports[0].id, action: 'delete_message' }),
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
              await ctx.conn.request('reports.resolve', { report: report.id, action: 'dismiss' });
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
          h('p', { class: 'mod-meta' }, h('strong', { text: displayName(report.reporter) }), ' reported it ', timeEl(report.created_at)),
          h('p', { class: 'mod-reason' }, h('span', { class: 'mod-reason-label', text: 'Reason: ' }), report.reason || ''),
        ),
      ),
      h('div', { class: 'mod-actions' }, buttons),
    );
  }
}
