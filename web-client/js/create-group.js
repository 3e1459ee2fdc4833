// Creating a group (PROTOCOL.md §3 groups.create: site moderators and admins).
// A "Create a group" button under the Groups heading opens a form with name,
// region, description and public or private; the new group opens once made,
// with its creator as its moderator.

import { byId, describeError, h, setMessage } from './dom.js';
import { codePoints } from './format.js';

const MAX_NAME = 100;
const MAX_REGION = 100;
const MAX_DESCRIPTION = 1000;

function maySiteModerate(user) {
  return Boolean(user && (user.role === 'moderator' || user.role === 'admin'));
}

export class CreateGroup {
  #conn;
  #groups;
  #button = byId('create-group');
  #dialog = null;

  constructor({ conn, groups }) {
    this.#conn = conn;
    this.#groups = groups;
    this.#button.addEventListener('click', () => this.open());
  }

  /** Offer the button only to those the server lets create groups. */
  sync(user) {
    this.#button.hidden = !maySiteModerate(user);
    if (this.#button.hidden) this.close();
  }

  close() {
    if (this.#dialog) this.#dialog.close();
  }

  open() {
    if (this.#dialog) return;
    const field = (name, label, control, hint) => {
      const hintId = hint ? `new-group-${name}-hint` : null;
      if (hintId) control.setAttribute('aria-describedby', hintId);
      return h(
        'div',
        { class: 'field' },
        h('label', { for: control.id, text: label }),
        control,
        hint ? h('p', { id: hintId, class: 'hint', text: hint }) : null,
      );
    };
    const name = h('input', { id: 'new-group-name', type: 'text', maxlength: MAX_NAME, autocomplete: 'off' });
    const region = h('input', { id: 'new-group-region', type: 'text', maxlength: MAX_REGION, autocomplete: 'off' });
    const description = h('textarea', { id: 'new-group-description', class: 'textarea', rows: 3, maxlength: MAX_DESCRIPTION });
    const choice = (value, label, hint, checked) =>
      h(
        'label',
        { class: 'choice choice-described', for: `new-group-${value}` },
        h('input', { type: 'radio', id: `new-group-${value}`, name: 'visibility', value, checked }),
        h('span', {}, h('span', { class: 'choice-label', text: label }), h('span', { class: 'hint', text: hint })),
      );
    const visibility = h(
      'fieldset',
      { class: 'form-fieldset' },
      h('legend', { text: 'Who can read it' }),
      h(
        'div',
        { class: 'choices choices-stacked' },
        choice('public', 'Public', 'Anyone signed in can read it and join.', true),
        choice('private', 'Private', 'Only members read it; a moderator lets each one in.', false),
      ),
    );
    const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
    const create = h('button', { type: 'submit', class: 'btn btn-primary', text: 'Create group' });
    const cancel = h('button', { type: 'button', class: 'btn btn-secondary', text: 'Cancel' });
    const form = h(
      'form',
      { class: 'ask-form', novalidate: true },
      h('h2', { id: 'new-group-title', class: 'ask-title', text: 'Create a group' }),
      h('p', { class: 'ask-text', text: 'You will be its moderator. You can make others moderators later.' }),
      field('name', 'Group name', name),
      field('region', 'Region', region, 'Where its members work, such as Nottingham or East Midlands.'),
      field('description', 'Description (optional)', description, 'What the group is for, shown to people deciding to join.'),
      visibility,
      error,
      h('div', { class: 'ask-buttons' }, create, cancel),
    );
    const dialog = h('dialog', { class: 'ask', 'aria-labelledby': 'new-group-title' }, form);
    this.#dialog = dialog;

    const invalid = (control, text) => {
      setMessage(error, text);
      control.setAttribute('aria-invalid', 'true');
      control.focus();
    };
    for (const control of [name, region]) {
      control.addEventListener('input', () => control.removeAttribute('aria-invalid'));
    }
    cancel.addEventListener('click', () => dialog.close());
    dialog.addEventListener('close', () => {
      dialog.remove();
      this.#dialog = null;
      if (this.#button.isConnected && !this.#button.hidden) this.#button.focus();
    });
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (create.disabled) return;
      const values = {
        name: name.value.trim(),
        region: region.value.trim(),
        description: description.value.trim(),
        visibility: form.elements.visibility.value === 'private' ? 'private' : 'public',
      };
      if (!values.name) return invalid(name, 'Give the group a name.');
      if (codePoints(values.name) > MAX_NAME) return invalid(name, `Keep the name under ${MAX_NAME} characters.`);
      if (!values.region) return invalid(region, 'Say which region the group is for.');
      setMessage(error, '');
      create.disabled = true;
      let group;
      try {
        const params = { name: values.name, region: values.region, visibility: values.visibility };
        if (values.description) params.description = values.description;
        const result = await this.#conn.request('groups.create', params);
        group = result.group;
        await this.#groups.refresh().catch(() => {});
      } catch (err) {
        create.disabled = false;
        setMessage(error, `Couldn't create the group. ${describeError(err)}`);
        return;
      }
      dialog.close();
      if (group && Number.isInteger(group.id)) location.hash = `#/groups/${group.id}`;
    });
    document.body.append(dialog);
    dialog.showModal();
    name.focus();
  }
}
