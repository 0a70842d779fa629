/**
 * `OpenIDSession`: an `OAuth2Session` that is an OpenID Connect relying party. It sends a nonce
 * with every authorization URL, and verifies every ID token at the token endpoint pipeline's
 * `token.parsed` stage, so a refused ID token never becomes the session's token.
 *
 * @module
 */

import { misuse, requireString } from '../errors.js';
import type { ParsedContext } from '../hooks.js';
import type {
  AuthorizationUrlOptions,
  AuthorizationUrlResult,
  OAuth2SessionOptions,
} from '../options.js';
import { randomString } from '../random.js';
import type { AuthorizationServer } from '../server.js';
import { OAuth2Session } from '../session.js';
import type { Token } from '../token.js';
import { type EndSessionRequest, endSessionUrl } from './end-session.js';
import { IdTokenError } from './errors.js';
import { type IdTokenClaims, type IdTokenExpectations, validateIdToken } from './id-token.js';
import { type KeySource, RemoteJwks } from './jwks.js';
import { fetchUserinfo, type UserinfoClaims } from './userinfo.js';

/** Options of {@link OpenIDSession}: those of `OAuth2Session`, a server with an issuer, and the OIDC rules. */
export interface OpenIDSessionOptions extends OAuth2SessionOptions {
  /** The provider, as {@link discover} answers it: `issuer` and `jwks_uri` are required. */
  server: AuthorizationServer;
  /** The provider's keys; share one {@link RemoteJwks} per provider. Default one of this session's own. */
  jwks?: KeySource | undefined;
  /** The algorithm ID tokens are signed with (`id_token_signed_response_alg`). Default `RS256`. */
  idTokenSignedResponseAlg?: string | undefined;
  /** The algorithm of signed userinfo answers; default the ID token's. */
  userinfoSignedResponseAlg?: string | undefined;
  /** Sent as `max_age`, in seconds: the ID token's `auth_time` must be no older. */
  maxAgeSeconds?: number | undefined;
  /** Allowed clock difference with the provider, in seconds. Default 30. */
  clockToleranceSeconds?: number | undefined;
  /** The nonce of the login underway (kept like `state` and `codeVerifier` between the two requests). */
  nonce?: string | undefined;
  /** The verified claims of the session's ID token, when the session is rebuilt from storage. */
  idTokenClaims?: IdTokenClaims | undefined;
}

/** What {@link OpenIDSession.authorizationUrl} answers: keep `nonce` with `state` and `codeVerifier`. */
export interface OpenIDAuthorizationUrlResult extends AuthorizationUrlResult {
  nonce: string;
}

/** Options of {@link OpenIDSession.authorizationUrl}. */
export interface OpenIDAuthorizationUrlOptions extends AuthorizationUrlOptions {
  /** This URL's nonce; default a fresh one of 256 bits. */
  nonce?: string | undefined;
}

/**
 * An OpenID Connect relying party session (OIDC Core 1.0, authorization code flow). `openid` is
 * added to the scope; `fetchToken` and every refresh verify the ID token (section 3.1.3.7, 12.2)
 * before the token is kept.
 *
 * @example
 * ```ts
 * const server = await discover('https://accounts.google.com');
 * const rp = new OpenIDSession({ clientId, clientSecret, server, redirectUri, scope: 'openid email' });
 * const { url, state, codeVerifier, nonce } = await rp.authorizationUrl();
 * // in the callback:
 * const cb = new OpenIDSession({ clientId, clientSecret, server, redirectUri, state, codeVerifier, nonce });
 * await cb.fetchToken({ authorizationResponse: req.url });
 * const user = await cb.userinfo(); // sub checked against the ID token's
 * ```
 */
export class OpenIDSession extends OAuth2Session {
  readonly #server: AuthorizationServer;
  readonly #o: OpenIDSessionOptions;
  readonly #keys: KeySource;
  readonly #algorithms: readonly string[];
  #nonce: string | undefined;
  #claims: IdTokenClaims | undefined;
  /** Claims verified at `token.parsed`, kept only once their token is adopted (see #adopt). */
  #verified: { claims: IdTokenClaims; accessToken: string } | undefined;

  constructor(options: OpenIDSessionOptions) {
    // Every adopted token passes onToken: its verified claims become the session's there, so a
    // rule that refuses the answer after the ID token verified (token_type, expires_in) keeps
    // none of it.
    const onToken = async (token: Token) => {
      this.#adopt(token);
      await options.onToken?.(token);
    };
    super({ ...options, scope: withOpenid(options.scope ?? options.provider?.scope), onToken });
    const server = options.server;
    requireString(server?.issuer, 'server.issuer');
    this.#algorithms = [options.idTokenSignedResponseAlg ?? 'RS256'];
    checkAlgorithm(server, this.#algorithms[0]!, options.clientSecret);
    this.#server = server;
    this.#o = options;
    this.#keys = options.jwks ?? remoteKeys(server, options);
    this.#nonce = options.nonce;
    this.#claims = options.idTokenClaims;
    this.registerComplianceHook('token.parsed', (fields, context) => this.#verify(fields, context));
  }

  /** The verified claims of the session's ID token, or undefined before a login. */
  get idTokenClaims(): IdTokenClaims | undefined {
    return this.#claims;
  }

  /** The nonce of the last authorization URL (or the one given in options). */
  get nonce(): string | undefined {
    return this.#nonce;
  }

  /**
   * The authorization URL with a fresh `nonce` (and `max_age` when configured) besides state and
   * PKCE; keep `nonce` for the callback.
   *
   * @throws TypeError when `extraParams` sets `nonce` or `max_age` (they are the session's)
   */
  override async authorizationUrl(
    url?: string | URL,
    extraParams?: Record<string, string>,
    options?: OpenIDAuthorizationUrlOptions,
  ): Promise<OpenIDAuthorizationUrlResult> {
    for (const name of ['nonce', 'max_age']) {
      if (extraParams && name in extraParams) throw misuse(`extraParams may not set ${name}`);
    }
    const nonce = options?.nonce ?? randomString();
    const maxAge = this.#o.maxAgeSeconds;
    const params = {
      ...extraParams,
      nonce,
      ...(maxAge === undefined ? {} : { max_age: `${maxAge}` }),
    };
    const result = await super.authorizationUrl(url, params, options);
    this.#nonce = nonce;
    return { ...result, nonce };
  }

  /**
   * The userinfo answer, its `sub` checked against the ID token's.
   *
   * @throws TypeError `ERR_NO_TOKEN` before a verified login; UserinfoError
   */
  async userinfo(signal?: AbortSignal): Promise<UserinfoClaims> {
    const subject = this.#claims?.sub;
    if (subject === undefined) throw misuse('session has no verified id token', 'ERR_NO_TOKEN');
    const url = this.#server.userinfo_endpoint;
    if (url === undefined) throw misuse('server has no userinfo_endpoint', 'ERR_MISSING_OPTION');
    const algorithms = [this.#o.userinfoSignedResponseAlg ?? this.#algorithms[0]!];
    const expected = { subject, issuer: this.#server.issuer, clientId: this.clientId };
    const secret = { clientSecret: this.#o.clientSecret };
    const limits = { maxResponseBytes: this.#o.maxResponseBytes };
    return fetchUserinfo(
      this,
      url,
      { ...expected, ...limits, ...secret, keys: this.#keys, algorithms },
      signal,
    );
  }

  /**
   * Where to send the browser to log out at the provider too, with the session's ID token as
   * `id_token_hint`; `undefined` when the provider has no `end_session_endpoint`.
   */
  endSessionUrl(request: Omit<EndSessionRequest, 'clientId'> = {}): URL | undefined {
    const idTokenHint = request.idTokenHint ?? this.token?.id_token;
    return endSessionUrl(
      this.#server,
      { ...request, idTokenHint, clientId: this.clientId },
      this.#o,
    );
  }

  async #verify(fields: Record<string, unknown>, context: ParsedContext): Promise<void> {
    this.#verified = undefined;
    const login = context.grantType === 'authorization_code';
    if (context.status !== 200 || !(login || context.grantType === 'refresh_token')) return;
    if (typeof fields['access_token'] !== 'string') return;
    const idToken = fields['id_token'];
    if (idToken === undefined) {
      if (login) throw new IdTokenError('missing', 'openid was asked for and no id_token came');
      return;
    }
    if (typeof idToken !== 'string') throw new IdTokenError('format', 'id_token is not a string');
    const claims = await validateIdToken(idToken, this.#expectations(login, fields));
    this.#verified = { claims, accessToken: fields['access_token'] as string };
  }

  /** The claims verified with `token`'s answer become the session's (none: the claims stay). */
  #adopt(token: Token): void {
    const verified = this.#verified;
    this.#verified = undefined;
    if (verified?.accessToken === token.access_token) this.#claims = verified.claims;
  }

  #expectations(login: boolean, fields: Record<string, unknown>): IdTokenExpectations {
    const o = this.#o;
    if (login && this.#nonce === undefined)
      throw new IdTokenError('nonce', 'no nonce was kept for this login');
    return {
      issuer: this.#server.issuer!,
      clientId: this.clientId,
      keys: this.#keys,
      algorithms: this.#algorithms,
      clientSecret: o.clientSecret,
      nonce: login ? this.#nonce : undefined,
      maxAgeSeconds: login ? o.maxAgeSeconds : undefined,
      accessToken: fields['access_token'] as string,
      clockToleranceSeconds: o.clockToleranceSeconds,
      clock: o.clock,
      previous: login ? undefined : this.#claims,
    };
  }
}

/** The scope with `openid` first, added when missing. */
function withOpenid(scope: OAuth2SessionOptions['scope']): string[] {
  const list = typeof scope === 'string' ? scope.split(' ').filter(Boolean) : [...(scope ?? [])];
  return list.includes('openid') ? list : ['openid', ...list];
}

function checkAlgorithm(
  server: AuthorizationServer,
  alg: string,
  secret: string | undefined,
): void {
  if (alg === 'none') throw misuse('idTokenSignedResponseAlg may not be none');
  const advertised = server.id_token_signing_alg_values_supported;
  if (advertised && !advertised.includes(alg))
    throw misuse(`the server does not advertise ${alg} for id tokens`);
  if (alg.startsWith('HS') && !secret) throw misuse(`${alg} id tokens need clientSecret`);
}

function remoteKeys(server: AuthorizationServer, options: OpenIDSessionOptions): KeySource {
  const uri = server.jwks_uri;
  if (uri === undefined)
    throw misuse('server.jwks_uri is required (or jwks)', 'ERR_MISSING_OPTION');
  return new RemoteJwks(uri, options);
}
