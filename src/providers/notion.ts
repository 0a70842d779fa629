/**
 * Notion preset: a public integration's OAuth, with JSON token requests, refresh tokens, token
 * revocation and introspection, and the `Notion-Version` header the API requires.
 *
 * Documented behaviour, and where it is handled:
 * - the authorization URL must say `owner=user`: the preset's `authorizationParams`;
 * - the token endpoint takes a JSON body (`grant_type`, `code`, `redirect_uri`, or
 *   `refresh_token`) and the client's id and secret by HTTP Basic: the form request becomes that
 *   JSON, with the documented fields only (`token.request`); Basic is the one method in
 *   `token_endpoint_auth_methods_supported`; no PKCE is documented (the session's `code_verifier`
 *   is not sent);
 * - token answers have `token_type: "bearer"` in lowercase and no `expires_in`, and carry the
 *   workspace (`bot_id`, `workspace_id`, `workspace_name`, `workspace_icon`, `owner`,
 *   `duplicated_template_id`), kept in the token as sent; each refresh answers a new access and
 *   refresh token, which the session keeps;
 * - errors are Notion's error object, `{"object": "error", "status": 400, "code": "…",
 *   "message": "…"}`: its `code` is read as RFC 6749's `error` (`unauthorized`, bad client
 *   credentials, as `invalid_client`) and `message` as `error_description` (`token.parsed`,
 *   `revocation.parsed`);
 * - revocation (`/v1/oauth/revoke`) and introspection (`/v1/oauth/introspect`) take `{"token"}`
 *   as JSON with the same Basic credentials (`revocation.request`);
 * - every API request needs `Notion-Version` (option `notionVersion`, default `2025-09-03`): set
 *   on requests to the API and to the OAuth endpoints that have none (`resource.request`,
 *   `token.request`, `revocation.request`);
 * - the user is `GET /v1/users/me`: the integration's bot user, whose `bot.owner` is the person
 *   who authorized it.
 *
 * @see https://developers.notion.com/docs/authorization
 * @see https://developers.notion.com/reference/create-a-token
 * @see https://developers.notion.com/reference/refresh-a-token
 * @see https://developers.notion.com/reference/revoke-token
 * @see https://developers.notion.com/reference/versioning
 * @see https://developers.notion.com/reference/status-codes
 * @module
 */

import type { EndpointParsedHook, EndpointRequest } from '../hooks.js';
import { definePreset, type ProviderPreset } from '../provider.js';
import { headerUnlessSet, toApi, trimUrl } from './quirks.js';

/** Options of {@link notionProvider}. */
export interface NotionProviderOptions {
  /** Where the API and its OAuth endpoints live; default `https://api.notion.com`. */
  baseUrl?: string | undefined;
  /** The API version sent as `Notion-Version`; default `2025-09-03`. */
  notionVersion?: string | undefined;
}

/** The body fields each of Notion's OAuth endpoints documents. */
const TOKEN_FIELDS = ['grant_type', 'code', 'redirect_uri', 'refresh_token'];

/** The form request as Notion's JSON body, with the fields it documents. */
const jsonBody =
  (fields: readonly string[]) =>
  (request: EndpointRequest): void => {
    const json: Record<string, string> = {};
    for (const name of fields) {
      const value = request.body.get(name);
      if (value !== null) json[name] = value;
    }
    request.json = json;
  };

/** Notion's `{"object": "error", "code", "message"}` read as RFC 6749's fields. */
const notionError: EndpointParsedHook = (fields) => {
  const { object, code, message } = fields;
  if (object !== 'error' || fields['error'] !== undefined || typeof code !== 'string') return;
  fields['error'] = code === 'unauthorized' ? 'invalid_client' : code;
  if (typeof message === 'string') fields['error_description'] = message;
};

/**
 * Makes a Notion preset.
 *
 * @example
 * ```ts
 * const session = new OAuth2Session({ clientId, clientSecret, redirectUri, provider: notion });
 * const bot = await (await session.fetch(...userRequest(notion))).json(); // Notion-Version added
 * ```
 */
export function notionProvider(options: NotionProviderOptions = {}): ProviderPreset {
  const base = trimUrl(options.baseUrl ?? 'https://api.notion.com');
  const version = headerUnlessSet('notion-version', options.notionVersion ?? '2025-09-03');
  return definePreset({
    id: 'notion',
    server: {
      authorization_endpoint: `${base}/v1/oauth/authorize`,
      token_endpoint: `${base}/v1/oauth/token`,
      revocation_endpoint: `${base}/v1/oauth/revoke`,
      introspection_endpoint: `${base}/v1/oauth/introspect`,
      token_endpoint_auth_methods_supported: ['client_secret_basic'],
    },
    authorizationParams: { owner: 'user' },
    user: { url: `${base}/v1/users/me` },
    hooks: {
      'token.request': [jsonBody(TOKEN_FIELDS), version],
      'token.parsed': notionError,
      'revocation.request': [jsonBody(['token']), version],
      'revocation.parsed': notionError,
      'resource.request': toApi(`${base}/v1`, version),
    },
  });
}

/**
 * The preset for notion.so's public integrations.
 *
 * @example
 * ```ts
 * const session = new OAuth2Session({ clientId, clientSecret, redirectUri, provider: notion });
 * ```
 */
export const notion: ProviderPreset = notionProvider();
