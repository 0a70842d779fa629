/**
 * A small OpenID provider on a free loopback port that misbehaves on purpose, for the relying
 * party's negative tests (modeled on the OpenID Foundation's RP certification tests): discovery,
 * `jwks_uri`, an authorization endpoint with no login page (it redirects straight back with
 * `code`, `state` and `iss`), a token endpoint (PKCE S256 and the code checked), userinfo and
 * end_session. ID tokens are signed with jose; RS256 by default, ES256 / PS256 / EdDSA / HS256
 * (the client secret) on request.
 *
 * Misbehaviour is one setting per test ({@link HostileOp.misbehave}), replaced by the next call:
 *
 * ```ts
 * const op = await startHostileOp();
 * op.misbehave({ idToken: { alg: 'none' } });
 * const callback = await op.authorize(url); // the redirect_uri with code, state and iss
 * ```
 *
 * Every endpoint counts its requests ({@link HostileOp.counts}), so a test can say "no userinfo
 * request was made" or "one JWKS request for a hundred verifications".
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CompactSign, type CryptoKey, exportJWK, generateKeyPair, type JWK } from 'jose';

/** The algorithms the OP signs with. */
export type OpAlgorithm = 'RS256' | 'ES256' | 'PS256' | 'EdDSA' | 'HS256';
/** The asymmetric ones: each has published keys in the JWK Set. */
const PUBLISHED: readonly OpAlgorithm[] = ['RS256', 'ES256', 'PS256', 'EdDSA'];

/** The endpoints, as counted and as named in misbehaviour settings. */
export type OpEndpoint =
  | 'discovery'
  | 'jwks'
  | 'authorization'
  | 'token'
  | 'userinfo'
  | 'end_session';

const PATHS: Record<string, OpEndpoint> = {
  '/.well-known/openid-configuration': 'discovery',
  '/jwks': 'jwks',
  '/authorize': 'authorization',
  '/token': 'token',
  '/userinfo': 'userinfo',
  '/end_session': 'end_session',
};

/**
 * A change to a JSON object: the fields to set (a field set to `undefined` is removed, so
 * `{ iat: undefined }` is an ID token without `iat`), or a function that answers the new object.
 */
export type Edit =
  | Record<string, unknown>
  | ((value: Record<string, unknown>) => Record<string, unknown>);

/** How one ID token goes wrong. */
export interface IdTokenMisbehaviour {
  /** Sign with this algorithm (with its published key; HS256 with the client secret); `none`: unsigned. */
  alg?: OpAlgorithm | 'none' | undefined;
  /** Edits the protected header before signing (`{ kid: undefined }`, `{ kid: 'unknown' }`). */
  header?: Edit | undefined;
  /** Edits the claims before signing (`{ iss: 'https://impostor.example' }`, `{ sub: undefined }`). */
  claims?: Edit | undefined;
  /** Sign with a key of the same algorithm that is not in the JWK Set (the header keeps the published kid). */
  signWithUnpublishedKey?: boolean | undefined;
  /** Sign correctly, then change the first character of the signature. */
  breakSignature?: boolean | undefined;
}

/** A canned answer that replaces an endpoint's own. */
export interface CannedAnswer {
  /** Default 200. */
  status?: number | undefined;
  body: string;
  /** Default `application/json`. */
  contentType?: string | undefined;
  headers?: Record<string, string> | undefined;
}

/** What the OP does wrong; every field is optional and unset means "behave". */
export interface Misbehaviour {
  /** Every ID token the token endpoint issues (login and refresh). */
  idToken?: IdTokenMisbehaviour | undefined;
  /** The token endpoint answers without `id_token`. */
  omitIdToken?: boolean | undefined;
  /** Edits the token endpoint's answer (`{ token_type: 'mac' }`). */
  tokenResponse?: Edit | undefined;
  /** Edits the discovery document (`{ issuer: 'https://impostor.example' }`, `{ jwks_uri: undefined }`). */
  discovery?: Edit | undefined;
  userinfo?:
    | {
        /** Answer another subject than the ID token's. */
        sub?: string | undefined;
        /** Answer a signed JWT (`application/jwt`, with `iss` and `aud`) instead of JSON. */
        signed?: boolean | undefined;
        /** Edits the claims (before signing, when signed). */
        claims?: Edit | undefined;
      }
    | undefined;
  /** Canned answers per endpoint (a malformed JWK Set, a 404 discovery document, a 401 userinfo). */
  answer?: Partial<Record<OpEndpoint, CannedAnswer>> | undefined;
  /** Wait this many milliseconds before answering, per endpoint. */
  delayMs?: Partial<Record<OpEndpoint, number>> | undefined;
  /** These endpoints destroy the connection without answering (a network error for the client). */
  dead?: readonly OpEndpoint[] | undefined;
}

/** Options of {@link startHostileOp}. */
export interface HostileOpOptions {
  /** The algorithm ID tokens and signed userinfo answers are signed with. Default RS256. */
  alg?: OpAlgorithm | undefined;
  /** Keys published per asymmetric algorithm; the newest signs. Default 1. */
  keysPerAlg?: number | undefined;
  /** The subject of the one user. Default {@link OP_CLIENT}'s `subject`. */
  subject?: string | undefined;
  /** `expires_in` of access tokens, and the ID token lifetime, in seconds. Default 300. */
  lifetimeSeconds?: number | undefined;
  /** The OP's clock, in milliseconds since the epoch. Default `Date.now`. */
  clock?: (() => number) | undefined;
}

/** The one registered client (and user): tests build their relying party with these. */
export const OP_CLIENT = {
  clientId: 'hostile-rp',
  clientSecret: 'hostile-rp-secret-0123456789-abcdefghijklmnop',
  redirectUri: 'http://127.0.0.1:9/callback',
  subject: 'user-1',
} as const;

/** A running hostile OP. */
export interface HostileOp {
  /** `http://127.0.0.1:<port>`: the issuer identifier, exactly as the discovery document names it. */
  readonly issuer: string;
  /** The discovery document as the OP publishes it now (misbehaviour included). */
  readonly metadata: Record<string, unknown> & { issuer: string; jwks_uri: string };
  /** Requests per endpoint since the start or the last {@link HostileOp.resetCounts}. */
  readonly counts: Record<OpEndpoint, number>;
  /** The parameters of the last authorization request, and of the last end-session request. */
  readonly last: {
    authorization?: URLSearchParams | undefined;
    endSession?: URLSearchParams | undefined;
  };
  /** The kids of the JWK Set as published now. */
  kids(): string[];
  /** Replaces the misbehaviour setting; with nothing, the OP behaves. */
  misbehave(misbehaviour?: Misbehaviour): void;
  /** A fresh signing key per algorithm (new kids); the old ones leave the JWK Set. */
  rotateKeys(): Promise<void>;
  /**
   * An ID token for the user, made as the token endpoint makes one (the setting of
   * {@link HostileOp.misbehave} does not apply; `how` does), for tests that verify tokens directly.
   */
  idToken(
    how?: IdTokenMisbehaviour & { nonce?: string | undefined; accessToken?: string | undefined },
  ): Promise<string>;
  /** Calls an authorization URL (no redirect followed) and answers the callback URL it redirects to. */
  authorize(url: string): Promise<string>;
  /** Zeroes every counter. */
  resetCounts(): void;
  close(): Promise<void>;
}

interface SigningKey {
  alg: OpAlgorithm;
  kid: string;
  privateKey: CryptoKey;
  jwk: JWK;
}

/** What a code (and later its refresh token) was issued for. */
interface Grant {
  redirectUri: string | null;
  challenge: string | null;
  nonce: string | null;
  scope: string;
  authTime: number;
}

const b64url = (bytes: Buffer) => bytes.toString('base64url');
const sha = (bits: 256 | 512, text: string) => createHash(`sha${bits}`).update(text).digest();
const token = (prefix: string) => `${prefix}_${b64url(randomBytes(24))}`;

/** Applies an {@link Edit} to a copy of `value`. */
export function applyEdit(
  value: Record<string, unknown>,
  edit: Edit | undefined,
): Record<string, unknown> {
  if (edit === undefined) return value;
  if (typeof edit === 'function') return edit({ ...value });
  const out: Record<string, unknown> = { ...value, ...edit };
  for (const [field, v] of Object.entries(edit)) if (v === undefined) delete out[field];
  return out;
}

async function newKey(alg: OpAlgorithm, kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { alg, kid, privateKey, jwk };
}

/** The half hash of `at_hash` (OIDC Core section 3.1.3.6): SHA-512 for EdDSA, else SHA-256. */
function halfHash(alg: string, value: string): string {
  const digest = sha(alg === 'EdDSA' ? 512 : 256, value);
  return b64url(digest.subarray(0, digest.length / 2));
}

/** The OP's keys: published ones per algorithm (newest first), and unpublished twins. */
class Keyring {
  #generation = 0;
  #published: SigningKey[] = [];
  readonly #unpublished = new Map<OpAlgorithm, SigningKey>();
  constructor(readonly keysPerAlg: number) {}

  async rotate(): Promise<void> {
    const generation = ++this.#generation;
    const keys: SigningKey[] = [];
    for (const alg of PUBLISHED) {
      for (let i = this.keysPerAlg; i >= 1; i--)
        keys.push(await newKey(alg, `${alg.toLowerCase()}-${generation}-${i}`));
    }
    this.#published = keys;
  }

  published(): SigningKey[] {
    return this.#published;
  }

  signer(alg: OpAlgorithm): SigningKey {
    return this.#published.find((k) => k.alg === alg)!;
  }

  async unpublished(alg: OpAlgorithm): Promise<SigningKey> {
    let key = this.#unpublished.get(alg);
    if (!key) {
      key = await newKey(alg, 'unpublished');
      this.#unpublished.set(alg, key);
    }
    return key;
  }
}

/** Signs `claims` as `alg` would, with the misbehaviour of `how` applied. */
async function sign(
  keys: Keyring,
  alg: OpAlgorithm,
  claims: Record<string, unknown>,
  how: IdTokenMisbehaviour,
): Promise<string> {
  const used = how.alg ?? alg;
  const payload = new TextEncoder().encode(JSON.stringify(applyEdit(claims, how.claims)));
  if (used === 'none') {
    const header = applyEdit({ alg: 'none' }, how.header);
    const part = (v: unknown) => b64url(Buffer.from(JSON.stringify(v)));
    return `${part(header)}.${b64url(Buffer.from(payload))}.`;
  }
  const published = used === 'HS256' ? undefined : keys.signer(used);
  const header = applyEdit({ alg: used, ...(published && { kid: published.kid }) }, how.header);
  const key =
    used === 'HS256'
      ? new TextEncoder().encode(OP_CLIENT.clientSecret)
      : how.signWithUnpublishedKey
        ? (await keys.unpublished(used)).privateKey
        : published!.privateKey;
  // jose refuses a header whose alg is not the key's: sign with the real alg, then swap headers.
  const jws = await new CompactSign(payload)
    .setProtectedHeader(header as { alg: string })
    .sign(key)
    .catch(async () => {
      const signed = await new CompactSign(payload).setProtectedHeader({ alg: used }).sign(key);
      const [, body, signature] = signed.split('.');
      return `${b64url(Buffer.from(JSON.stringify(header)))}.${body}.${signature}`;
    });
  if (!how.breakSignature) return jws;
  const [head, body, signature = ''] = jws.split('.');
  const first = signature[0] === 'A' ? 'B' : 'A';
  return `${head}.${body}.${first}${signature.slice(1)}`;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  contentType = 'application/json',
  headers: Record<string, string> = {},
): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store', ...headers });
  res.end(text);
}

/** The client's id and secret from Basic (RFC 6749 section 2.3.1, form-decoded) or the body. */
function clientOf(req: IncomingMessage, body: URLSearchParams) {
  const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
  if (!basic) return { id: body.get('client_id'), secret: body.get('client_secret') };
  const pair = Buffer.from(basic, 'base64').toString('utf8');
  const colon = pair.indexOf(':');
  const decode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
  return { id: decode(pair.slice(0, colon)), secret: decode(pair.slice(colon + 1)) };
}

/**
 * Starts a hostile OP on `http://127.0.0.1:<free port>`; close it in `afterAll`.
 *
 * @example
 * ```ts
 * const op = await startHostileOp({ alg: 'ES256' });
 * const rp = new OpenIDSession({ ...OP_CLIENT, server: op.metadata, idTokenSignedResponseAlg: 'ES256' });
 * ```
 */
export async function startHostileOp(options: HostileOpOptions = {}): Promise<HostileOp> {
  const alg = options.alg ?? 'RS256';
  const subject = options.subject ?? OP_CLIENT.subject;
  const lifetime = options.lifetimeSeconds ?? 300;
  const nowSeconds = () => Math.floor((options.clock ?? Date.now)() / 1000);
  const keys = new Keyring(options.keysPerAlg ?? 1);
  await keys.rotate();
  const counts = Object.fromEntries(Object.values(PATHS).map((e) => [e, 0])) as Record<
    OpEndpoint,
    number
  >;
  const last: HostileOp['last'] = {};
  const codes = new Map<string, Grant>();
  const refreshTokens = new Map<string, Grant>();
  const accessTokens = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();
  let m: Misbehaviour = {};
  let issuer = '';

  const metadata = () => {
    const at = (path: string) => `${issuer}${path}`;
    const document = {
      issuer,
      authorization_endpoint: at('/authorize'),
      token_endpoint: at('/token'),
      userinfo_endpoint: at('/userinfo'),
      jwks_uri: at('/jwks'),
      end_session_endpoint: at('/end_session'),
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: [...PUBLISHED, 'HS256'],
      userinfo_signing_alg_values_supported: [...PUBLISHED, 'HS256'],
      code_challenge_methods_supported: ['S256'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      scopes_supported: ['openid', 'profile', 'email'],
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'name', 'email'],
      authorization_response_iss_parameter_supported: true,
    };
    return applyEdit(document, m.discovery) as HostileOp['metadata'];
  };

  /** The claims of an honest ID token; `signedAs` picks the at_hash hash. */
  const idTokenClaims = (
    grant: Pick<Grant, 'nonce' | 'authTime'>,
    accessToken: string | undefined,
    signedAs: string,
  ) => {
    const now = nowSeconds();
    const claims: Record<string, unknown> = {
      iss: issuer,
      sub: subject,
      aud: OP_CLIENT.clientId,
      exp: now + lifetime,
      iat: now,
      auth_time: grant.authTime,
      ...(grant.nonce ? { nonce: grant.nonce } : {}),
      ...(accessToken ? { at_hash: halfHash(signedAs, accessToken) } : {}),
    };
    return claims;
  };

  const authorization = (url: URL, res: ServerResponse) => {
    const q = url.searchParams;
    last.authorization = q;
    const redirectUri = q.get('redirect_uri') ?? OP_CLIENT.redirectUri;
    if (q.get('client_id') !== OP_CLIENT.clientId)
      return send(res, 400, 'unknown client', 'text/plain');
    const back = new URL(redirectUri);
    const state = q.get('state');
    if (state !== null) back.searchParams.set('state', state);
    back.searchParams.set('iss', issuer);
    const method = q.get('code_challenge_method');
    if (q.get('response_type') !== 'code' || (method !== null && method !== 'S256')) {
      back.searchParams.set('error', 'invalid_request');
    } else {
      const code = token('code');
      codes.set(code, {
        redirectUri: q.get('redirect_uri'),
        challenge: q.get('code_challenge'),
        nonce: q.get('nonce'),
        scope: q.get('scope') ?? '',
        authTime: nowSeconds(),
      });
      back.searchParams.set('code', code);
    }
    res.writeHead(302, { location: back.href }).end();
  };

  /** The grant a token request names, or the OAuth error to answer. */
  const grantOf = (body: URLSearchParams): Grant | string => {
    if (body.get('grant_type') === 'refresh_token') {
      // Not rotated: a refresh token stays valid, so a test can refresh again after a refusal.
      const grant = refreshTokens.get(body.get('refresh_token') ?? '');
      return grant ? { ...grant, nonce: null } : 'invalid_grant';
    }
    if (body.get('grant_type') !== 'authorization_code') return 'unsupported_grant_type';
    const grant = codes.get(body.get('code') ?? '');
    codes.delete(body.get('code') ?? ''); // single use
    if (!grant || grant.redirectUri !== body.get('redirect_uri')) return 'invalid_grant';
    const verifier = body.get('code_verifier');
    if (grant.challenge === null) return verifier === null ? grant : 'invalid_grant';
    const proof = verifier === null ? '' : b64url(sha(256, verifier));
    return proof === grant.challenge ? grant : 'invalid_grant';
  };

  const tokenEndpoint = async (req: IncomingMessage, res: ServerResponse) => {
    const body = new URLSearchParams(await readBody(req));
    const client = clientOf(req, body);
    if (client.id !== OP_CLIENT.clientId || (client.secret ?? '') !== OP_CLIENT.clientSecret)
      return send(res, 401, { error: 'invalid_client' });
    const grant = grantOf(body);
    if (typeof grant === 'string') return send(res, 400, { error: grant });
    const accessToken = token('at');
    const refreshToken = token('rt');
    accessTokens.add(accessToken);
    refreshTokens.set(refreshToken, grant);
    const answer: Record<string, unknown> = {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: lifetime,
      refresh_token: refreshToken,
      scope: grant.scope,
    };
    if (!m.omitIdToken && grant.scope.split(' ').includes('openid')) {
      const how = m.idToken ?? {};
      const claims = idTokenClaims(grant, accessToken, how.alg ?? alg);
      answer['id_token'] = await sign(keys, alg, claims, how);
    }
    send(res, 200, applyEdit(answer, m.tokenResponse));
  };

  const userinfo = async (req: IncomingMessage, res: ServerResponse) => {
    const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (!bearer || !accessTokens.has(bearer))
      return send(res, 401, { error: 'invalid_token' }, 'application/json', {
        'www-authenticate': 'Bearer error="invalid_token"',
      });
    const u = m.userinfo ?? {};
    const base = { sub: u.sub ?? subject, name: 'Hostile User', email: 'user@hostile.example' };
    const claims = applyEdit(base, u.claims);
    if (!u.signed) return send(res, 200, claims);
    const signedClaims = { ...claims, iss: issuer, aud: OP_CLIENT.clientId };
    send(res, 200, await sign(keys, alg, signedClaims, {}), 'application/jwt');
  };

  const endSession = (url: URL, res: ServerResponse) => {
    last.endSession = url.searchParams;
    const back = url.searchParams.get('post_logout_redirect_uri');
    if (!back) return send(res, 200, 'logged out', 'text/plain');
    const to = new URL(back);
    const state = url.searchParams.get('state');
    if (state !== null) to.searchParams.set('state', state);
    res.writeHead(302, { location: to.href }).end();
  };

  const serve = async (
    endpoint: OpEndpoint,
    url: URL,
    req: IncomingMessage,
    res: ServerResponse,
  ) => {
    const canned = m.answer?.[endpoint];
    if (canned) {
      const type = canned.contentType ?? 'application/json';
      return send(res, canned.status ?? 200, canned.body, type, canned.headers);
    }
    if (endpoint === 'discovery') return send(res, 200, metadata());
    if (endpoint === 'jwks') return send(res, 200, { keys: keys.published().map((k) => k.jwk) });
    if (endpoint === 'authorization') return authorization(url, res);
    if (endpoint === 'token') return tokenEndpoint(req, res);
    if (endpoint === 'userinfo') return userinfo(req, res);
    return endSession(url, res);
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    const endpoint = PATHS[url.pathname];
    if (!endpoint) return send(res, 404, { error: 'not_found' });
    counts[endpoint]++;
    if (m.dead?.includes(endpoint)) return void req.socket.destroy();
    const run = () =>
      serve(endpoint, url, req, res).catch((error: unknown) => {
        // A fault of the harness itself: said plainly, never mistaken for a planned misbehaviour.
        if (!res.headersSent) send(res, 500, { error: 'harness_error', detail: String(error) });
        else res.destroy();
      });
    const delay = m.delayMs?.[endpoint] ?? 0;
    if (delay <= 0) return void run();
    const timer = setTimeout(() => {
      timers.delete(timer);
      void run();
    }, delay);
    timers.add(timer);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    issuer,
    get metadata() {
      return metadata();
    },
    counts,
    last,
    kids: () => keys.published().map((k) => k.kid),
    misbehave: (misbehaviour = {}) => {
      m = misbehaviour;
    },
    rotateKeys: () => keys.rotate(),
    idToken: async (how = {}) => {
      const grant = { nonce: how.nonce ?? null, authTime: nowSeconds() };
      return sign(keys, alg, idTokenClaims(grant, how.accessToken, how.alg ?? alg), how);
    },
    authorize: async (url) => {
      const answer = await fetch(url, { redirect: 'manual' });
      const location = answer.headers.get('location');
      if (answer.status !== 302 || !location) throw new Error(`authorize: status ${answer.status}`);
      return location;
    },
    resetCounts: () => {
      for (const endpoint of Object.keys(counts) as OpEndpoint[]) counts[endpoint] = 0;
    },
    close: () => {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
