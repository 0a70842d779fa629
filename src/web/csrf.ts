/**
 * CSRF tokens for the session's state-changing forms (logout): a random value kept in the
 * session (through the session schema), put in the form as a hidden field, and compared in
 * constant time when the form comes back. Another site can make the browser post a form, but
 * cannot read the token from the app's pages (the synchronizer token pattern).
 *
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html
 * @module
 */

import { randomString, timingSafeEqual } from '../random.js';
import { escapeHtml } from './responses.js';
import { OAUTH_ROUTE_PATHS } from './routes.js';
import { getField, setField } from './session-schema.js';
import type { Session } from './sessions.js';

/** The form field carrying the token. */
export const CSRF_FIELD = 'csrf_token';
/** The request header carrying the token, for scripts that post with `fetch`. */
export const CSRF_HEADER = 'x-csrf-token';
/** Random bytes in a token: 256 bits. */
const TOKEN_BYTES = 32;
/** Largest form body read for the token: a logout form is a few dozen bytes. */
const MAX_FORM_BYTES = 4096;

/** A fresh token, for a session that starts (the callback sets one at login). */
export function newCsrfToken(): string {
  return randomString(TOKEN_BYTES);
}

/**
 * The session's CSRF token, made and kept in the session when it has none (a session from an
 * older version). A new one is stored on the session, so commit the session after (routes of
 * `withClient` are committed for you).
 *
 * @example
 * ```ts
 * auth.withClient(req, async (_client, { session }) =>
 *   Response.json({ csrfToken: csrfToken(session) }));
 * ```
 */
export function csrfToken(session: Session): string {
  const existing = getField(session, 'csrf');
  if (existing) return existing;
  const token = newCsrfToken();
  setField(session, 'csrf', token);
  return token;
}

/** Options of {@link logoutForm}. */
export interface LogoutFormOptions {
  /** Where the form posts: the logout route's path. Default `'/logout'`. */
  action?: string | undefined;
  /** The button's text. Default `'Log out'`. */
  label?: string | undefined;
}

/**
 * The HTML of a log-out button: a POST form to the logout route with the session's CSRF token
 * (escaped; see {@link csrfToken} for committing a newly made one).
 *
 * @example
 * ```ts
 * return htmlResponse(200, `<p>Logged in.</p>${logoutForm(session)}`);
 * ```
 */
export function logoutForm(session: Session, options: LogoutFormOptions = {}): string {
  const action = escapeHtml(options.action ?? OAUTH_ROUTE_PATHS.logout);
  const label = escapeHtml(options.label ?? 'Log out');
  const token = escapeHtml(csrfToken(session));
  return `<form method="post" action="${action}"><input type="hidden" name="${CSRF_FIELD}" value="${token}"><button type="submit">${label}</button></form>`;
}

/**
 * Whether the request carries the session's CSRF token (form field {@link CSRF_FIELD} or
 * header {@link CSRF_HEADER}), compared in constant time. A session without one never matches.
 */
export async function hasCsrfToken(request: Request, session: Session): Promise<boolean> {
  const expected = getField(session, 'csrf');
  if (!expected) return false;
  const presented = request.headers.get(CSRF_HEADER) ?? (await formField(request, CSRF_FIELD));
  return presented !== undefined && timingSafeEqual(presented, expected);
}

/** A field of a urlencoded form body; `undefined` for another body, or one too large. */
async function formField(request: Request, name: string): Promise<string | undefined> {
  const type = request.headers.get('content-type') ?? '';
  if (!/^application\/x-www-form-urlencoded\b/i.test(type) || !request.body) return undefined;
  const body = await boundedText(request.body, MAX_FORM_BYTES);
  return body === undefined ? undefined : (new URLSearchParams(body).get(name) ?? undefined);
}

/** The stream as text when it holds at most `limit` bytes; `undefined` (and cancelled) past it. */
async function boundedText(
  stream: ReadableStream<Uint8Array>,
  limit: number,
): Promise<string | undefined> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(concat(chunks, size));
}

function concat(chunks: readonly Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
