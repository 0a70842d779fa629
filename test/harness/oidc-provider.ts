/**
 * A real node-oidc-provider on a free loopback port, for integration tests.
 *
 * Configured the way a strict production server would be where it matters to a client:
 * PKCE S256 required for every client, refresh tokens rotated on every use (the spent one is
 * refused with `invalid_grant`), short access tokens. Its built-in development login and
 * consent pages are enabled and {@link completeLogin} drives them without a browser.
 */
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OAuth2Session, type OAuth2SessionOptions } from 'oauth2-session';

/** The part of node-oidc-provider's API used here (the package ships no type declarations). */
interface ProviderInstance {
  use(middleware: unknown): void;
  callback(): RequestListener;
}
type ProviderClass = new (issuer: string, configuration: object) => ProviderInstance;

async function loadProvider(): Promise<ProviderClass> {
  const module = (await import('oidc-provider' as string)) as { default: ProviderClass };
  return module.default;
}

/** A client registered with the provider (its wire metadata, RFC 7591 names). */
export interface HarnessClient {
  client_id: string;
  client_secret?: string | undefined;
  token_endpoint_auth_method: 'client_secret_basic' | 'client_secret_post' | 'none';
  redirect_uris?: string[] | undefined;
  grant_types?: string[] | undefined;
  scope?: string | undefined;
  /** The provider needs a key of this algorithm: see {@link OidcProviderOptions.signingAlgs}. */
  id_token_signed_response_alg?: SigningAlg | undefined;
  /** `pairwise` needs {@link OidcProviderOptions.pairwise}; the sector is the redirect URI's host. */
  subject_type?: 'public' | 'pairwise' | undefined;
  post_logout_redirect_uris?: string[] | undefined;
}

/** The ID token algorithms the harness has keys for. */
export type SigningAlg = 'RS256' | 'PS256' | 'ES256' | 'EdDSA';

export interface OidcProviderOptions {
  /** Registered clients; {@link defaultClients} when unset. */
  clients?: HarnessClient[] | undefined;
  /** Access token lifetime in seconds (default 60). */
  accessTokenTtl?: number | undefined;
  /** Client credentials token lifetime in seconds (default 60). */
  clientCredentialsTtl?: number | undefined;
  /** Refresh token lifetime in seconds (default 3600). */
  refreshTokenTtl?: number | undefined;
  /** One signing key per algorithm, in this order (default `['RS256']`). */
  signingAlgs?: SigningAlg[] | undefined;
  /** Offer `subject_type: 'pairwise'`: sub is a hash of the client's sector and the account. */
  pairwise?: boolean | undefined;
}

/** Requests seen per endpoint, for test oracles (`token:<grant_type>` counts grants too). */
export type EndpointCounts = Record<string, number>;

export interface OidcProviderHandle {
  issuer: string;
  authorizeUrl: string;
  tokenUrl: string;
  userinfoUrl: string;
  revocationUrl: string;
  jwksUrl: string;
  /** The `kid`s of the signing keys now served. */
  kids(): string[];
  /**
   * Replaces every signing key by a new one of the same algorithm (the old ones are no longer
   * served nor used): a provider restarted on the same port with the same issuer and cookie
   * keys, so its sessions and grants (in the shared memory adapter) live on.
   */
  rotateKeys(): Promise<void>;
  counts: EndpointCounts;
  /** Zero every counter (between test phases). */
  resetCounts(): void;
  close(): Promise<void>;
}

export const REDIRECT_URI = 'http://127.0.0.1:9/callback';

/** An OAuth2Session for a harness client: its secret and auth method, REDIRECT_URI, scope openid. */
export function clientSession(
  c: HarnessClient,
  extra: Partial<OAuth2SessionOptions> = {},
): OAuth2Session {
  return new OAuth2Session({
    clientId: c.client_id,
    clientSecret: c.client_secret,
    clientAuth: c.token_endpoint_auth_method,
    redirectUri: REDIRECT_URI,
    scope: ['openid'],
    ...extra,
  });
}

/** Confidential clients for each secret-based method, and one public client. */
export const defaultClients: HarnessClient[] = [
  {
    client_id: 'basic-client',
    // Characters that must be form-urlencoded in Basic credentials (RFC 6749 2.3.1).
    client_secret: 'basic secret+with:odd/chars%',
    token_endpoint_auth_method: 'client_secret_basic',
  },
  {
    client_id: 'post-client',
    client_secret: 'post-client-secret',
    token_endpoint_auth_method: 'client_secret_post',
  },
  { client_id: 'public-client', token_endpoint_auth_method: 'none' },
];

function toMetadata(client: HarnessClient) {
  const confidential = client.token_endpoint_auth_method !== 'none';
  const grants = confidential
    ? ['authorization_code', 'refresh_token', 'client_credentials']
    : ['authorization_code', 'refresh_token'];
  return {
    redirect_uris: [REDIRECT_URI],
    grant_types: grants,
    response_types: ['code'],
    ...client,
  };
}

function keyPair(alg: SigningAlg) {
  if (alg === 'ES256') return generateKeyPairSync('ec', { namedCurve: 'P-256' });
  if (alg === 'EdDSA') return generateKeyPairSync('ed25519');
  return generateKeyPairSync('rsa', { modulusLength: 2048 });
}

function signingKey(alg: SigningAlg, kid: string) {
  const jwk = keyPair(alg).privateKey.export({ format: 'jwk' });
  return { ...jwk, kid, alg, use: 'sig' };
}

type SigningJwk = ReturnType<typeof signingKey>;

/** The first set keeps the historical kid `harness` for RS256; rotated sets get fresh kids. */
function signingKeys(algs: SigningAlg[], generation: number): SigningJwk[] {
  return algs.map((alg) => {
    const kid = generation === 0 && alg === 'RS256' ? 'harness' : `${alg}-${generation}`;
    return signingKey(alg, kid);
  });
}

/** A stable pairwise sub per (sector, account), as OIDC Core section 8.1 suggests. */
async function pairwiseIdentifier(
  _ctx: unknown,
  accountId: string,
  client: { sectorIdentifier: string },
) {
  return createHash('sha256').update(`${client.sectorIdentifier} ${accountId}`).digest('hex');
}

function buildConfiguration(options: OidcProviderOptions, keys: SigningJwk[], cookieKey: string) {
  return {
    clients: (options.clients ?? defaultClients).map(toMetadata),
    jwks: { keys },
    cookies: { keys: [cookieKey] },
    ...(options.pairwise ? { subjectTypes: ['public', 'pairwise'], pairwiseIdentifier } : {}),
    features: {
      devInteractions: { enabled: true },
      clientCredentials: { enabled: true },
      revocation: { enabled: true },
    },
    pkce: { required: () => true },
    // Rotation on every use; refresh tokens without offline_access (as OAuth 2 servers do).
    rotateRefreshToken: true,
    issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(g: string): boolean }) =>
      client.grantTypeAllowed('refresh_token'),
    findAccount: async (_ctx: unknown, sub: string) => ({
      accountId: sub,
      claims: async () => ({ sub }),
    }),
    clientBasedCORS: () => false,
    ttl: {
      AccessToken: options.accessTokenTtl ?? 60,
      AuthorizationCode: 60,
      ClientCredentials: options.clientCredentialsTtl ?? 60,
      IdToken: 3600,
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
      RefreshToken: options.refreshTokenTtl ?? 3600,
    },
  };
}

function endpointName(path: string): string {
  if (path.startsWith('/interaction/')) return 'interaction';
  const names: Record<string, string> = {
    '/auth': 'authorization',
    '/token': 'token',
    '/me': 'userinfo',
    '/token/revocation': 'revocation',
    '/.well-known/openid-configuration': 'discovery',
    '/jwks': 'jwks',
  };
  if (names[path]) return names[path];
  return path.startsWith('/auth/') ? 'resume' : path;
}

interface CountingContext {
  path: string;
  method: string;
  oidc?: { params?: { grant_type?: unknown } | undefined } | undefined;
}

function countRequests(counts: EndpointCounts) {
  const bump = (key: string) => {
    counts[key] = (counts[key] ?? 0) + 1;
  };
  return async (ctx: CountingContext, next: () => Promise<unknown>) => {
    bump(endpointName(ctx.path));
    try {
      await next();
    } finally {
      const grant = ctx.oidc?.params?.grant_type;
      if (ctx.path === '/token' && typeof grant === 'string') bump(`token:${grant}`);
    }
  };
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

/**
 * Starts node-oidc-provider on `http://127.0.0.1:<free port>`.
 *
 * @example
 * const op = await startOidcProvider({ accessTokenTtl: 5 });
 * try { ... } finally { await op.close(); }
 */
export async function startOidcProvider(
  options: OidcProviderOptions = {},
): Promise<OidcProviderHandle> {
  const server = createServer();
  const port = await listen(server);
  const issuer = `http://127.0.0.1:${port}`;
  const Provider = await loadProvider();
  const counts: EndpointCounts = {};
  const algs = options.signingAlgs ?? ['RS256'];
  const cookieKey = randomBytes(32).toString('base64url');
  let generation = 0;
  let keys = signingKeys(algs, generation);
  let listener: RequestListener | undefined;
  const serve = () => {
    const provider = new Provider(issuer, buildConfiguration(options, keys, cookieKey));
    provider.use(countRequests(counts));
    if (listener) server.off('request', listener);
    listener = provider.callback();
    server.on('request', listener);
  };
  serve();
  return {
    issuer,
    authorizeUrl: `${issuer}/auth`,
    tokenUrl: `${issuer}/token`,
    userinfoUrl: `${issuer}/me`,
    revocationUrl: `${issuer}/token/revocation`,
    jwksUrl: `${issuer}/jwks`,
    kids: () => keys.map((k) => k.kid),
    rotateKeys: async () => {
      generation += 1;
      keys = signingKeys(algs, generation);
      serve();
    },
    counts,
    resetCounts: () => {
      for (const key of Object.keys(counts)) delete counts[key];
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/**
 * Cookies by name; enough for one provider on one origin (paths are ignored). Pass one to
 * {@link completeLogin} to keep the provider's session cookie for later requests.
 */
export class CookieJar {
  readonly #cookies = new Map<string, string>();

  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const expired = attributes.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      if (expired) this.#cookies.delete(name);
      else this.#cookies.set(name, pair.slice(eq + 1).trim());
    }
  }

  header(): string {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

/** One request with the jar's cookies, redirects not followed; the answer's cookies are kept. */
export async function step(jar: CookieJar, url: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('cookie', jar.header());
  const response = await fetch(url, { ...init, headers, redirect: 'manual' });
  jar.store(response);
  return response;
}

async function submitPrompt(jar: CookieJar, url: string, account: string): Promise<Response> {
  const page = await step(jar, url);
  const html = await page.text();
  const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
  if (prompt !== 'login' && prompt !== 'consent') {
    throw new Error(`unexpected interaction page (status ${page.status})`);
  }
  const body = new URLSearchParams({ prompt });
  if (prompt === 'login') body.set('login', account);
  return step(jar, url, { method: 'POST', body });
}

/**
 * Plays the user at the provider's development login and consent pages, without a browser:
 * follows the redirects from `authorizeUrl` with a cookie jar, signs in as `account`, grants
 * consent, and answers the callback URL (with `code`, `state`, `iss`) the browser would have
 * been sent to. Nothing is sent to the redirect URI itself. With `jar`, the provider's cookies
 * (its session among them) stay there for later requests.
 */
export async function completeLogin(
  authorizeUrl: string,
  { account = 'alice', redirectUri = REDIRECT_URI, jar = new CookieJar() } = {},
): Promise<string> {
  let response = await step(jar, authorizeUrl);
  for (let hops = 0; hops < 20; hops += 1) {
    const location = response.headers.get('location');
    if (!location) throw new Error(`authorization stopped with status ${response.status}`);
    const next = new URL(location, authorizeUrl).href;
    if (next.startsWith(redirectUri)) return next;
    response = next.includes('/interaction/')
      ? await submitPrompt(jar, next, account)
      : await step(jar, next);
  }
  throw new Error('too many redirects during the authorization');
}
