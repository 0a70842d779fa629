/**
 * requests-oauthlib's compliance fixes as hook sets for any session: `new OAuth2Session({ hooks:
 * fixes.slack })`. A preset for a provider on that list carries what it still needs itself;
 * these are for sessions built without the preset, and for the providers that have none.
 *
 * @module
 */

import type { ComplianceHooks, ResourceRequest, ResourceRequestHook } from '../hooks.js';

const FORM = 'application/x-www-form-urlencoded';

/** The form fields of a body that is a form, or undefined for any other body. */
function formOf(request: ResourceRequest): URLSearchParams | undefined {
  const { body } = request;
  if (body === undefined || body === null) return new URLSearchParams();
  if (body instanceof URLSearchParams) return body;
  const type = request.headers.get('content-type') ?? '';
  if (typeof body === 'string' && type.toLowerCase().startsWith(FORM))
    return new URLSearchParams(body);
  return undefined;
}

/**
 * Slack's Web API once read the token only from a `token` parameter. The fix adds it to the
 * form body of requests that have none (in the URL or the body); GET and HEAD requests, and
 * bodies that are not forms (JSON, streams), keep the `Authorization` header alone, since
 * Slack reads that now and refuses tokens in query strings for new apps.
 */
const slackTokenParameter: ResourceRequestHook = (request, { token }) => {
  const method = request.method.toUpperCase();
  if (!token || method === 'GET' || method === 'HEAD') return;
  if (new URL(request.url).searchParams.has('token')) return;
  if (request.body instanceof FormData) {
    if (!request.body.has('token')) request.body.set('token', token.access_token);
    return;
  }
  const form = formOf(request);
  if (!form || form.has('token')) return;
  form.set('token', token.access_token);
  request.body = form.toString();
  request.headers.set('content-type', FORM);
};

/**
 * The compliance fixes of requests-oauthlib, each a set of hooks.
 *
 * @example
 * ```ts
 * const session = new OAuth2Session({ clientId, token, hooks: fixes.slack });
 * await session.post('https://slack.com/api/chat.postMessage', { body: new URLSearchParams({ channel, text }) });
 * ```
 */
export const fixes: Readonly<Record<'slack', ComplianceHooks>> = Object.freeze({
  /** The token as a `token` POST parameter as well (requests-oauthlib's `slack_compliance_fix`). */
  slack: Object.freeze({ 'resource.request': slackTokenParameter }),
});
