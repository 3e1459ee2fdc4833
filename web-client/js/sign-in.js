// The sign-in / create-account screen.
//
// One form with two modes. The primary button submits the current mode; the
// secondary button switches mode. "Sign in" pressed with a username and
// password already typed simply signs in; "Create account" switches and asks
// for what is still missing.

import * as api from './api.js';
import { byId, describeError, h, setMessage } from './dom.js';
import { codePoints, plural } from './format.js';

const HAS_ACCOUNT_KEY = 'carecircle.hasAccount';
const USERNAME_RE = /^[A-Za-z0-9_.-]{3,32}$/;
// C0 and C1 control characters, and DEL.
const CONTROL_RE = /[\u0000-\u001f\u007f-\u009f]/;

/** Whether two sentences say the same thing, ignoring case and closing punctuation. */
function sameWords(a, b) {
  const plain = (text) => text.trim().toLowerCase().replace(/[.!\s]+$/, '');
  return plain(a) === plain(b);
}

function rememberHasAccount() {
  try {
    localStorage.setItem(HAS_ACCOUNT_KEY, '1');
  } catch {
    /* storage may be disabled; the default mode is only a nicety */
  }
}

function deviceHasAccount() {
  try {
    return localStorage.getItem(HAS_ACCOUNT_KEY) === '1';
  } catch {
    return false;
  }
}

/**
 * onSignedIn(user) is called after a successful sign-in or registration; the
 * server has set the session cookie by then.
 */
export function createSignIn({ onSignedIn }) {
  const view = byId('sign-in-view');
  const form = byId('sign-in-form');
  const title = byId('sign-in-title');
  const lede = byId('sign-in-lede');
  const submit = byId('sign-in-submit');
  const switchText = byId('sign-in-switch-text');
  const switchButton = byId('sign-in-switch');
  const formError = byId('sign-in-error');
  const reveal = byId('password-reveal');
  const displayField = byId('display-name-field');

  const fields = {
    username: { input: byId('f-username'), error: byId('f-username-error') },
    password: { input: byId('f-password'), error: byId('f-password-error') },
    displayName: { input: byId('f-display-name'), error: byId('f-display-name-error') },
  };

  let mode = 'signin';
  let busy = false;

  function clearErrors() {
    setMessage(formError, '');
    for (const field of Object.values(fields)) {
      setMessage(field.error, '');
      field.input.removeAttribute('aria-invalid');
    }
  }

  function fieldError(name, text) {
    const field = fields[name];
    setMessage(field.error, text);
    if (text) field.input.setAttribute('aria-invalid', 'true');
    else field.input.removeAttribute('aria-invalid');
  }

  function setMode(next) {
    mode = next;
    const register = mode === 'register';
    view.dataset.mode = mode;
    displayField.hidden = !register;
    title.textContent = register ? 'Create your account' : 'Welcome back';
    lede.textContent = register
      ? 'Join carers near you for a chat between visits, and see when the next meet-up is.'
      : 'Sign in to catch up with your groups.';
    submit.textContent = register ? 'Create account' : 'Sign in';
    switchText.textContent = register ? 'Already have an account?' : 'New to CareCircle?';
    switchButton.textContent = register ? 'Sign in' : 'Create account';
    fields.password.input.autocomplete = register ? 'new-password' : 'current-password';
    clearErrors();
  }

  function values() {
    return {
      username: fields.username.input.value.trim(),
      password: fields.password.input.value,
      displayName: fields.displayName.input.value.trim(),
    };
  }

  /** Check the fields for the given mode; returns the first invalid input or null. */
  function validate(action) {
    const v = values();
    const problems = [];
    if (!v.username) problems.push(['username', 'Enter your username.']);
    else if (action === 'register' && !USERNAME_RE.test(v.username)) {
      problems.push(['username', 'Use 3 to 32 letters, numbers, dots, dashes or underscores.']);
    }
    if (!v.password) problems.push(['password', 'Enter your password.']);
    else if (action === 'register' && codePoints(v.password) < 10) {
      problems.push(['password', 'Use at least 10 characters.']);
    } else if (action === 'register' && codePoints(v.password) > 256) {
      problems.push(['password', 'Use at most 256 characters.']);
    }
    if (action === 'register') {
      if (!v.displayName) problems.push(['displayName', 'Enter the name other carers will see.']);
      else if (codePoints(v.displayName) > 64) problems.push(['displayName', 'Use at most 64 characters.']);
      else if (CONTROL_RE.test(v.displayName)) problems.push(['displayName', 'Use letters, numbers and spaces.']);
    }
    for (const [name, text] of problems) fieldError(name, text);
    return problems.length ? fields[problems[0][0]].input : null;
  }

  function setBusy(on) {
    busy = on;
    submit.disabled = on;
    switchButton.disabled = on;
    form.setAttribute('aria-busy', on ? 'true' : 'false');
  }

  async function run(action) {
    if (busy) return;
    clearErrors();
    const invalid = validate(action);
    if (invalid) {
      invalid.focus();
      return;
    }
    const v = values();
    setBusy(true);
    try {
      const reply =
        action === 'register'
          ? await api.register({ username: v.username, password: v.password, displayName: v.displayName })
          : await api.login({ username: v.username, password: v.password });
      rememberHasAccount();
      fields.password.input.value = '';
      setBusy(false);
      onSignedIn(reply && reply.user ? reply.user : null);
    } catch (err) {
      setBusy(false);
      showServerError(action, err);
    }
  }

  function showServerError(action, err) {
    const detail = describeError(err);
    let lead = action === 'register' ? "Couldn't create your account." : "Couldn't sign you in.";
    // Where the app says it all itself, the server's words would only repeat it.
    let ownWords = false;
    if (err.code === 'unauthorized' && action === 'signin') {
      lead = 'Wrong username or password.';
      ownWords = true;
    }
    if (err.code === 'conflict') {
      lead = 'That username is already taken.';
      ownWords = true;
      fieldError('username', 'Choose a different username.');
    }
    if (err.code === 'rate_limited') {
      const minutes = err.retryAfterSeconds ? Math.max(1, Math.ceil(err.retryAfterSeconds / 60)) : null;
      lead = minutes
        ? `Too many attempts. Please try again in about ${plural(minutes, 'minute', 'minutes')}.`
        : 'Too many attempts. Please wait a while and try again.';
      ownWords = true;
    }
    const text = !ownWords && detail && !sameWords(detail, lead) ? `${lead} ${detail}` : lead;
    setMessage(formError, text);
  }

  // A field that was marked wrong stops being red as soon as it is changed.
  for (const field of Object.values(fields)) {
    field.input.addEventListener('input', () => {
      if (field.input.getAttribute('aria-invalid') === 'true') {
        setMessage(field.error, '');
        field.input.removeAttribute('aria-invalid');
      }
    });
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    run(mode);
  });

  switchButton.addEventListener('click', () => {
    const v = values();
    if (mode === 'register') {
      setMode('signin');
      if (v.username && v.password) run('signin');
      else fields.username.input.focus();
    } else {
      setMode('register');
      const firstEmpty = [fields.username, fields.password, fields.displayName].find((f) => !f.input.value.trim());
      (firstEmpty || fields.displayName).input.focus();
    }
  });

  function setRevealed(on) {
    fields.password.input.type = on ? 'text' : 'password';
    reveal.replaceChildren(on ? 'Hide' : 'Show', h('span', { class: 'visually-hidden', text: ' password' }));
  }

  reveal.addEventListener('click', () => {
    setRevealed(fields.password.input.type !== 'text');
    fields.password.input.focus();
  });

  return {
    show(notice = '') {
      setMode(deviceHasAccount() ? 'signin' : 'register');
      setRevealed(false);
      view.hidden = false;
      if (notice) setMessage(formError, notice);
    },
    hide() {
      view.hidden = true;
      // Nothing of one person's sign-in stays for the next on a shared phone.
      for (const field of Object.values(fields)) field.input.value = '';
      clearErrors();
    },
  };
}
