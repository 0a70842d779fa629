/**
 * The callback as a form POST (OAuth 2.0 Form Post Response Mode): the authorization server
 * answers with a page that posts the response parameters to the redirect URI as
 * `application/x-www-form-urlencoded`, instead of putting them in the query. Sign in with
 * Apple requires it when the name or email scope is asked for.
 *
 * The POST is cross-site and carries no Origin the app could trust, so no Origin or
 * Fetch-Metadata check applies: as for a GET callback, the `state` (compared in constant time
 * and used once, see `LoginTransactions.open`) is what ties the answer to the browser that
 * started the login.
 *
 * @see https://openid.net/specs/oauth-v2-form-post-response-mode-1_0.html
 * @module
 */

import { readBounded } from '../bounded-read.js';
import type { LoginFailure } from './login-errors.js';

/**
 * Largest callback form read, in bytes: a code, a state, an issuer, Apple's ID token (a JWT of
 * about a kilobyte) and its `user` JSON fit many times over.
 */
export const MAX_CALLBACK_FORM_BYTES = 16 * 1024;

/** The `response_mode` value of a login whose callback is a form POST. */
export const FORM_POST = 'form_post';

/**
 * Authorization response parameters copied from the form into the callback URL the core reads
 * (state, code, error and the RFC 9207 issuer). The form's `id_token` and `user` are left out:
 * the ID token the handlers believe is the one the token endpoint answers (verified with
 * `openid`), and Apple's `user` is unsigned text anyone posting the form could write.
 */
const RESPONSE_FIELDS = ['code', 'state', 'error', 'error_description', 'error_uri', 'iss'];

const TITLE = 'Login failed';
const FORM_TYPE = /^application\/x-www-form-urlencoded\s*(;|$)/i;

/** The callback form could not be read: another content type, or a body over the bound. */
function formRefused(code: 'callback_form_type' | 'callback_form_too_large'): LoginFailure {
  const message = 'The login answer could not be read. Please start the login again.';
  return { status: 400, content: { title: TITLE, message, code } };
}

/** A POST callback for a login that did not ask for `response_mode=form_post`. */
export function formPostRefused(): LoginFailure {
  const message =
    'The login answer came in a way this login did not ask for. Please start the login again.';
  return { status: 400, content: { title: TITLE, message, code: 'callback_method_refused' } };
}

/**
 * The response parameters of a form POST callback, or the failure to show: a content type
 * other than `application/x-www-form-urlencoded`, or a body over
 * {@link MAX_CALLBACK_FORM_BYTES} (refused from `Content-Length` before reading, or when
 * the read passes it), is refused.
 */
export async function readCallbackForm(request: Request): Promise<URLSearchParams | LoginFailure> {
  if (!FORM_TYPE.test(request.headers.get('content-type') ?? ''))
    return formRefused('callback_form_type');
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (!(declared <= MAX_CALLBACK_FORM_BYTES)) return formRefused('callback_form_too_large');
  if (!request.body) return new URLSearchParams();
  try {
    return new URLSearchParams(
      await readBounded(new Response(request.body), MAX_CALLBACK_FORM_BYTES),
    );
  } catch {
    return formRefused('callback_form_too_large');
  }
}

/** The callback URL with the form's response parameters as its query, for the core to check. */
export function callbackUrlOf(requestUrl: string, form: URLSearchParams): string {
  const url = new URL(requestUrl);
  url.search = '';
  for (const name of RESPONSE_FIELDS) {
    const value = form.get(name);
    if (value !== null) url.searchParams.set(name, value);
  }
  return url.href;
}

/**
 * The answer to a POST callback as a 303 See Other (same headers, cookies included): the
 * browser follows it with a GET, so a reload of the landing page does not post the form again.
 */
export function seeOther(response: Response): Response {
  return new Response(null, { status: 303, headers: response.headers });
}
