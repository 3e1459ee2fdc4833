// Telling the server (messages.mark_read) how far the person has read. A mark
// waits a moment so a burst of messages costs one request, and is sent at once
// when they leave the group or the page.

const MARK_READ_DELAY_MS = 400;

export class ReadMarker {
  #conn;
  #groups;
  #currentGroup;
  #markedSeq = 0;
  #timer = 0;
  #due = null;

  /** currentGroup(): the open group, whose mark is taken back if sending it fails. */
  constructor({ conn, groups, currentGroup }) {
    this.#conn = conn;
    this.#groups = groups;
    this.#currentGroup = currentGroup;
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState !== 'visible') this.flush();
    });
    window.addEventListener('pagehide', () => this.flush());
  }

  /** A new group is open: nothing of it is marked yet. */
  reset() {
    this.#markedSeq = 0;
  }

  /** Everything up to `seq` in `group` is on screen. */
  mark(group, seq) {
    if (document.visibilityState !== 'visible') return;
    if (group === null || !this.#groups.isActiveMember(group) || !seq) return;
    if (seq <= this.#markedSeq) return;
    this.#markedSeq = seq;
    this.#due = { group, seq };
    this.#groups.markRead(group);
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.flush(), MARK_READ_DELAY_MS);
  }

  flush() {
    clearTimeout(this.#timer);
    const due = this.#due;
    this.#due = null;
    if (!due) return;
    this.#conn.request('messages.mark_read', due).catch(() => {
      if (due.group === this.#currentGroup() && this.#markedSeq === due.seq) this.#markedSeq = 0;
    });
  }
}
