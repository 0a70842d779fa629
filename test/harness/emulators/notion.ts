/**
 * Notion's public integration OAuth and API as their documentation describes them: the
 * authorization guide (https://developers.notion.com/docs/authorization), Create a token
 * (https://developers.notion.com/reference/create-a-token), Refresh a token
 * (https://developers.notion.com/reference/refresh-a-token), Revoke a token
 * (https://developers.notion.com/reference/revoke-token), Introspect a token
 * (https://developers.notion.com/reference/introspect-token), versioning
 * (https://developers.notion.com/reference/versioning), status codes
 * (https://developers.notion.com/reference/status-codes) and Retrieve your token's bot user
 * (https://developers.notion.com/reference/get-self).
 *
 * - `/v1/oauth/authorize`: `client_id`, `response_type=code`, `owner=user` (required),
 *   `redirect_uri`, `state`; no PKCE;
 * - `/v1/oauth/token`: HTTP Basic (`client_id:client_secret`) and a JSON body, `grant_type`
 *   with `code` and `redirect_uri` (as sent to the authorization page), or `refresh_token`; any
 *   other field is a `validation_error`; `Notion-Version` required; answers `token_type:
 *   "bearer"`, `refresh_token`, the workspace and `owner`, no `expires_in`; a refresh answers new
 *   tokens and spends the old refresh token;
 * - errors are `{"object": "error", "status", "code", "message", "request_id"}` (`invalid_grant`,
 *   `unauthorized`, `validation_error`, `missing_version`);
 * - `/v1/oauth/revoke`, `/v1/oauth/introspect`: Basic and `{"token"}`; revoking ends the grant;
 * - `/v1/users/me`: Bearer and `Notion-Version`; the bot user.
 */
import { randomUUID } from 'node:crypto';
import {
  Authority,
  authenticateClient,
  authorize,
  type EmulatedClient,
  type EmulatorRequest,
  json,
  route,
  startEmulator,
  text,
} from './toolkit.js';

/** The person who authorized the integration, as the token answer's `owner` names them. */
export const NOTION_OWNER = {
  type: 'user',
  user: {
    object: 'user',
    id: 'e79a0b74-3aba-4149-9f74-0bb5791a6ee6',
    name: 'Avocado Lovelace',
    avatar_url: null,
    type: 'person',
    person: { email: 'avo@example.org' },
  },
} as const;

/** The integration's bot user, as `GET /v1/users/me` answers it. */
export const NOTION_BOT = {
  object: 'user',
  id: '16d84021-f07a-43fb-a0f3-1d7f2a6b3f7c',
  name: 'Contract App',
  avatar_url: null,
  type: 'bot',
  bot: { owner: NOTION_OWNER, workspace_name: 'Avocado Workspace' },
} as const;

const WORKSPACE = {
  bot_id: NOTION_BOT.id,
  workspace_id: '4d8d9bd6-3d3b-4b42-9b8b-0e7f8b9b6f1a',
  workspace_name: NOTION_BOT.bot.workspace_name,
  workspace_icon: null,
  owner: NOTION_OWNER,
  duplicated_template_id: null,
};

const VERSIONS = new Set(['2022-06-28', '2025-09-03']);

/** Notion's error object. */
const notionError = (status: number, code: string, message: string) =>
  json(status, { object: 'error', status, code, message, request_id: randomUUID() });

/** The body fields of a JSON request, or the refusal of one that has others. */
function jsonFields(req: EmulatorRequest, allowed: readonly string[]) {
  if (req.contentType !== 'application/json' || typeof req.json !== 'object' || !req.json)
    return notionError(400, 'invalid_json', 'Error parsing JSON body.');
  const body = req.json as Record<string, unknown>;
  const unknown = Object.keys(body).filter((k) => !allowed.includes(k));
  if (unknown.length)
    return notionError(
      400,
      'validation_error',
      `body failed validation: ${unknown[0]} should be not present.`,
    );
  return new URLSearchParams(Object.entries(body).map(([k, v]) => [k, String(v)]));
}

/**
 * Starts the Notion emulator on a free loopback port, with `clients` registered.
 *
 * @example
 * ```ts
 * const { http } = await startNotion([client]);
 * const preset = notionProvider({ baseUrl: http.origin });
 * ```
 */
export async function startNotion(clients: readonly EmulatedClient[]) {
  const authority = new Authority({ clients, refreshTokens: 'rotate', tokenPrefix: 'ntn_' });

  /** The Basic client and a `Notion-Version` the API knows, or the refusal. */
  const checked = (req: EmulatorRequest, allowed: readonly string[]) => {
    const version = req.headers.get('notion-version');
    if (!version || !VERSIONS.has(version))
      return notionError(
        400,
        'missing_version',
        `Notion-Version header failed validation: Notion-Version header should be defined, instead was \`${version ?? 'undefined'}\`.`,
      );
    const body = jsonFields(req, allowed);
    if (!(body instanceof URLSearchParams)) return body;
    const auth = authenticateClient(req, authority, ['client_secret_basic'], body);
    if (!auth.ok) return notionError(401, 'unauthorized', 'Invalid client.');
    return { client: auth.client, body };
  };

  const token = (req: EmulatorRequest) => {
    const ok = checked(req, [
      'grant_type',
      'code',
      'redirect_uri',
      'refresh_token',
      'external_account',
    ]);
    if (!('client' in ok)) return ok;
    const { client, body } = ok;
    if (body.get('grant_type') === 'authorization_code') {
      const redeemed = authority.redeemCode(body.get('code'), {
        clientId: client.clientId,
        redirectUri: body.get('redirect_uri'),
      });
      if (!redeemed.ok) return notionError(400, 'invalid_grant', 'Invalid code.');
      return json(200, {
        ...authority.issueTokens(redeemed.grant),
        token_type: 'bearer',
        ...WORKSPACE,
        request_id: randomUUID(),
      });
    }
    if (body.get('grant_type') === 'refresh_token') {
      const refreshed = authority.refresh(body.get('refresh_token'), client.clientId);
      if (!refreshed.ok) return notionError(400, 'invalid_grant', 'Invalid refresh token.');
      return json(200, {
        ...refreshed.tokens,
        token_type: 'bearer',
        ...WORKSPACE,
        request_id: randomUUID(),
      });
    }
    return notionError(
      400,
      'validation_error',
      'body failed validation: body.grant_type should be one of authorization_code, refresh_token.',
    );
  };

  const http = await startEmulator({
    authorize: route('GET', '/v1/oauth/authorize', (req) => {
      if (req.url.searchParams.get('owner') !== 'user')
        return text(400, 'Missing or invalid owner: it must be "user".');
      return authorize(req, authority, NOTION_OWNER.user.id);
    }),
    token: route('POST', '/v1/oauth/token', token),
    revoke: route('POST', '/v1/oauth/revoke', (req) => {
      const ok = checked(req, ['token']);
      if (!('client' in ok)) return ok;
      const value = ok.body.get('token');
      const grant = authority.anyAccessGrant(value) ?? authority.refreshGrant(value);
      if (grant?.clientId === ok.client.clientId) authority.revoke(value);
      return json(200, { request_id: randomUUID() });
    }),
    introspect: route('POST', '/v1/oauth/introspect', (req) => {
      const ok = checked(req, ['token']);
      if (!('client' in ok)) return ok;
      const grant = authority.accessGrant(ok.body.get('token'));
      const active = grant?.clientId === ok.client.clientId;
      return json(200, {
        active,
        ...(active ? { iat: Math.floor(authority.now() / 1000) } : {}),
        request_id: randomUUID(),
      });
    }),
    me: route('GET', '/v1/users/me', (req) => {
      const version = req.headers.get('notion-version');
      if (!version || !VERSIONS.has(version))
        return notionError(400, 'missing_version', 'Notion-Version header failed validation.');
      return authority.bearer(req)
        ? json(200, NOTION_BOT)
        : notionError(401, 'unauthorized', 'API token is invalid.');
    }),
  });
  return { http, authority };
}
