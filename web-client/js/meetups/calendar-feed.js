// The personal calendar feed: one address with the meet-ups of all the
// person's groups, for Google Calendar, Outlook or Apple Calendar, with Copy
// and "Get a new address" for when it was shared by mistake. A public group
// also offers a feed of its own meet-ups.

import { describeError, h } from '../dom.js';

export class CalendarFeed {
  el;
  #conn;
  #canRsvp;
  #confirm;
  #link;
  #input;
  #copyButton;
  #status;
  #groupFeed;
  #groupFeedLink;
  #rotateButton;
  #path = null;
  #loading = false;
  #failed = false;

  /** canRsvp(): a member of the open group, who has meet-ups to follow; confirm(question) asks first. */
  constructor({ conn, canRsvp, confirm }) {
    this.#conn = conn;
    this.#canRsvp = canRsvp;
    this.#confirm = confirm;
    this.el = this.#build();
  }

  /** Forget the address (sign-out). */
  reset() {
    this.#path = null;
    this.render();
  }

  /** Connected again: a failed fetch may be tried again. */
  retry() {
    this.#failed = false;
  }

  /** The open group or the person's rights in it changed. */
  sync(info) {
    this.#groupFeed.hidden = !(info && info.visibility === 'public');
    if (info) this.#renderGroupFeed(info);
    if (this.#canRsvp() && this.#path === null && !this.#failed) this.#load();
    this.render();
  }

  #build() {
    this.#link = h('a', {
      class: 'btn btn-secondary btn-small meetups-cal-add',
      text: 'Add to calendar',
      hidden: true,
    });
    this.#input = h('input', {
      id: 'meetups-cal-url',
      type: 'text',
      readonly: true,
      class: 'meetups-cal-url',
      spellcheck: 'false',
      'aria-describedby': 'meetups-cal-hint',
    });
    this.#copyButton = h('button', { type: 'button', class: 'btn btn-secondary btn-small', text: 'Copy' });
    this.#copyButton.addEventListener('click', () => this.#copy());
    this.#input.addEventListener('focus', () => this.#input.select());
    this.#status = h('p', { class: 'meetups-cal-status', role: 'status' });
    this.#groupFeedLink = h('a', { class: 'meetups-group-feed' });
    this.#groupFeed = h(
      'p',
      { class: 'hint', hidden: true },
      this.#groupFeedLink,
      ': a public calendar of this group alone.',
    );
    this.#rotateButton = h('button', { type: 'button', class: 'btn btn-quiet btn-small', text: 'Get a new address' });
    this.#rotateButton.addEventListener('click', () => this.#rotate());
    return h(
      'section',
      { class: 'meetups-calendar', 'aria-labelledby': 'meetups-cal-title' },
      h('h4', { id: 'meetups-cal-title', class: 'meetups-cal-title', text: 'Your calendar' }),
      h('p', {
        class: 'hint',
        text: 'Meet-ups from all your groups in Google Calendar, Outlook or Apple Calendar, kept up to date. Cancelled dates disappear.',
      }),
      this.#link,
      h(
        'div',
        { class: 'field meetups-cal-field' },
        h('label', { for: 'meetups-cal-url', text: 'Calendar address' }),
        h('div', { class: 'meetups-cal-row' }, this.#input, this.#copyButton),
        h('p', {
          id: 'meetups-cal-hint',
          class: 'hint',
          text: 'For Google Calendar: Other calendars, then From URL, and paste it. Keep it to yourself: it shows your groups’ meet-ups.',
        }),
      ),
      this.#status,
      this.#groupFeed,
      this.#rotateButton,
    );
  }

  async #load({ rotate = false } = {}) {
    if (this.#loading) return;
    this.#loading = true;
    try {
      const result = await this.#conn.request('calendar.key', rotate ? { rotate: true } : {});
      if (result && typeof result.url === 'string' && result.url.startsWith('/')) this.#path = result.url;
    } catch (err) {
      if (rotate) throw err;
      this.#failed = true;
      this.#status.textContent = `Couldn't get your calendar address. ${describeError(err)}`;
    } finally {
      this.#loading = false;
      this.render();
    }
  }

  render() {
    const path = this.#path;
    const signedIn = this.#canRsvp() && path !== null;
    this.#link.hidden = !signedIn;
    this.#input.closest('.field').hidden = !signedIn;
    this.#rotateButton.hidden = !signedIn;
    if (!signedIn) {
      this.#link.removeAttribute('href');
      this.#input.value = '';
      return;
    }
    this.#link.href = `webcal://${location.host}${path}`;
    this.#input.value = `${location.origin}${path}`;
  }

  #renderGroupFeed(info) {
    const path = `/api/groups/${info.id}/meetups.ics`;
    this.#groupFeedLink.href = `webcal://${location.host}${path}`;
    this.#groupFeedLink.textContent = `Add only ${info.name}’s meet-ups`;
  }

  async #copy() {
    const text = this.#input.value;
    if (!text) return;
    try {
      await navigator.clipboard.writeText(text);
      this.#status.textContent = 'Copied. Paste it into your calendar app.';
    } catch {
      this.#input.focus();
      this.#input.select();
      this.#status.textContent = 'Selected: copy it from your keyboard or the menu.';
    }
  }

  async #rotate() {
    const done = await this.#confirm({
      title: 'Get a new calendar address?',
      text: 'The old address stops working straight away: calendars subscribed to it stop updating, and you add the new one again. Do this if you shared the address by mistake.',
      confirm: 'Get a new address',
      run: () => this.#load({ rotate: true }),
    });
    if (done) this.#status.textContent = 'New address ready. Add it to your calendar again.';
  }
}
