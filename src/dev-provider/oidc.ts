/**
 * OIDC mode's provider side: the discovery document, the JWKS and the ID tokens. Off unless
 * `oidc: true`; then {@link ProviderContext.oidc} holds what this module needs.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkNumber } from '../errors.js';
import { countOidc, type ProviderContext, publicOrigin, userOf } from './context.js';
import { DEV_DEFAULTS } from './defaults.js';
import { sendJson } from './http.js';
import {
  PATH_AUTHORIZE,
  PATH_DISCOVERY,
  PATH_END_SESSION,
  PATH_JWKS,
  PATH_REVOCATION,
  PATH_TOKEN,
  PATH_USERINFO,
} from './paths.js';
import { checkIdTokenAlg, SigningKey } from './signing-key.js';
import type { IssuedTokens } from './store.js';
import type { DevIdTokenAlg, DevOidcUrls, DevProviderOptions } from './types.js';
import { standardClaims, subjectOf } from './userinfo.js';

/** What OIDC mode runs on. */
export interface OidcConfig {
  readonly alg: DevIdTokenAlg;
  /** Made at start; a promise since Web Crypto key generation is asynchronous. */
  readonly key: Promise<SigningKey>;
  readonly idTokenTtlSeconds: number;
  /** Whether refresh tokens are issued (expiring mode), for `grant_types_supported`. */
  readonly refreshTokens: boolean;
}

/** OIDC mode's settings from the options, the key generation started; undefined when off. */
export function createOidcConfig(options: DevProviderOptions): OidcConfig | undefined {
  if (!options.oidc) return undefined;
  const alg = options.idTokenAlg ?? 'RS256';
  checkIdTokenAlg(alg);
  const idTokenTtlSeconds = options.idTokenTtlSeconds ?? DEV_DEFAULTS.idTokenTtlSeconds;
  checkNumber(idTokenTtlSeconds, 'idTokenTtlSeconds must be a positive integer', {
    min: 1,
    integer: true,
  });
  const key = SigningKey.generate(alg);
  // A handler nobody calls must not turn a failed generation into an unhandled rejection;
  // every request awaits the key and answers 500 then.
  key.catch(() => {});
  return { alg, key, idTokenTtlSeconds, refreshTokens: options.expiringTokens ?? false };
}

/** The `iss` of authorization responses (RFC 9207), in OIDC mode only. */
export function authorizationIss(ctx: ProviderContext, req: IncomingMessage): string | undefined {
  return ctx.oidc ? publicOrigin(ctx, req) : undefined;
}

/** Where the OIDC endpoints of the provider at `issuer` are. */
export function oidcUrls(issuer: string): DevOidcUrls {
  return {
    issuer,
    discoveryUrl: issuer + PATH_DISCOVERY,
    jwksUrl: issuer + PATH_JWKS,
    userinfoUrl: issuer + PATH_USERINFO,
    endSessionUrl: issuer + PATH_END_SESSION,
    revocationUrl: issuer + PATH_REVOCATION,
  };
}

/** The claims this provider can put in ID tokens and userinfo answers. */
const CLAIMS = [
  'iss',
  'sub',
  'aud',
  'exp',
  'iat',
  'auth_time',
  'nonce',
  'at_hash',
  'name',
  'preferred_username',
  'picture',
  'email',
  'email_verified',
];

const CLIENT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post'];

/** OpenID Connect Discovery 1.0 section 3 (and RFC 8414's names for the rest). */
export function discoveryDocument(issuer: string, oidc: OidcConfig): Record<string, unknown> {
  const urls = oidcUrls(issuer);
  return {
    issuer,
    authorization_endpoint: issuer + PATH_AUTHORIZE,
    token_endpoint: issuer + PATH_TOKEN,
    userinfo_endpoint: urls.userinfoUrl,
    jwks_uri: urls.jwksUrl,
    end_session_endpoint: urls.endSessionUrl,
    revocation_endpoint: urls.revocationUrl,
    scopes_supported: ['openid', 'profile', 'email'],
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: oidc.refreshTokens
      ? ['authorization_code', 'refresh_token']
      : ['authorization_code'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [oidc.alg],
    token_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
    revocation_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
    code_challenge_methods_supported: ['S256'],
    claims_supported: CLAIMS,
    authorization_response_iss_parameter_supported: true,
  };
}

/** `GET /.well-known/openid-configuration`. */
export function handleDiscovery(
  ctx: ProviderContext,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  countOidc(ctx, 'discovery');
  sendJson(res, 200, discoveryDocument(publicOrigin(ctx, req), ctx.oidc!), {
    // A restarted provider has a new key under the same URL: nothing may be served stale.
    'cache-control': 'no-cache',
  });
}

/** `GET /.well-known/jwks.json`: the public signing key. */
export async function handleJwks(
  ctx: ProviderContext,
  _req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  countOidc(ctx, 'jwks');
  const key = await ctx.oidc!.key;
  sendJson(res, 200, { keys: [key.publicJwk] }, { 'cache-control': 'no-cache' });
}

/**
 * The ID token for a token response (OpenID Connect Core 1.0 sections 2 and 3.1.3.6):
 * `nonce` only for the code's first token, `auth_time` the approval's across refreshes.
 */
export async function idTokenFor(
  ctx: ProviderContext,
  issuer: string,
  tokens: IssuedTokens,
  nonce: string | undefined,
): Promise<string> {
  const oidc = ctx.oidc!;
  const key = await oidc.key;
  const { grant } = tokens;
  const user = userOf(ctx, grant.login);
  // The users are fixed at start and every grant names one of them.
  if (!user) throw new Error('grant of an unknown user');
  const now = Math.floor(ctx.clock() / 1000);
  return key.sign({
    iss: issuer,
    sub: subjectOf(user),
    aud: grant.clientId,
    exp: now + oidc.idTokenTtlSeconds,
    iat: now,
    auth_time: Math.floor(grant.authTime / 1000),
    ...(nonce !== undefined && { nonce }),
    at_hash: key.atHash(tokens.accessToken),
    ...standardClaims(user, grant.scopes),
  });
}
