// Start-up and wiring: find out whether there is a session, show the sign-in
// screen or the app, route by the URL hash (#/groups/3), and keep the
// connection status, the account bar and the page title up to date.
//
// Panels that follow the open group (meet-ups, moderation) get the same
// { conn, groups, conversation } and listen to conversation "open"/"close";
// they mount into #group-panels and #conv-tools.

import * as api from './api.js';
import { Connection } from './connection.js';
import { CreateGroup } from './create-group.js';
import { Conversation } from './conversation/conversation.js';
import { byId, describeError, setMessage } from './dom.js';
import { displayName } from './format.js';
import { Groups } from './groups.js';
import { Meetups } from './meetups/meetups.js';
import { Moderation } from './moderation/moderation.js';
import { createSignIn } from './sign-in.js';

const wsUrl = `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/ws`;

const bootView = byId('boot-view');
const bootMessage = byId('boot-message');
const bootRetry = byId('boot-retry');
const appView = byId('app-view');
const account = byId('account');
const accountName = byId('account-name');
const signOutButton = byId('sign-out');
const connStatus = byId('conn-status');
const connText = byId('conn-status-text');
const appError = byId('app-error');

let user = null;

const conn = new Connection({
  url: wsUrl,
  checkSession: async () => {
    try {
      return (await api.me()) !== null;
    } catch {
      return null;
    }
  },
});
const groups = new Groups({ conn });
const conversation = new Conversation({ conn, groups, getUser: () => user });
const moderation = new Moderation({ conn, groups, conversation, getUser: () => user });
const meetups = new Meetups({ conn, groups, conversation, getUser: () => user });
const createGroup = new CreateGroup({ conn, groups });
const signIn = createSignIn({
  onSignedIn: async (signedIn) => {
    let who = signedIn;
    if (!who) who = await api.me().catch(() => null);
    if (who) enterApp(who);
    else signIn.show("Signed in, but your account couldn't be loaded. Please try again.");
  },
});

// ---- connection status -----------------------------------------------------

function renderConnection() {
  const state = conn.state;
  connStatus.dataset.state = state === 'reconnecting' ? 'offline' : state;
  // Not connected is "Offline" whatever the cause: what people need to know is that
  // nothing goes out or comes in until it says Connected again.
  const text = {
    connecting: 'Connecting…',
    open: 'Connected',
    reconnecting: 'Offline',
  }[state];
  connText.textContent = text || '';
  connStatus.hidden = !text;
}

conn.addEventListener('state', renderConnection);
window.addEventListener('offline', renderConnection);
window.addEventListener('online', renderConnection);

conn.addEventListener('hello', (event) => {
  if (event.detail && event.detail.user) {
    user = event.detail.user;
    renderAccount();
  }
});

conn.addEventListener('ready', () => {
  groups.refresh().catch(() => {});
});

conn.addEventListener('unauthorized', () => {
  leaveApp('You have been signed out. Please sign in again.');
});

// Coming back to the app after a while: refresh the list (and, if the socket
// died quietly, the request's timeout makes the connection start again).
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible' && user && conn.state === 'open') {
    groups.refresh().catch(() => {});
  }
});

// ---- page title --------------------------------------------------------------

function renderTitle() {
  const unread = user ? groups.totalUnread() : 0;
  const open = conversation.group !== null ? groups.get(conversation.group) : null;
  const parts = [];
  if (open) parts.push(open.name);
  parts.push('CareCircle');
  document.title = `${unread ? `(${unread}) ` : ''}${parts.join(' · ')}`;
}

groups.addEventListener('change', renderTitle);
conversation.addEventListener('open', renderTitle);
conversation.addEventListener('close', renderTitle);

// ---- routing --------------------------------------------------------------------

function isVisible(el) {
  if (typeof el.checkVisibility === 'function') return el.checkVisibility();
  return el.getClientRects().length > 0;
}

function route() {
  if (!user) return;
  const match = /^#\/groups\/(\d+)$/.exec(location.hash);
  if (match) {
    const id = Number.parseInt(match[1], 10);
    const hadFocus = document.activeElement;
    appView.classList.add('is-conversation');
    const opening = Promise.resolve(conversation.open(id));
    if (hadFocus && hadFocus !== document.body && !isVisible(hadFocus)) {
      // On a phone the list is hidden now; take focus to the conversation's heading.
      conversation.focusTitle();
    } else if (hadFocus && hadFocus.matches('.group-link')) {
      // Beside the list, a group opened from it is there to write in: go to the
      // message box, past the messages, unless the person has moved on meanwhile.
      opening.then(() => {
        if (document.activeElement === hadFocus) conversation.focusComposer();
      });
    }
  } else {
    const previous = conversation.group;
    appView.classList.remove('is-conversation');
    conversation.close();
    if (previous !== null) {
      const link = document.querySelector(`.group-link[href="#/groups/${previous}"]`);
      if (link && document.activeElement && !isVisible(document.activeElement)) link.focus();
    }
  }
}

window.addEventListener('hashchange', route);

// ---- skip link ---------------------------------------------------------------------
// The first stop on every screen: to the message box in a conversation, else the main content.

const skipLink = byId('skip-link');

function renderSkipLink() {
  const toComposer = conversation.group !== null && conversation.canWrite();
  skipLink.textContent = toComposer ? 'Skip to message box' : 'Skip to main content';
}

skipLink.addEventListener('focus', renderSkipLink);
skipLink.addEventListener('click', (event) => {
  // The address is the fallback; following it would change the route.
  event.preventDefault();
  renderSkipLink();
  if (conversation.group !== null && conversation.canWrite()) {
    conversation.focusComposer();
  } else if (conversation.group !== null) {
    conversation.focusTitle();
  } else {
    const target = document.querySelector('main :is(input, a[href], button):not([hidden])');
    const visible = target && isVisible(target) ? target : byId('main');
    if (visible === byId('main')) visible.tabIndex = -1;
    visible.focus();
  }
});

// ---- account -----------------------------------------------------------------

function renderAccount() {
  accountName.textContent = user ? displayName(user, '') : '';
  account.hidden = !user;
  createGroup.sync(user);
}

function enterApp(signedIn) {
  user = signedIn;
  bootView.hidden = true;
  signIn.hide();
  setMessage(appError, '');
  renderAccount();
  appView.hidden = false;
  conn.start();
  renderConnection();
  route();
  renderTitle();
}

function leaveApp(notice = '') {
  conn.stop();
  moderation.reset();
  meetups.reset();
  conversation.reset();
  groups.reset();
  user = null;
  renderAccount();
  renderConnection();
  appView.hidden = true;
  appView.classList.remove('is-conversation');
  if (location.hash) history.replaceState(null, '', location.pathname + location.search);
  renderTitle();
  signIn.show(notice);
}

signOutButton.addEventListener('click', async () => {
  signOutButton.disabled = true;
  setMessage(appError, '');
  try {
    await api.logout();
    leaveApp();
  } catch (err) {
    if (err.status === 401) leaveApp();
    else setMessage(appError, `Couldn't sign out. ${describeError(err)}`);
  } finally {
    signOutButton.disabled = false;
  }
});

// ---- start ----------------------------------------------------------------------

let bootAttempt = 0;
let bootTimer = 0;

async function boot() {
  clearTimeout(bootTimer);
  bootRetry.hidden = true;
  setMessage(bootMessage, 'Loading CareCircle…');
  let me;
  try {
    me = await api.me();
  } catch (err) {
    bootAttempt += 1;
    setMessage(bootMessage, `${describeError(err)} Trying again…`);
    bootRetry.hidden = false;
    bootTimer = setTimeout(boot, Math.min(30000, 1000 * 2 ** bootAttempt));
    return;
  }
  bootView.hidden = true;
  if (me) enterApp(me);
  else signIn.show();
}

bootRetry.addEventListener('click', () => {
  bootAttempt = 0;
  boot();
});

renderConnection();
boot();
