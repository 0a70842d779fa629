import type { IncomingMessage, ServerResponse } from 'node:http';
import { grantsOpenid, normalizeScopes, type ProviderContext, publicOrigin } from './context.js';
import { DEV_DEFAULTS } from './defaults.js';
import { acceptsJson, basicCredentials, parseParams, readBody, send, sendJson } from './http.js';
import { idTokenFor } from './oidc.js';
import { constantTimeEqual, s256 } from './secrets.js';
import type { IssuedTokens } from './store.js';
import type { DevClient } from './types.js';

const DOCS =
  'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/';
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

/** GitHub's token endpoint error codes, each with its description and documentation anchor. */
const ERRORS = {
  incorrect_client_credentials: [
    'The client_id and/or client_secret passed are incorrect.',
    'incorrect-client-credentials',
  ],
  redirect_uri_mismatch: [
    'The redirect_uri MUST match the registered callback URL for this application.',
    'redirect-uri-mismatch2',
  ],
  bad_verification_code: ['The code passed is incorrect or expired.', 'bad-verification-code'],
  bad_refresh_token: ['The refresh token passed is incorrect or expired.', 'bad-refresh-token'],
  unsupported_grant_type: ['The grant type is not supported.', 'unsupported-grant-type'],
} as const;

/**
 * A token endpoint error code of GitHub's.
 *
 * @useDeclaredType
 */
export type TokenErrorCode = keyof typeof ERRORS;

type Fields = Record<string, string | number>;

/** What a grant issued: the pair, and the nonce of the code it came from (OIDC mode). */
interface Issued {
  tokens: IssuedTokens;
  nonce?: string | undefined;
}

/** Answers form-encoded, unless the client asked for JSON: GitHub's default is the form. */
function answer(req: IncomingMessage, res: ServerResponse, fields: Fields): void {
  const headers = { 'cache-control': 'no-store', pragma: 'no-cache' };
  if (acceptsJson(req)) {
    sendJson(res, 200, fields, headers);
    return;
  }
  const body = new URLSearchParams(
    Object.entries(fields).map(([k, v]) => [k, String(v)]),
  ).toString();
  send(
    res,
    200,
    { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', ...headers },
    body,
  );
}

/** GitHub reports token errors with HTTP 200 and an `error` field. */
function answerError(req: IncomingMessage, res: ServerResponse, code: TokenErrorCode): void {
  const [description, anchor] = ERRORS[code];
  answer(req, res, { error: code, error_description: description, error_uri: DOCS + anchor });
}

/** The token response fields, in GitHub's order. */
function tokenFields(tokens: IssuedTokens): Fields {
  const fields: Fields = { access_token: tokens.accessToken };
  if (tokens.expiresIn !== undefined) fields.expires_in = tokens.expiresIn;
  if (tokens.refreshToken !== undefined) fields.refresh_token = tokens.refreshToken;
  if (tokens.refreshTokenExpiresIn !== undefined)
    fields.refresh_token_expires_in = tokens.refreshTokenExpiresIn;
  fields.scope = tokens.scopes.join(',');
  fields.token_type = 'bearer';
  return fields;
}

/** HTTP Basic or `client_id`/`client_secret` in the body (RFC 6749 section 2.3.1). */
export function authenticateClient(
  ctx: ProviderContext,
  req: IncomingMessage,
  params: URLSearchParams,
): DevClient | undefined {
  const basic = basicCredentials(req);
  const bodyId = params.get('client_id');
  if (basic) {
    if (bodyId !== null && bodyId !== basic.clientId) return undefined;
    return ctx.clients.authenticate(basic.clientId, basic.clientSecret);
  }
  return ctx.clients.authenticate(bodyId ?? '', params.get('client_secret') ?? '');
}

/** RFC 7636 section 4.6; a verifier without a challenge is a downgrade attempt (RFC 9700 section 2.1.1). */
function pkceMatches(challenge: string | undefined, verifier: string | null): boolean {
  if (challenge === undefined) return verifier === null;
  if (verifier === null || !VERIFIER.test(verifier)) return false;
  return constantTimeEqual(s256(verifier), challenge);
}

/** `grant_type=authorization_code` (RFC 6749 section 4.1.3). */
function codeGrant(
  ctx: ProviderContext,
  params: URLSearchParams,
  client: DevClient,
): Issued | TokenErrorCode {
  const code = params.get('code') ?? '';
  const redeemed = ctx.store.redeemCode(code, client.clientId);
  if (!redeemed.ok) return 'bad_verification_code';
  const grant = redeemed.value;
  if (!pkceMatches(grant.codeChallenge, params.get('code_verifier')))
    return 'bad_verification_code';
  const redirectUri = params.get('redirect_uri');
  if (redirectUri && redirectUri !== grant.redirectUri) return 'redirect_uri_mismatch';
  const scopes = normalizeScopes(ctx.grantScopes(grant.scopes, client).join(' '));
  const { login, authTime, nonce } = grant;
  const tokens = ctx.store.issueForCode(code, {
    clientId: client.clientId,
    login,
    scopes,
    authTime,
  });
  return { tokens, nonce };
}

/** `grant_type=refresh_token` (RFC 6749 section 6), single use, rotating. */
function refreshGrant(
  ctx: ProviderContext,
  params: URLSearchParams,
  client: DevClient,
): Issued | TokenErrorCode {
  const rotated = ctx.store.rotateRefresh(params.get('refresh_token') ?? '', client.clientId);
  return rotated.ok ? { tokens: rotated.value } : 'bad_refresh_token';
}

/** The token response; in OIDC mode, with an ID token when `openid` was granted. */
async function responseFields(
  ctx: ProviderContext,
  req: IncomingMessage,
  issued: Issued,
): Promise<Fields> {
  const fields = tokenFields(issued.tokens);
  if (ctx.oidc && grantsOpenid(issued.tokens.scopes))
    fields.id_token = await idTokenFor(ctx, publicOrigin(ctx, req), issued.tokens, issued.nonce);
  return fields;
}

async function readParams(ctx: ProviderContext, req: IncomingMessage): Promise<URLSearchParams> {
  try {
    return parseParams(await readBody(req, DEV_DEFAULTS.maxBodyBytes), req.headers['content-type']);
  } catch (error) {
    ctx.counts.token++; // a refused request is still a token request for the test oracles
    throw error;
  }
}

/** `POST /login/oauth/access_token`. GitHub takes a missing `grant_type` as `authorization_code`. */
export async function handleToken(
  ctx: ProviderContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const params = await readParams(ctx, req);
  const grantType = params.get('grant_type') ?? 'authorization_code';
  ctx.counts[grantType === 'refresh_token' ? 'refresh' : 'token']++;
  const client = authenticateClient(ctx, req, params);
  if (!client) return answerError(req, res, 'incorrect_client_credentials');
  let result: Issued | TokenErrorCode;
  if (grantType === 'authorization_code') result = codeGrant(ctx, params, client);
  else if (grantType === 'refresh_token') result = refreshGrant(ctx, params, client);
  else result = 'unsupported_grant_type';
  if (typeof result === 'string') return answerError(req, res, result);
  answer(req, res, await responseFields(ctx, req, result));
}
