/**
 * Facebook preset: Facebook Login's manually built login flow and the Graph API, a version in
 * every path, with requests-oauthlib's `facebook` compliance fix built in.
 *
 * Documented behaviour, and where it is handled:
 * - every endpoint has the Graph API version in its path (`/v26.0/dialog/oauth`,
 *   `/v26.0/oauth/access_token`, `/v26.0/me`): option `version`;
 * - the code is exchanged with `client_id` and `client_secret` as parameters (no Basic):
 *   `client_secret_post` is the one method in `token_endpoint_auth_methods_supported`; PKCE
 *   (`code_challenge`, `code_verifier`) with `S256` or `plain`;
 * - requests-oauthlib's `facebook` fix: the token endpoint of the API's first versions answered
 *   a form (`access_token=…&expires=5183999`) as `text/plain`, with `expires` for `expires_in`
 *   and no `token_type`. Such an answer is read as that form, `expires` as `expires_in`, the
 *   type `Bearer` (`token.response`); a JSON answer (every version since 2.3) is left alone;
 * - there are no refresh tokens: a long-lived token (about 60 days) comes from exchanging a
 *   short-lived one (`grant_type=fb_exchange_token`), not from a refresh;
 * - errors are the Graph API's object, `{"error": {"message", "type": "OAuthException", "code",
 *   "error_subcode", "fbtrace_id"}}`: read as an RFC 6749 code (`token.parsed`,
 *   `revocation.parsed`): code 100 about the verification code (used, expired, another
 *   redirect URI) is `invalid_grant`, code 1 or 101 about the client secret or app id
 *   `invalid_client`, code 190 `invalid_token`, anything else `invalid_request`, the message as
 *   the description;
 * - revocation is `DELETE /me/permissions` with the access token, which removes the app's
 *   authorization (`revocation.request`); its 400 with code 190 for a token already invalid is
 *   success, as RFC 7009 section 2.2 has it (`revocation.response`);
 * - an app with "Require App Secret" on must send `appsecret_proof`, the HMAC-SHA256 of the access
 *   token keyed with the app secret, on every Graph API call: option `appSecretProof` (the app
 *   secret) adds it to requests to the Graph API (`resource.request`) and to the revocation;
 * - the user is `GET /me?fields=id,name,email` (option `fields`; `email` needs the `email`
 *   permission).
 *
 * @see https://developers.facebook.com/documentation/facebook-login/guides/advanced/manual-flow
 * @see https://developers.facebook.com/docs/graph-api/guides/versioning
 * @see https://developers.facebook.com/docs/graph-api/guides/error-handling
 * @see https://developers.facebook.com/docs/graph-api/securing-requests#appsecret_proof
 * @see https://developers.facebook.com/docs/graph-api/reference/user/permissions#Deleting
 * @module
 */

import type {
  EndpointParsedHook,
  EndpointRequest,
  HookContext,
  ResourceRequestHook,
} from '../hooks.js';
import { definePreset, type ProviderPreset } from '../provider.js';
import { facebookTokenAnswer } from './fixes.js';
import { alreadyRevoked, toApi, trimUrl } from './quirks.js';

/** Options of {@link facebookProvider}. */
export interface FacebookProviderOptions {
  /** The Graph API version in every path; default `v26.0`. */
  version?: string | undefined;
  /** Where the login dialog lives; default `https://www.facebook.com`. */
  baseUrl?: string | undefined;
  /** Where the token endpoint and the Graph API live; default `https://graph.facebook.com`. */
  graphUrl?: string | undefined;
  /** The fields the user endpoint asks for; default `id,name,email`. */
  fields?: string | undefined;
  /**
   * The app secret, for an app with "Require App Secret" on: every Graph API request then
   * carries `appsecret_proof`. Unset: none is sent.
   */
  appSecretProof?: string | undefined;
}

/** The RFC 6749 code a Graph API error object means. */
function rfcCode(code: unknown, message: string): string {
  if (code === 190) return 'invalid_token';
  if (code === 100 && /verification code|authorization code|redirect_uri/i.test(message))
    return 'invalid_grant';
  if ((code === 1 || code === 101) && /client secret|client_id|app id|application/i.test(message))
    return 'invalid_client';
  return 'invalid_request';
}

/** `{"error": {"message", "type", "code", ...}}` read as RFC 6749's `error` and description. */
const graphError: EndpointParsedHook = (fields) => {
  const error = fields['error'];
  if (typeof error !== 'object' || error === null) return;
  const { message, code } = error as { message?: unknown; code?: unknown };
  const text = typeof message === 'string' ? message : '';
  fields['error'] = rfcCode(code, text);
  if (text) fields['error_description'] = text;
};

/**
 * RFC 7009's request as the Graph API's `DELETE /me/permissions` with the access token (and its
 * `appsecret_proof` when the app requires one).
 */
function deletePermissions(secret: string | undefined) {
  return async (request: EndpointRequest, { token }: HookContext): Promise<void> => {
    request.method = 'DELETE';
    for (const name of [...request.body.keys()]) request.body.delete(name);
    request.headers.delete('content-type');
    if (!token?.access_token) return;
    request.headers.set('authorization', `Bearer ${token.access_token}`);
    if (secret)
      request.url.searchParams.set('appsecret_proof', await hmacHex(secret, token.access_token));
  };
}

/** The hex HMAC-SHA256 of `token` keyed with `secret` (Web Crypto). */
async function hmacHex(secret: string, token: string): Promise<string> {
  const data = (s: string) => new TextEncoder().encode(s);
  const algorithm = { name: 'HMAC', hash: 'SHA-256' };
  const key = await crypto.subtle.importKey('raw', data(secret), algorithm, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, data(token)));
  return Array.from(mac, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** `appsecret_proof` on a request made with a token, unless the caller set one. */
function appSecretProof(secret: string): ResourceRequestHook {
  return async (request, { token }) => {
    const url = new URL(request.url);
    if (!token || url.searchParams.has('appsecret_proof')) return;
    url.searchParams.set('appsecret_proof', await hmacHex(secret, token.access_token));
    request.url = url.href;
  };
}

/**
 * Makes a Facebook preset.
 *
 * @example
 * ```ts
 * const fb = facebookProvider({ version: 'v26.0', appSecretProof: appSecret });
 * const session = new OAuth2Session({ clientId: appId, clientSecret: appSecret, redirectUri, provider: fb });
 * const me = await (await session.fetch(...userRequest(fb))).json(); // { id, name, email }
 * ```
 */
export function facebookProvider(options: FacebookProviderOptions = {}): ProviderPreset {
  const version = options.version ?? 'v26.0';
  const base = `${trimUrl(options.baseUrl ?? 'https://www.facebook.com')}/${version}`;
  const graphOrigin = trimUrl(options.graphUrl ?? 'https://graph.facebook.com');
  const graph = `${graphOrigin}/${version}`;
  const fields = encodeURIComponent(options.fields ?? 'id,name,email').replace(/%2C/g, ',');
  return definePreset({
    id: 'facebook',
    server: {
      authorization_endpoint: `${base}/dialog/oauth`,
      token_endpoint: `${graph}/oauth/access_token`,
      revocation_endpoint: `${graph}/me/permissions`,
      code_challenge_methods_supported: ['S256', 'plain'],
      token_endpoint_auth_methods_supported: ['client_secret_post'],
    },
    scope: ['email', 'public_profile'],
    user: { url: `${graph}/me?fields=${fields}` },
    hooks: {
      'token.response': facebookTokenAnswer,
      'token.parsed': graphError,
      'revocation.request': deletePermissions(options.appSecretProof),
      'revocation.response': alreadyRevoked(400, (body) => /"code":\s*190\b/.test(body)),
      'revocation.parsed': graphError,
      ...(options.appSecretProof
        ? { 'resource.request': toApi(graphOrigin, appSecretProof(options.appSecretProof)) }
        : {}),
    },
  });
}

/**
 * The preset for facebook.com, at the Graph API version this release was built against.
 *
 * @example
 * ```ts
 * const session = new OAuth2Session({ clientId: appId, clientSecret: appSecret, redirectUri, provider: facebook });
 * ```
 */
export const facebook: ProviderPreset = facebookProvider();
