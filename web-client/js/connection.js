// The one WebSocket to /ws: requests matched to replies by id, server pushes
// dispatched as DOM events named after the push ("message.created", …),
// reconnection with backoff, and catch-up of the open group after a drop
// (PROTOCOL.md §3: messages.history with `after`).
//
// A socket can die without closing (a phone loses signal, a network goes away):
// the browser's "offline" event drops it at once, and while open a heartbeat
// (a cheap groups.list) goes out whenever nothing has arrived for a while or a
// request has gone unanswered; no answer within a few seconds drops it too.
//
// Events dispatched on a Connection:
//   "state"            detail {state}  idle | connecting | open | reconnecting | closed
//   "hello"            detail {user, protocol}
//   "ready"            detail {reconnect}  after open and catch-up of the watched group
//   "resync"           detail {group}  too far behind to catch up: reload the latest page
//   "unauthorized"     the session is gone; the connection has stopped
//   <push name>        detail = the push object; caught-up messages arrive as
//                      "message.created" with detail.catchUp = true
//   "pins"             detail {group, pinned}  the pins a catch-up page carried

const REQUEST_TIMEOUT_MS = 15000;
const CONNECT_TIMEOUT_MS = 10000;
const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 15000;
const CATCH_UP_PAGE = 100;
const CATCH_UP_MAX_PAGES = 20;
const HEARTBEAT_QUIET_MS = 10000;
const HEARTBEAT_TIMEOUT_MS = 5000;
const HEARTBEAT_TICK_MS = 1000;
// A request unanswered this long, with nothing else arriving, makes the heartbeat check at once.
const UNANSWERED_MS = 3000;

export class RequestError extends Error {
  constructor(code, message, retryAfterMs = null) {
    super(message);
    this.name = 'RequestError';
    this.code = code;
    this.retryAfterMs = retryAfterMs;
  }
}

/** True when a failed request may have gone nowhere and can be retried later. */
export function isTransient(err) {
  return Boolean(err) && (err.code === 'network' || err.code === 'timeout' || err.code === 'offline');
}

export class Connection extends EventTarget {
  #url;
  #checkSession;
  #ws = null;
  #state = 'idle';
  #stopped = true;
  #everOpened = false;
  #attempt = 0;
  #retryTimer = null;
  #nextId = 1;
  #requests = new Map();
  #lastReceivedAt = 0;
  #watched = null;
  #lastSeq = new Map();
  #user = null;
  #heartbeatTimer = 0;
  #pinging = false;
  #onOnline = () => this.#wake();
  #onOffline = () => {
    if (this.#ws && !this.#stopped) this.#drop(this.#ws);
  };
  #onVisible = () => {
    if (document.visibilityState === 'visible') this.#wake();
  };

  /**
   * url: the WebSocket address.
   * checkSession: async () => true (valid) | false (signed out) | null (unknown),
   * asked when the socket keeps failing, to tell a lost session from lost signal.
   */
  constructor({ url, checkSession }) {
    super();
    this.#url = url;
    this.#checkSession = checkSession || (async () => null);
  }

  get state() {
    return this.#state;
  }

  get user() {
    return this.#user;
  }

  start() {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#everOpened = false;
    this.#attempt = 0;
    window.addEventListener('online', this.#onOnline);
    window.addEventListener('offline', this.#onOffline);
    document.addEventListener('visibilitychange', this.#onVisible);
    this.#heartbeatTimer = setInterval(() => this.#heartbeat(), HEARTBEAT_TICK_MS);
    this.#connect();
  }

  stop() {
    this.#stopped = true;
    clearTimeout(this.#retryTimer);
    clearInterval(this.#heartbeatTimer);
    window.removeEventListener('online', this.#onOnline);
    window.removeEventListener('offline', this.#onOffline);
    document.removeEventListener('visibilitychange', this.#onVisible);
    const ws = this.#ws;
    this.#ws = null;
    if (ws) {
      detach(ws);
      try {
        ws.close(1000, 'bye');
      } catch {
        /* already closing */
      }
    }
    for (const entry of this.#requests.values()) {
      clearTimeout(entry.timer);
      entry.reject(new RequestError('offline', 'signed out'));
    }
    this.#requests.clear();
    this.#watched = null;
    this.#lastSeq.clear();
    this.#setState('closed');
  }

  /**
   * Send one request and resolve with its `result`, or reject with a
   * RequestError carrying the server's code. A request made while the socket
   * is down waits for it (within the timeout); one whose reply is lost to a
   * drop rejects with code "network".
   */
  request(type, params = {}, { timeout = REQUEST_TIMEOUT_MS } = {}) {
    return new Promise((resolve, reject) => {
      if (this.#stopped) {
        reject(new RequestError('offline', 'not connected'));
        return;
      }
      const id = this.#nextId++;
      const entry = {
        id,
        frame: JSON.stringify({ ...params, id, type }),
        resolve,
        reject,
        sent: false,
        sentAt: 0,
        timer: 0,
      };
      entry.timer = setTimeout(() => this.#expire(entry), timeout);
      this.#requests.set(id, entry);
      if (this.#state === 'open') this.#transmit(entry);
    });
  }

  /** The group whose messages should be caught up after a reconnect. */
  watch(group) {
    this.#watched = group;
  }

  /** Record the highest seq the client holds for a group. */
  noteSeq(group, seq) {
    if (!Number.isInteger(seq)) return;
    const known = this.#lastSeq.get(group);
    if (known === undefined || seq > known) this.#lastSeq.set(group, seq);
  }

  lastSeq(group) {
    return this.#lastSeq.get(group);
  }

  /** Reconnect now if waiting to (signal came back, app came to the front). */
  #wake() {
    if (this.#stopped) return;
    if (this.#state === 'reconnecting' && !this.#ws) {
      this.#attempt = Math.min(this.#attempt, 1);
      this.#connect();
    }
  }

  /** Ask the server for a sign of life when it has been quiet, or a request hangs. */
  #heartbeat() {
    if (this.#state !== 'open' || this.#pinging || !this.#ws) return;
    const now = Date.now();
    let oldestUnanswered = Infinity;
    for (const entry of this.#requests.values()) {
      if (entry.sent) oldestUnanswered = Math.min(oldestUnanswered, entry.sentAt);
    }
    const quiet = now - this.#lastReceivedAt >= HEARTBEAT_QUIET_MS;
    const hanging = now - oldestUnanswered >= UNANSWERED_MS && this.#lastReceivedAt < oldestUnanswered;
    if (!quiet && !hanging) return;
    this.#pinging = true;
    // No answer in time drops the socket (see #expire); the answer itself is not needed.
    this.request('groups.list', {}, { timeout: HEARTBEAT_TIMEOUT_MS })
      .catch(() => {})
      .finally(() => {
        this.#pinging = false;
      });
  }

  #setState(state) {
    if (state === this.#state) return;
    this.#state = state;
    this.dispatchEvent(new CustomEvent('state', { detail: { state } }));
  }

  #connect() {
    clearTimeout(this.#retryTimer);
    if (this.#stopped || this.#ws) return;
    this.#setState(this.#everOpened ? 'reconnecting' : 'connecting');
    let ws;
    try {
      ws = new WebSocket(this.#url);
    } catch {
      this.#scheduleReconnect();
      return;
    }
    this.#ws = ws;
    const openTimer = setTimeout(() => {
      if (ws === this.#ws && ws.readyState === WebSocket.CONNECTING) this.#drop(ws);
    }, CONNECT_TIMEOUT_MS);
    ws.onopen = () => {
      clearTimeout(openTimer);
      if (ws === this.#ws) this.#opened();
    };
    ws.onmessage = (event) => {
      if (ws === this.#ws) this.#receive(event.data);
    };
    ws.onclose = (event) => {
      clearTimeout(openTimer);
      if (ws === this.#ws) this.#closed(event.code);
    };
  }

  /** Give up on a socket that has gone quiet without waiting for its close handshake. */
  #drop(ws) {
    detach(ws);
    try {
      ws.close(4000, 'unresponsive');
    } catch {
      /* ignore */
    }
    if (ws === this.#ws) this.#closed(1006);
  }

  async #opened() {
    const reconnect = this.#everOpened;
    this.#everOpened = true;
    this.#lastReceivedAt = Date.now();
    this.#setState('open');
    for (const entry of this.#requests.values()) {
      if (!entry.sent) this.#transmit(entry);
    }
    const ws = this.#ws;
    await this.#catchUp();
    if (ws === this.#ws && this.#state === 'open') {
      this.dispatchEvent(new CustomEvent('ready', { detail: { reconnect } }));
    }
  }

  #transmit(entry) {
    try {
      this.#ws.send(entry.frame);
      entry.sent = true;
      entry.sentAt = Date.now();
    } catch {
      /* the close handler will deal with it */
    }
  }

  #expire(entry) {
    if (!this.#requests.delete(entry.id)) return;
    if (!entry.sent) {
      entry.reject(new RequestError('offline', 'not connected'));
      return;
    }
    entry.reject(new RequestError('timeout', 'no answer'));
    // Nothing at all has arrived since this request left: on mobile data that
    // usually means the socket died without a close. Start again.
    if (this.#ws && this.#state === 'open' && this.#lastReceivedAt < entry.sentAt) this.#drop(this.#ws);
  }

  #receive(data) {
    this.#lastReceivedAt = Date.now();
    let frame;
    try {
      frame = JSON.parse(data);
    } catch {
      console.warn('CareCircle: ignoring a frame that is not JSON');
      return;
    }
    if (!frame || typeof frame !== 'object') return;

    if (typeof frame.event === 'string') {
      if (frame.event === 'hello') {
        this.#user = frame.user || null;
        this.#attempt = 0;
      }
      if (frame.event === 'message.created' && frame.message) {
        this.noteSeq(frame.message.group, frame.message.seq);
      }
      this.dispatchEvent(new CustomEvent(frame.event, { detail: frame }));
      return;
    }

    if ('id' in frame && 'ok' in frame) {
      const entry = this.#requests.get(frame.id);
      if (!entry) return;
      this.#requests.delete(frame.id);
      clearTimeout(entry.timer);
      this.#attempt = 0;
      if (frame.ok) {
        entry.resolve(frame.result || {});
      } else {
        const error = frame.error || {};
        entry.reject(
          new RequestError(
            typeof error.code === 'string' ? error.code : 'internal',
            typeof error.message === 'string' ? error.message : '',
            Number.isFinite(error.retry_after_ms) ? error.retry_after_ms : null,
          ),
        );
      }
    }
  }

  async #closed(code) {
    const ws = this.#ws;
    if (ws) detach(ws);
    this.#ws = null;
    for (const entry of this.#requests.values()) {
      if (!entry.sent) continue;
      this.#requests.delete(entry.id);
      clearTimeout(entry.timer);
      entry.reject(new RequestError('network', 'connection lost'));
    }
    if (this.#stopped) {
      this.#setState('closed');
      return;
    }
    this.#setState('reconnecting');

    // 1008 follows a sign-out elsewhere (or a client too slow to keep up);
    // repeated failures may mean the session expired. Ask over HTTP which.
    if (code === 1008 || this.#attempt >= 2) {
      let valid = null;
      try {
        valid = await this.#checkSession();
      } catch {
        valid = null;
      }
      // Stopped meanwhile, or already reconnected (signal came back).
      if (this.#stopped || this.#ws) return;
      if (valid === false) {
        this.stop();
        this.dispatchEvent(new CustomEvent('unauthorized'));
        return;
      }
      if (code === 1008 && valid === true && this.#attempt === 0) {
        this.#attempt = 1;
        this.#connect();
        return;
      }
    }
    this.#scheduleReconnect();
  }

  #scheduleReconnect() {
    clearTimeout(this.#retryTimer);
    if (this.#stopped) return;
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** this.#attempt);
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    this.#attempt += 1;
    this.#retryTimer = setTimeout(() => this.#connect(), delay);
  }

  async #catchUp() {
    const group = this.#watched;
    if (group === null || group === undefined) return;
    let after = this.#lastSeq.get(group);
    if (after === undefined) return;
    for (let page = 0; page < CATCH_UP_MAX_PAGES; page += 1) {
      let result;
      try {
        result = await this.request('messages.history', { group, after, limit: CATCH_UP_PAGE });
      } catch {
        return;
      }
      if (group !== this.#watched) return;
      if (page === 0) this.dispatchEvent(new CustomEvent('pins', { detail: { group, pinned: result.pinned } }));
      const messages = Array.isArray(result.messages) ? result.messages : [];
      for (const message of messages) {
        this.noteSeq(group, message.seq);
        if (message.seq > after) after = message.seq;
        this.dispatchEvent(
          new CustomEvent('message.created', { detail: { event: 'message.created', message, catchUp: true } }),
        );
      }
      if (!result.has_more || messages.length === 0) return;
    }
    this.dispatchEvent(new CustomEvent('resync', { detail: { group } }));
  }
}

function detach(ws) {
  ws.onopen = null;
  ws.onmessage = null;
  ws.onclose = null;
}
