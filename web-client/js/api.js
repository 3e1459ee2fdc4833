// HTTP calls for the account: register, sign in, sign out, who am I.
// The session lives in the HttpOnly cookie the server sets; the WebSocket
// upgrade carries the same cookie, so no token is handled here.

const TIMEOUT_MS = 15000;

const STATUS_CODES = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'too_large',
  429: 'rate_limited',
  500: 'internal',
};

export class ApiError extends Error {
  constructor(status, code, message, retryAfterSeconds = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

async function call(method, path, body) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
      signal: controller.signal,
    });
  } catch (err) {
    const timedOut = controller.signal.aborted;
    throw new ApiError(0, timedOut ? 'timeout' : 'network', timedOut ? 'timed out' : 'network error');
  } finally {
    clearTimeout(timer);
  }

  let data = null;
  const text = await response.text().catch(() => '');
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (response.ok) return data;

  const error = data && typeof data.error === 'object' && data.error ? data.error : {};
  const code = typeof error.code === 'string' ? error.code : STATUS_CODES[response.status] || 'internal';
  const message = typeof error.message === 'string' ? error.message : '';
  const retryAfter = Number.parseInt(response.headers.get('Retry-After') || '', 10);
  throw new ApiError(response.status, code, message, Number.isFinite(retryAfter) ? retryAfter : null);
}

/** POST /api/register → {user, token} */
export function register({ username, password, displayName }) {
  return call('POST', '/api/register', { username, password, display_name: displayName });
}

/** POST /api/login → {user, token} */
export function login({ username, password }) {
  return call('POST', '/api/login', { username, password });
}

/** POST /api/logout → 204 */
export function logout() {
  return call('POST', '/api/logout', {});
}

/** GET /api/me → the User, or null when there is no valid session. */
export async function me() {
  try {
    const data = await call('GET', '/api/me');
    return data && data.user ? data.user : null;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return null;
    throw err;
  }
}
