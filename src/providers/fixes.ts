/**
 * requests-oauthlib's compliance fixes as hook sets for any session: `new OAuth2Session({ hooks:
 * fixes.slack })`. A preset for a provider on that list carries what it still needs itself;
 * these are for sessions built without the preset, and for the providers that have none.
 *
 * @module
 */

import type {
  ComplianceHooks,
  EndpointParsedHook,
  EndpointResponseHook,
  ResourceRequest,
  ResourceRequestHook,
} from '../hooks.js';

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
 * A token answer without `token_type` (Douban's, Weibo's) is a Bearer token. RFC 6749 section
 * 5.1 makes the field required; the core already reads a missing one as Bearer, and this states
 * it in the answer's fields, for the hooks after it and for sessions that check it.
 */
const bearerWhenMissing: EndpointParsedHook = (fields) => {
  if (typeof fields['access_token'] === 'string' && fields['token_type'] === undefined)
    fields['token_type'] = 'Bearer';
};

/** eBay names its Bearer tokens by kind (`User Access Token`, `Application Access Token`). */
const ebayTokenType: EndpointParsedHook = (fields) => {
  const type = fields['token_type'];
  if (type === 'User Access Token' || type === 'Application Access Token')
    fields['token_type'] = 'Bearer';
};

/** plentymarkets answers in camelCase: each field under its RFC 6749 name, unless already there. */
const CAMEL = {
  accessToken: 'access_token',
  tokenType: 'token_type',
  expiresIn: 'expires_in',
  refreshToken: 'refresh_token',
} as const;
const snakeCaseToken: EndpointParsedHook = (fields) => {
  for (const [camel, snake] of Object.entries(CAMEL))
    if (fields[camel] !== undefined && fields[snake] === undefined) {
      fields[snake] = fields[camel];
      delete fields[camel];
    }
};

/**
 * A `resource.request` hook that adds the token as the `access_token` query parameter, for the
 * APIs that read it only there, and only on their `hosts` (a URL is logged and cached where a
 * header is not, so the token never goes into another host's URLs).
 */
function tokenInQuery(hosts: readonly string[]): ResourceRequestHook {
  return (request, { token }) => {
    if (!token) return;
    const url = new URL(request.url);
    if (url.protocol !== 'https:' || !hosts.includes(url.hostname)) return;
    if (url.searchParams.has('access_token')) return;
    url.searchParams.set('access_token', token.access_token);
    request.url = url.href;
  };
}

/**
 * Facebook's first Graph API versions answered the token endpoint with a form as `text/plain`
 * (HTTP 200), `expires` for `expires_in` and no `token_type`: such an answer is read as the
 * token it is, `expires` as `expires_in`, type `Bearer`. A JSON answer, or any other status,
 * stays as it is (requests-oauthlib's `facebook_compliance_fix`). The `facebook` preset has it.
 */
export const facebookTokenAnswer: EndpointResponseHook = async (response) => {
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('application/json') || !type.includes('text/plain') || response.status !== 200)
    return response;
  const fields: Record<string, string> = Object.fromEntries(
    new URLSearchParams(await response.text()),
  );
  if (fields['expires'] !== undefined) fields['expires_in'] = fields['expires'];
  fields['token_type'] = 'Bearer';
  const headers = { 'content-type': 'application/json' };
  return new Response(JSON.stringify(fields), { status: 200, headers });
};

/**
 * Fitbit answers errors as a list, `{"errors": [{"errorType", "message"}], "success": false}`,
 * not RFC 6749's single `error`: the first `errorType` is read as `error` and its `message` as
 * `error_description` (requests-oauthlib's `fitbit_compliance_fix`), so the core raises the
 * matching typed error. The `fitbit` preset has it.
 */
export const fitbitErrors: EndpointParsedHook = (fields) => {
  const errors = fields['errors'];
  if (fields['error'] !== undefined || !Array.isArray(errors) || !errors.length) return;
  const first = errors[0] as { errorType?: unknown; message?: unknown };
  fields['error'] = typeof first?.errorType === 'string' ? first.errorType : 'invalid_request';
  if (typeof first?.message === 'string') fields['error_description'] = first.message;
};

/**
 * Mailchimp's token answers say `"scope": null` and `"expires_in": 0`: the null scope is dropped
 * (as requests-oauthlib's `mailchimp_compliance_fix` does), and so is the 0, which is how
 * Mailchimp says the token does not expire (requests-oauthlib puts 3600 in its place, which
 * would make a client refresh a token it cannot refresh; without it the token has no expiry).
 * The `mailchimp` preset has it.
 */
export const mailchimpTokenAnswer: EndpointParsedHook = (fields) => {
  if (fields['scope'] === null) delete fields['scope'];
  if (fields['expires_in'] === 0 || fields['expires_in'] === '0') delete fields['expires_in'];
};

/**
 * The names of {@link fixes}.
 *
 * @inline
 */
export type FixName =
  | 'douban'
  | 'ebay'
  | 'facebook'
  | 'fitbit'
  | 'instagram'
  | 'mailchimp'
  | 'plentymarkets'
  | 'slack'
  | 'weibo';

/**
 * The compliance fixes of requests-oauthlib, each a set of hooks.
 *
 * @example
 * ```ts
 * const session = new OAuth2Session({ clientId, token, hooks: fixes.slack });
 * await session.post('https://slack.com/api/chat.postMessage', { body: new URLSearchParams({ channel, text }) });
 * ```
 */
export const fixes: Readonly<Record<FixName, ComplianceHooks>> = Object.freeze({
  /** Douban's token answer has no `token_type`: Bearer (`douban_compliance_fix`). */
  douban: Object.freeze({ 'token.parsed': bearerWhenMissing }),
  /** eBay's `User Access Token` / `Application Access Token` types are Bearer (`ebay_compliance_fix`). */
  ebay: Object.freeze({ 'token.parsed': ebayTokenType }),
  /**
   * Facebook's legacy `text/plain` form token answer read as JSON, `expires` as `expires_in`,
   * `Bearer` (`facebook_compliance_fix`).
   */
  facebook: Object.freeze({ 'token.response': facebookTokenAnswer }),
  /**
   * Fitbit's `errors` list read as RFC 6749's `error` and `error_description`, at the token
   * and revocation endpoints (`fitbit_compliance_fix`).
   */
  fitbit: Object.freeze({ 'token.parsed': fitbitErrors, 'revocation.parsed': fitbitErrors }),
  /**
   * Instagram's API reads the token from the `access_token` query parameter, added on requests
   * to `api.instagram.com` and `graph.instagram.com` only (`instagram_compliance_fix`).
   */
  instagram: Object.freeze({
    'resource.request': tokenInQuery(['api.instagram.com', 'graph.instagram.com']),
  }),
  /** Mailchimp's `null` scope and `expires_in: 0` (no expiry) dropped (`mailchimp_compliance_fix`). */
  mailchimp: Object.freeze({ 'token.parsed': mailchimpTokenAnswer }),
  /** plentymarkets' camelCase token answer read under RFC 6749 names (`plentymarkets_compliance_fix`). */
  plentymarkets: Object.freeze({ 'token.parsed': snakeCaseToken }),
  /** The token as a `token` POST parameter as well (requests-oauthlib's `slack_compliance_fix`). */
  slack: Object.freeze({ 'resource.request': slackTokenParameter }),
  /**
   * Weibo's token answer has no `token_type` (Bearer), and its API reads the token from the
   * `access_token` query parameter, added on requests to `api.weibo.com` only
   * (`weibo_compliance_fix`).
   */
  weibo: Object.freeze({
    'token.parsed': bearerWhenMissing,
    'resource.request': tokenInQuery(['api.weibo.com']),
  }),
});
