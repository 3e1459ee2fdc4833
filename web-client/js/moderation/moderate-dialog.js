// The "Moderate" button in the conversation header, with a count of what is
// waiting, and the dialog it opens: tabs for join requests, reports, members,
// the moderation log and the group's settings, with one status line for what
// the last action did. The tabs' contents are filled by their own modules.

import { describeError, h, setMessage } from '../dom.js';
import { plural } from '../format.js';

export const TABS = [
  ['requests', 'Requests'],
  ['reports', 'Reports'],
  ['members', 'Members'],
  ['log', 'Log'],
  ['settings', 'Group'],
];

export class ModerateDialog {
  /** The button and its screen-reader note, mounted in #conv-tools while allowed. */
  tool;
  /** The tab panels by key, for the tab modules to fill. */
  panels = {};
  el;
  #button;
  #badge;
  #buttonNote;
  #groupName;
  #status;
  #error;
  #tabs = {};
  #counts = {};
  #tab = 'requests';
  #generation;
  #onSelect;

  /** generation(): bumped when the group changes; onSelect(key): a tab was shown, fill it. */
  constructor({ generation, onOpen, onSelect }) {
    this.#generation = generation;
    this.#onSelect = onSelect;
    this.#buildTool(onOpen);
    this.#buildDialog();
  }

  get tab() {
    return this.#tab;
  }

  set tab(key) {
    this.#tab = key;
  }

  isTabHidden(key) {
    return this.#tabs[key].hidden;
  }

  setGroupName(name) {
    this.#groupName.textContent = name;
  }

  #buildTool(onOpen) {
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
    this.#button.addEventListener('click', onOpen);
    this.tool = h('div', { class: 'mod-tool' }, this.#button, this.#buttonNote);
  }

  #buildDialog() {
    this.#groupName = h('p', { id: 'mod-group', class: 'mod-group' });
    const close = h('button', { type: 'button', class: 'btn btn-secondary btn-small', text: 'Close' });
    close.addEventListener('click', () => this.el.close());
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
      this.#tabs[key].addEventListener('click', () => this.select(key));
      tabList.append(this.#tabs[key]);
      this.panels[key] = h('section', {
        role: 'tabpanel',
        id: `mod-panel-${key}`,
        class: 'mod-panel',
        'aria-labelledby': `mod-tab-${key}`,
        tabindex: '-1',
        hidden: true,
      });
      panels.append(this.panels[key]);
    }

    this.el = h(
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
    document.body.append(this.el);
  }

  get open() {
    return this.el.open;
  }

  close() {
    if (this.el.open) this.el.close();
  }

  show(tab) {
    this.el.showModal();
    this.select(tab, { focus: true });
  }

  select(key, { focus = false } = {}) {
    this.#tab = key;
    for (const [name] of TABS) {
      const selected = name === key;
      this.#tabs[name].setAttribute('aria-selected', String(selected));
      this.#tabs[name].tabIndex = selected ? 0 : -1;
      this.panels[name].hidden = !selected;
    }
    if (focus) this.#tabs[key].focus();
    this.setStatus('');
    this.#onSelect(key);
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
    this.select(next, { focus: true });
  }

  /** What is waiting, on the button, its note and the tabs; the Requests tab hides when there is none to come. */
  showCounts(requests, reports, { hideRequests }) {
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
    this.#tabs.requests.hidden = hideRequests;
  }

  setStatus(text) {
    this.#status.textContent = text || '';
    setMessage(this.#error, '');
  }

  setError(text) {
    this.#status.textContent = '';
    setMessage(this.#error, text);
  }

  /** After a list is redrawn, keep focus inside the dialog. */
  keepFocus() {
    if (!this.el.open) return;
    const active = document.activeElement;
    if (!active || active === document.body || !this.el.contains(active)) {
      this.panels[this.#tab].focus({ preventScroll: true });
    }
  }

  /**
   * Do some moderation work (requests) with its buttons disabled; on success
   * say so in the dialog, on failure say why. Resolves true on success.
   */
  async act(buttons, work, success) {
    const generation = this.#generation();
    for (const el of buttons) el.disabled = true;
    this.setStatus('');
    try {
      await work();
    } catch (err) {
      if (generation === this.#generation()) {
        for (const el of buttons) el.disabled = false;
        this.setError(`That didn't work. ${describeError(err)}`);
      }
      return false;
    }
    if (generation !== this.#generation()) return false;
    this.setStatus(success);
    return true;
  }
}
