/**
 * The OAuth side of a provider emulator: registered clients, authorization codes (single use,
 * bound to client, redirect URI and PKCE challenge), access and refresh tokens (expiry,
 * rotation, revocation), the PKCE check, and client authentication checked by method, so each
 * emulator only writes what its provider's documentation says differently.
 */
import { createHash, randomBytes } from 'node:crypto';
import { type EmulatorRequest, json, type Reply, redirect, text } from './server.js';

/** A client registered at the emulated provider. */
export interface EmulatedClient {
  readonly clientId: string;
  /** Unset: a public client, which authenticates with its id only. */
  readonly clientSecret?: string | undefined;
  /** Compared exactly. */
  readonly redirectUris: readonly string[];
}

/** One authorization: what a code and the tokens issued for it stand for. */
export interface Grant {
  readonly id: number;
  readonly clientId: string;
  readonly scope: readonly string[];
  /** Who approved. */
  readonly user: string;
  /** Authorization request parameters the provider acts on later (`duration`, ...). */
  readonly extras: Readonly<Record<string, string>>;
  revoked: boolean;
}

/** The tokens of one token answer. */
export interface IssuedTokens {
  access_token: string;
  refresh_token?: string | undefined;
  /** Seconds; absent for tokens without expiry. */
  expires_in?: number | undefined;
}

/** What an {@link Authority} issues: its clients, token lifetimes and refresh token behaviour. */
export interface AuthorityOptions {
  readonly clients: readonly EmulatedClient[];
  /** Access token lifetime in seconds; unset: no expiry. */
  readonly accessTokenSeconds?: number | undefined;
  /**
   * Refresh tokens: `rotate` (one refresh spends it, the answer carries a new one), `reuse` (it
   * stays valid and the answer repeats it), `omit` (it stays valid, the answer carries none), or
   * `false` (none issued).
   */
  readonly refreshTokens?: 'rotate' | 'reuse' | 'omit' | false | undefined;
  /** Put in front of every token, as some providers mark theirs (`xoxp-`). */
  readonly tokenPrefix?: string | undefined;
  /** A refresh also ends the access tokens issued before it (GitLab documents this). */
  readonly refreshEndsAccess?: boolean | undefined;
}

/** Why a code was not redeemed. */
export type CodeRefusal =
  | 'unknown_code'
  | 'used_code'
  | 'expired_code'
  | 'client_mismatch'
  | 'redirect_mismatch'
  | 'pkce_mismatch'
  | 'pkce_missing';

/** Why a refresh was refused. */
export type RefreshRefusal = 'unknown_token' | 'spent_token' | 'revoked' | 'client_mismatch';

const CODE_SECONDS = 600;

/** A URL-safe random value (`bytes` of entropy). */
export const randomToken = (bytes = 24) => randomBytes(bytes).toString('base64url');

/**
 * RFC 7636 section 4.6: does `verifier` answer the challenge? `S256` compares the base64url
 * SHA-256 of the verifier, `plain` the verifier itself.
 */
export function verifyPkce(verifier: string, challenge: string, method: string): boolean {
  if (!/^[A-Za-z0-9\-._~]{43,128}$/.test(verifier)) return false;
  if (method === 'plain') return verifier === challenge;
  return (
    method === 'S256' && createHash('sha256').update(verifier).digest('base64url') === challenge
  );
}

interface CodeRecord {
  readonly grant: Grant;
  readonly redirectUri: string | undefined;
  readonly challenge: { readonly value: string; readonly method: string } | undefined;
  readonly expiresAt: number;
  used: boolean;
}

interface TokenRecord {
  readonly grant: Grant;
  readonly expiresAt: number | undefined;
  spent: boolean;
}

/**
 * The state of one emulated provider: its clients, codes, grants and tokens.
 *
 * @example
 * ```ts
 * const authority = new Authority({ clients, accessTokenSeconds: 3600, refreshTokens: 'rotate' });
 * const code = authority.issueCode({ clientId, redirectUri, scope: ['read'], user: 'ada' });
 * const redeemed = authority.redeemCode(code, { clientId, redirectUri });
 * if (redeemed.ok) authority.issueTokens(redeemed.grant); // { access_token, refresh_token, expires_in }
 * ```
 */
export class Authority {
  readonly #clients: Map<string, EmulatedClient>;
  readonly #codes = new Map<string, CodeRecord>();
  readonly #access = new Map<string, TokenRecord>();
  readonly #refresh = new Map<string, TokenRecord>();
  readonly #options: AuthorityOptions;
  #grants = 0;
  /** The emulator's clock, epoch milliseconds (a test may move it). */
  now: () => number = Date.now;
  /**
   * The lifetime of access tokens issued from now on, in seconds (`undefined`: no expiry); the
   * provider's documented one unless a test shortens it to see a client refresh.
   */
  accessTokenSeconds: number | undefined;

  constructor(options: AuthorityOptions) {
    this.#options = options;
    this.accessTokenSeconds = options.accessTokenSeconds;
    this.#clients = new Map(options.clients.map((c) => [c.clientId, c]));
  }

  client(clientId: string | null | undefined): EmulatedClient | undefined {
    return clientId ? this.#clients.get(clientId) : undefined;
  }

  /** Issues a single-use code for a new grant, bound to its redirect URI and PKCE challenge. */
  issueCode(request: {
    clientId: string;
    redirectUri: string | undefined;
    scope: readonly string[];
    user: string;
    extras?: Record<string, string> | undefined;
    challenge?: { value: string; method: string } | undefined;
  }): string {
    const grant: Grant = {
      id: ++this.#grants,
      clientId: request.clientId,
      scope: request.scope,
      user: request.user,
      extras: request.extras ?? {},
      revoked: false,
    };
    const code = randomToken();
    this.#codes.set(code, {
      grant,
      redirectUri: request.redirectUri,
      challenge: request.challenge,
      expiresAt: this.now() + CODE_SECONDS * 1000,
      used: false,
    });
    return code;
  }

  /**
   * Redeems a code once. A second use is refused and revokes what the first issued (RFC 6749
   * section 4.1.2: the code may have been stolen).
   */
  redeemCode(
    code: string | null | undefined,
    check: {
      clientId: string;
      /** `false`: the provider's token endpoint takes no `redirect_uri` (Strava). */
      redirectUri: string | null | undefined | false;
      verifier?: string | null | undefined;
    },
  ): { ok: true; grant: Grant } | { ok: false; reason: CodeRefusal } {
    const record = code ? this.#codes.get(code) : undefined;
    if (!record) return { ok: false, reason: 'unknown_code' };
    if (record.used) {
      record.grant.revoked = true;
      return { ok: false, reason: 'used_code' };
    }
    record.used = true;
    if (record.expiresAt <= this.now()) return { ok: false, reason: 'expired_code' };
    if (record.grant.clientId !== check.clientId) return { ok: false, reason: 'client_mismatch' };
    // RFC 6749 section 4.1.3: required, and identical, when the authorization request had one.
    if (
      check.redirectUri !== false &&
      record.redirectUri !== undefined &&
      check.redirectUri !== record.redirectUri
    )
      return { ok: false, reason: 'redirect_mismatch' };
    if (record.challenge) {
      if (!check.verifier) return { ok: false, reason: 'pkce_missing' };
      if (!verifyPkce(check.verifier, record.challenge.value, record.challenge.method))
        return { ok: false, reason: 'pkce_mismatch' };
    }
    return { ok: true, grant: record.grant };
  }

  /** New tokens for `grant`; a refresh token unless `refresh: false` or the options say none. */
  issueTokens(
    grant: Grant,
    { refresh = true }: { refresh?: boolean | undefined } = {},
  ): IssuedTokens {
    const prefix = this.#options.tokenPrefix ?? '';
    const seconds = this.accessTokenSeconds;
    const access = `${prefix}${randomToken()}`;
    const expiresAt = seconds === undefined ? undefined : this.now() + seconds * 1000;
    this.#access.set(access, { grant, expiresAt, spent: false });
    const tokens: IssuedTokens = { access_token: access };
    if (seconds !== undefined) tokens.expires_in = seconds;
    if (refresh && this.#options.refreshTokens) {
      const value = `${prefix}${randomToken()}`;
      this.#refresh.set(value, { grant, expiresAt: undefined, spent: false });
      tokens.refresh_token = value;
    }
    return tokens;
  }

  /** Refreshes: new access token; the refresh token rotated, repeated or left out, as configured. */
  refresh(
    refreshToken: string | null | undefined,
    clientId: string,
  ): { ok: true; grant: Grant; tokens: IssuedTokens } | { ok: false; reason: RefreshRefusal } {
    const record = refreshToken ? this.#refresh.get(refreshToken) : undefined;
    if (!record || !refreshToken) return { ok: false, reason: 'unknown_token' };
    if (record.grant.revoked) return { ok: false, reason: 'revoked' };
    if (record.spent) return { ok: false, reason: 'spent_token' };
    if (record.grant.clientId !== clientId) return { ok: false, reason: 'client_mismatch' };
    const mode = this.#options.refreshTokens;
    if (this.#options.refreshEndsAccess)
      for (const access of this.#access.values())
        if (access.grant === record.grant) access.spent = true;
    if (mode === 'rotate') {
      record.spent = true;
      return { ok: true, grant: record.grant, tokens: this.issueTokens(record.grant) };
    }
    const tokens = this.issueTokens(record.grant, { refresh: false });
    if (mode === 'reuse') tokens.refresh_token = refreshToken;
    return { ok: true, grant: record.grant, tokens };
  }

  /** The grant of a valid (known, unexpired, unrevoked) access token. */
  accessGrant(token: string | null | undefined): Grant | undefined {
    const record = token ? this.#access.get(token) : undefined;
    if (!record || record.grant.revoked || record.spent) return undefined;
    if (record.expiresAt !== undefined && record.expiresAt <= this.now()) return undefined;
    return record.grant;
  }

  /** The grant of a known refresh token (revoked or not), for revocation. */
  refreshGrant(token: string | null | undefined): Grant | undefined {
    return token ? this.#refresh.get(token)?.grant : undefined;
  }

  /** The grant of a known access token, whatever its state, for revocation. */
  anyAccessGrant(token: string | null | undefined): Grant | undefined {
    return token ? this.#access.get(token)?.grant : undefined;
  }

  /**
   * The grant of the request's `Authorization: <scheme> <token>` when the token is valid
   * (scheme compared case-insensitively).
   */
  bearer(request: EmulatorRequest, scheme = 'Bearer'): Grant | undefined {
    const header = request.headers.get('authorization') ?? '';
    const [given, token] = header.split(/\s+/, 2);
    if (!token || given?.toLowerCase() !== scheme.toLowerCase()) return undefined;
    return this.accessGrant(token);
  }

  /** Ends one access token, leaving its grant (and refresh token) as they are. */
  endAccess(token: string | null | undefined): boolean {
    const record = token ? this.#access.get(token) : undefined;
    if (record) record.spent = true;
    return Boolean(record);
  }

  /** Revokes the whole grant of `token` (access or refresh); false when the token is unknown. */
  revoke(token: string | null | undefined): boolean {
    const grant = this.anyAccessGrant(token) ?? this.refreshGrant(token);
    if (grant) grant.revoked = true;
    return Boolean(grant);
  }
}

/** The client authentication methods an emulator may accept (RFC 7591 names). */
export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

/** What {@link authenticateClient} found. */
export type ClientAuthResult =
  | { ok: true; client: EmulatedClient; method: ClientAuthMethod }
  | {
      ok: false;
      reason:
        | 'missing'
        | 'unknown_client'
        | 'bad_secret'
        | 'method_not_allowed'
        | 'several_methods';
      /** The method the request used, when it used one. */
      method?: ClientAuthMethod | undefined;
    };

/** RFC 6749 section 2.3.1: the Basic user and password are form-encoded, then base64. */
function basicCredentials(request: EmulatorRequest): [string, string] | undefined {
  const header = request.headers.get('authorization') ?? '';
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const decode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
  return [decode(decoded.slice(0, colon)), decode(decoded.slice(colon + 1))];
}

/**
 * Checks the client's authentication by the methods the provider accepts: HTTP Basic, id and
 * secret in the body (`fields`, default the form), or the id alone for a public client. A
 * request that uses two methods is refused (RFC 6749 section 2.3: one per request), and so is a
 * confidential client that sends no secret.
 */
export function authenticateClient(
  request: EmulatorRequest,
  authority: Authority,
  allowed: readonly ClientAuthMethod[],
  fields: { get(name: string): string | null | undefined } = request.form,
): ClientAuthResult {
  const basic = basicCredentials(request);
  const bodySecret = fields.get('client_secret');
  if (basic && bodySecret) return { ok: false, reason: 'several_methods' };
  const method: ClientAuthMethod = basic
    ? 'client_secret_basic'
    : bodySecret
      ? 'client_secret_post'
      : 'none';
  const clientId = basic ? basic[0] : fields.get('client_id');
  if (!clientId) return { ok: false, reason: 'missing', method };
  const client = authority.client(clientId);
  if (!client) return { ok: false, reason: 'unknown_client', method };
  if (method === 'none' && client.clientSecret !== undefined)
    return { ok: false, reason: 'missing', method };
  if (!allowed.includes(method)) return { ok: false, reason: 'method_not_allowed', method };
  const secret = basic ? basic[1] : bodySecret;
  // A public client's Basic password is empty (Reddit's installed apps send it so).
  if (method !== 'none' && secret !== (client.clientSecret ?? ''))
    return { ok: false, reason: 'bad_secret', method };
  return { ok: true, client, method };
}

/** How an emulated authorization endpoint reads its request. */
export interface AuthorizeRules {
  /** Splits the `scope` parameter; default whitespace (RFC 6749 section 3.3). */
  readonly scopeSeparator?: RegExp | undefined;
  /** A scope the provider refuses to find in the parameter (a space where commas are due). */
  readonly refuseScope?: RegExp | undefined;
  /** PKCE methods honoured; unset or empty: the provider ignores PKCE parameters. */
  readonly pkceMethods?: readonly string[] | undefined;
  /** Parameters kept on the grant, for the token endpoint to act on. */
  readonly extras?: readonly string[] | undefined;
  /** Without `redirect_uri`, use the client's only registered one (many providers do). */
  readonly redirectUriOptional?: boolean | undefined;
  /** Scopes granted when none is asked for. */
  readonly defaultScope?: readonly string[] | undefined;
  /** Parameters added to the callback besides `code` and `state` (Strava echoes `scope`). */
  readonly callbackParams?:
    | ((grant: { scope: readonly string[] }) => Record<string, string>)
    | undefined;
  /** The page for a request that cannot be redirected (unknown client, unregistered URI). */
  readonly errorPage?: ((error: string) => Reply) | undefined;
}

/**
 * An authorization endpoint whose user approves at once: validates the request, issues a code
 * and redirects to the callback. An unknown client or unregistered redirect URI is a page, never
 * a redirect (RFC 6749 section 4.1.2.1); other errors go back to the callback.
 */
export function authorize(
  request: EmulatorRequest,
  authority: Authority,
  user: string,
  rules: AuthorizeRules = {},
): Reply {
  const q = request.url.searchParams;
  const page = rules.errorPage ?? ((error: string) => text(400, `authorization error: ${error}`));
  const client = authority.client(q.get('client_id'));
  if (!client) return page('unknown client_id');
  const given = q.get('redirect_uri');
  const target =
    given ??
    (rules.redirectUriOptional && client.redirectUris.length === 1
      ? client.redirectUris[0]
      : undefined);
  if (!target || !client.redirectUris.includes(target)) return page('redirect_uri mismatch');
  const back = (params: Record<string, string>) => {
    const url = new URL(target);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    const state = q.get('state');
    if (state !== null) url.searchParams.set('state', state);
    return redirect(url);
  };
  if (q.get('response_type') !== 'code') return back({ error: 'unsupported_response_type' });
  const raw = q.get('scope');
  if (raw !== null && rules.refuseScope?.test(raw)) return back({ error: 'invalid_scope' });
  const scope =
    raw === null ? [...(rules.defaultScope ?? [])] : raw.split(rules.scopeSeparator ?? /\s+/);
  let challenge: { value: string; method: string } | undefined;
  const value = q.get('code_challenge');
  if (value !== null && rules.pkceMethods?.length) {
    const method = q.get('code_challenge_method') ?? 'plain';
    if (!rules.pkceMethods.includes(method)) return back({ error: 'invalid_request' });
    challenge = { value, method };
  }
  const extras: Record<string, string> = {};
  for (const name of rules.extras ?? []) {
    const v = q.get(name);
    if (v !== null) extras[name] = v;
  }
  const code = authority.issueCode({
    clientId: client.clientId,
    redirectUri: given ?? undefined,
    scope: scope.filter(Boolean),
    user,
    extras,
    challenge,
  });
  return back({ code, ...rules.callbackParams?.({ scope }) });
}

/** The RFC 6749 section 5.2 error answer. */
export const oauthError = (status: number, error: string, description?: string) =>
  json(status, description ? { error, error_description: description } : { error });

/** How a token endpoint answers each outcome of {@link tokenGrant}, in its provider's words. */
export interface GrantAnswers {
  /** The tokens a redeemed code or a refresh issued, as the provider answers them. */
  issued(grant: Grant, tokens: IssuedTokens): Reply | Promise<Reply>;
  /** A code that was not redeemed. */
  badCode(reason: CodeRefusal): Reply;
  /** A refresh token that was refused. */
  badRefresh(reason: RefreshRefusal): Reply;
  /** Any other `grant_type`. */
  unsupported(grantType: string | null | undefined): Reply;
  /**
   * Whether a redeemed code's answer carries a refresh token (one asked for by a scope, such as
   * `offline_access`); default always, as the authority's options allow.
   */
  refreshTokenFor?: ((grant: Grant) => boolean) | undefined;
}

/**
 * The two grants of a token endpoint for a client already authenticated: `authorization_code`
 * redeems `code`, bound to `redirect_uri` and `code_verifier` (RFC 6749 section 4.1.3, RFC 7636
 * section 4.6), and `refresh_token` refreshes (RFC 6749 section 6); `fields` are the request's
 * parameters (its form, or a JSON body read the same way).
 *
 * @example
 * ```ts
 * return tokenGrant(authority, auth.client.clientId, req.form, {
 *   issued: (grant, tokens) => json(200, { ...tokens, token_type: 'Bearer' }),
 *   badCode: () => oauthError(400, 'invalid_grant'),
 *   badRefresh: () => oauthError(400, 'invalid_grant'),
 *   unsupported: () => oauthError(400, 'unsupported_grant_type'),
 * });
 * ```
 */
export function tokenGrant(
  authority: Authority,
  clientId: string,
  fields: { get(name: string): string | null | undefined },
  answers: GrantAnswers,
): Reply | Promise<Reply> {
  const grantType = fields.get('grant_type');
  if (grantType === 'authorization_code') {
    const redeemed = authority.redeemCode(fields.get('code'), {
      clientId,
      redirectUri: fields.get('redirect_uri'),
      verifier: fields.get('code_verifier'),
    });
    if (!redeemed.ok) return answers.badCode(redeemed.reason);
    const refresh = answers.refreshTokenFor?.(redeemed.grant) ?? true;
    return answers.issued(redeemed.grant, authority.issueTokens(redeemed.grant, { refresh }));
  }
  if (grantType === 'refresh_token') {
    const refreshed = authority.refresh(fields.get('refresh_token'), clientId);
    if (!refreshed.ok) return answers.badRefresh(refreshed.reason);
    return answers.issued(refreshed.grant, refreshed.tokens);
  }
  return answers.unsupported(grantType);
}
