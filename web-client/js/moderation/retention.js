// The Group tab: how long the group keeps its messages.

import { h } from '../dom.js';
import { button } from './shared.js';

const RETENTION_CHOICES = [
  ['Keep messages for good', ''],
  ['Delete after 30 days', '30'],
  ['Delete after 90 days', '90'],
  ['Delete after 6 months', '182'],
  ['Delete after 1 year', '365'],
];

export class Retention {
  #ctx;
  #select;

  constructor(ctx) {
    this.#ctx = ctx;
    this.#select = h(
      'select',
      { id: 'mod-retention', class: 'select' },
      RETENTION_CHOICES.map(([label, value]) => h('option', { value, text: label })),
    );
    const save = button('Save', 'btn-primary', () => this.#save(save));
    ctx.dialog.panels.settings.append(
      h('p', {
        class: 'mod-intro',
        text: 'How long this group keeps its messages. Older ones are deleted for everyone, except messages with an open report. Members see the rule at the top of the conversation.',
      }),
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'mod-retention', text: 'Old messages' }),
        h('div', { class: 'mod-settings-row' }, this.#select, save),
      ),
    );
  }

  show() {
    const group = this.#ctx.groups.get(this.#ctx.group());
    const days = group && Number.isInteger(group.retention_days) ? String(group.retention_days) : '';
    // A period set elsewhere (another client, or the API) still shows as it is.
    if (![...this.#select.options].some((option) => option.value === days)) {
      this.#select.append(h('option', { value: days, text: `Delete after ${days} days` }));
    }
    this.#select.value = days;
  }

  async #save(saveButton) {
    const ctx = this.#ctx;
    const group = ctx.group();
    const value = this.#select.value;
    const retention = value === '' ? null : Number(value);
    const request = () => ctx.conn.request('groups.set_retention', { group, retention_days: retention });
    const said = retention === null ? 'Messages are kept for good.' : `Messages older than ${retention} days will be deleted.`;
    const saved = await ctx.dialog.act([saveButton], request, said);
    saveButton.disabled = false;
    if (saved) ctx.groups.setRetention(group, retention);
  }
}
