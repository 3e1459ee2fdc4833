// A small modal question, shared by the meet-up and moderation views: a title,
// a line of text, an optional preview and fields, a confirm button and a button
// that backs out. `run(values)` does the work; its error is shown in the
// dialog, which stays open so the person can try again or back out.

import { describeError, h, setMessage } from './dom.js';

let askCount = 0;

/**
 * Opens the question and resolves true once confirmed (and `run` has
 * succeeded), false when backed out of. `open` is a Set the caller keeps to
 * close its questions when the view changes; the dialog is in it while open.
 */
export function ask({
  title,
  text = '',
  preview = null,
  fields = [],
  confirm,
  back = 'Cancel',
  danger = false,
  run = async () => {},
  open,
}) {
  return new Promise((resolve) => {
    askCount += 1;
    const prefix = `ask-${askCount}`;
    const controls = {};
    const fieldEls = fields.map((field) => {
      const id = `${prefix}-${field.name}`;
      const hintId = field.hint ? `${id}-hint` : null;
      const control =
        field.kind === 'select'
          ? h(
              'select',
              { id, name: field.name, class: 'select' },
              field.options.map(([label, value]) => h('option', { value, text: label })),
            )
          : h('textarea', {
              id,
              name: field.name,
              class: 'textarea',
              rows: 3,
              maxlength: field.maxlength,
              'aria-describedby': hintId,
            });
      controls[field.name] = control;
      return h(
        'div',
        { class: 'field' },
        h('label', { for: id, text: field.label }),
        control,
        hintId ? h('p', { id: hintId, class: 'hint', text: field.hint }) : null,
      );
    });
    const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
    const ok = h('button', { type: 'submit', class: `btn ${danger ? 'btn-danger' : 'btn-primary'}`, text: confirm });
    const cancel = h('button', { type: 'button', class: 'btn btn-secondary', text: back });
    const form = h(
      'form',
      { class: 'ask-form', novalidate: true },
      h('h2', { id: `${prefix}-title`, class: 'ask-title', text: title }),
      text ? h('p', { id: `${prefix}-text`, class: 'ask-text', text }) : null,
      preview,
      fieldEls,
      error,
      h('div', { class: 'ask-buttons' }, ok, cancel),
    );
    const dialog = h(
      'dialog',
      { class: 'ask', 'aria-labelledby': `${prefix}-title`, 'aria-describedby': text ? `${prefix}-text` : null },
      form,
    );
    let confirmed = false;
    // Focus goes back where it was, so a keyboard or screen reader user is not
    // left at the top of the page.
    const opener = document.activeElement;
    cancel.addEventListener('click', () => dialog.close());
    dialog.addEventListener('close', () => {
      open?.delete(dialog);
      dialog.remove();
      if (opener && opener.isConnected && typeof opener.focus === 'function') opener.focus();
      resolve(confirmed);
    });
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (ok.disabled) return;
      const values = {};
      for (const [name, control] of Object.entries(controls)) values[name] = control.value;
      for (const field of fields) {
        if (field.required && !values[field.name].trim()) {
          setMessage(error, field.required);
          controls[field.name].setAttribute('aria-invalid', 'true');
          controls[field.name].focus();
          return;
        }
      }
      setMessage(error, '');
      ok.disabled = true;
      try {
        await run(values);
      } catch (err) {
        ok.disabled = false;
        setMessage(error, `That didn't work. ${describeError(err)}`);
        return;
      }
      confirmed = true;
      dialog.close();
    });
    document.body.append(dialog);
    open?.add(dialog);
    dialog.showModal();
    (fields.length ? controls[fields[0].name] : cancel).focus();
  });
}
