/**
 * An OpenID provider in a `fetch` function, for the web layer's OpenID tests: no socket, every
 * ID token made here with jose, and each request counted. Tests steer what the next token
 * answer's ID token says (`nextIdToken`) to play a provider that misbehaves.
 */
import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import type { AuthorizationServer } from 'oauth2-session';

export const ISSUER = 'https://op.test';
export const CLIENT_ID = 'rp-app';
export const CLIENT_SECRET = 'rp-app-secret';

/** What a test may change in the next ID token (claims laid over the right ones, or a raw one). */
export type IdTokenOverride =
  | { claims: Record<string, unknown>; raw?: undefined }
  | { raw: string; claims?: undefined };

interface Grant {
  sub: string;
  nonce: string | undefined;
  redirectUri: string;
}

export interface FakeOpOptions {
  /** Leave `end_session_endpoint` out of the metadata. */
  endSession?: boolean | undefined;
  /** Put a `revocation_endpoint` in the metadata. */
  revocation?: boolean | undefined;
}

/** A fake OP: its metadata, its fetch, and the user's part at its authorization endpoint. */
export class FakeOp {
  readonly counts: Record<string, number> = {};
  /** The ID token of the next token answer (code or refresh), once. */
  nextIdToken: IdTokenOverride | undefined;
  /** The next refresh answer carries no ID token. */
  omitIdTokenOnRefresh = false;
  /** The provider's clock, epoch ms (tests move it with the handlers' `clock`). */
  now: () => number = Date.now;
  /** Claims every ID token carries besides the required ones. */
  extraClaims: Record<string, unknown> = { name: 'Alice' };
  readonly server: AuthorizationServer;
  readonly #codes = new Map<string, Grant>();
  readonly #refresh = new Map<string, Grant>();
  readonly #access = new Map<string, string>();
  #key!: CryptoKey;
  #jwk!: JWK;

  private constructor(options: FakeOpOptions) {
    this.server = {
      issuer: ISSUER,
      authorization_endpoint: `${ISSUER}/authorize`,
      token_endpoint: `${ISSUER}/token`,
      jwks_uri: `${ISSUER}/jwks`,
      userinfo_endpoint: `${ISSUER}/userinfo`,
      id_token_signing_alg_values_supported: ['RS256'],
      ...(options.endSession === false ? {} : { end_session_endpoint: `${ISSUER}/logout` }),
      ...(options.revocation ? { revocation_endpoint: `${ISSUER}/revoke` } : {}),
    };
  }

  static async start(options: FakeOpOptions = {}): Promise<FakeOp> {
    const op = new FakeOp(options);
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    op.#key = privateKey;
    op.#jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    return op;
  }

  /** The fetch to give the handlers. */
  readonly fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const name = url.pathname.slice(1);
    this.counts[name] = (this.counts[name] ?? 0) + 1;
    if (url.origin !== ISSUER) return new Response('not here', { status: 404 });
    if (name === 'jwks') return Response.json({ keys: [this.#jwk] });
    if (name === 'token') return this.#token(new URLSearchParams(await request.text()));
    if (name === 'userinfo') return this.#userinfo(request);
    if (name === 'revoke') return new Response(null, { status: 200 });
    return new Response('not found', { status: 404 });
  };

  /** Plays the user at the authorization endpoint: answers the callback URL. */
  authorize(authorizationUrl: string, sub = 'alice'): string {
    const url = new URL(authorizationUrl);
    const params = url.searchParams;
    const code = randomBytes(16).toString('hex');
    const redirectUri = params.get('redirect_uri')!;
    this.#codes.set(code, { sub, nonce: params.get('nonce') ?? undefined, redirectUri });
    const back = new URL(redirectUri);
    back.searchParams.set('code', code);
    back.searchParams.set('state', params.get('state')!);
    return back.href;
  }

  /** An ID token signed with the provider's key (or with another key: `forged`). */
  async idToken(claims: Record<string, unknown>, forged = false): Promise<string> {
    const key = forged ? (await generateKeyPair('RS256')).privateKey : this.#key;
    return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(key);
  }

  async #token(form: URLSearchParams): Promise<Response> {
    const grantType = form.get('grant_type');
    this.counts[`token:${grantType}`] = (this.counts[`token:${grantType}`] ?? 0) + 1;
    const grant =
      grantType === 'authorization_code'
        ? this.#codes.get(form.get('code') ?? '')
        : this.#refresh.get(form.get('refresh_token') ?? '');
    if (!grant) return Response.json({ error: 'invalid_grant' }, { status: 400 });
    if (grantType === 'authorization_code') this.#codes.delete(form.get('code')!);
    else this.#refresh.delete(form.get('refresh_token')!);
    const accessToken = `at-${randomBytes(12).toString('hex')}`;
    const refreshToken = `rt-${randomBytes(12).toString('hex')}`;
    this.#access.set(accessToken, grant.sub);
    this.#refresh.set(refreshToken, { ...grant, nonce: undefined });
    const body: Record<string, unknown> = {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: 3600,
      refresh_token: refreshToken,
    };
    const omit = grantType === 'refresh_token' && this.omitIdTokenOnRefresh;
    if (!omit) body['id_token'] = await this.#nextIdToken(grant);
    return Response.json(body, { headers: { 'cache-control': 'no-store' } });
  }

  async #nextIdToken(grant: Grant): Promise<string> {
    const override = this.nextIdToken;
    this.nextIdToken = undefined;
    if (override?.raw !== undefined) return override.raw;
    const now = Math.floor(this.now() / 1000);
    return this.idToken({
      iss: ISSUER,
      sub: grant.sub,
      aud: CLIENT_ID,
      iat: now,
      exp: now + 600,
      ...(grant.nonce === undefined ? {} : { nonce: grant.nonce }),
      ...this.extraClaims,
      ...override?.claims,
    });
  }

  #userinfo(request: Request): Response {
    const token = /^Bearer (.+)$/.exec(request.headers.get('authorization') ?? '')?.[1];
    const sub = token ? this.#access.get(token) : undefined;
    if (!sub) return Response.json({ error: 'invalid_token' }, { status: 401 });
    return Response.json({ sub, email: `${sub}@op.test` });
  }
}
