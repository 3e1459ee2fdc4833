// Small DOM helpers shared by the views.
// Text always goes in through textContent (text nodes), never through HTML
// parsing, so whatever people type is shown as typed.

import { localTimes } from './format.js';

/**
 * Create an element.
 * attrs: `class`, `text`, `hidden`, `dataset` (object) and plain attributes;
 * a value of null, undefined or false leaves the attribute out.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = String(value);
    else if (key === 'hidden') el.hidden = Boolean(value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function byId(id) {
  const el = document.getElementById(id);
  if (!el) throw new Error(`missing element #${id}`);
  return el;
}

/** Set an element's text and hide it when the text is empty. */
export function setMessage(el, text) {
  el.textContent = text || '';
  el.hidden = !text;
}

/** A random id for idempotent sends: 128 bits, hex. */
export function randomId() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Human text for a protocol or HTTP error code, used when the server gave none. */
export function describeError(err) {
  const code = err && err.code;
  const fallback = {
    bad_request: 'Something in that request was not accepted.',
    unauthorized: 'Please sign in again.',
    forbidden: "You don't have permission to do that here.",
    not_found: "That couldn't be found. It may have been removed.",
    conflict: 'That is already taken.',
    too_large: 'That is too long.',
    rate_limited: "You're going a bit fast. Please wait a moment and try again.",
    internal: 'Something went wrong on our side. Please try again.',
    network: "Can't reach CareCircle. Check your signal and try again.",
    timeout: 'CareCircle is taking too long to answer. Check your signal and try again.',
    offline: "You're offline. We'll keep trying.",
  }[code];
  const msg = err && typeof err.message === 'string' ? localTimes(err.message.trim()) : '';
  if (code === 'network' || code === 'timeout' || code === 'offline') return fallback;
  if (msg) return msg.charAt(0).toUpperCase() + msg.slice(1);
  return fallback || 'Something went wrong. Please try again.';
}
