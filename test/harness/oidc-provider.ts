/**
 * A real node-oidc-provider on a free loopback port, for integration tests.
 *
 * Configured the way a strict production server would be where it matters to a client:
 * PKCE S256 required for every client, refresh tokens rotated on every use (the spent one is
 * refused with `invalid_grant`), short access tokens. Its built-in development login and
 * consent pages are enabled and {@link completeLogin} drives them without a browser.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
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
  client_secret?: string;
  token_endpoint_auth_method: 'client_secret_basic' | 'client_secret_post' | 'none';
  redirect_uris?: string[];
  grant_types?: string[];
  scope?: string;
}

export interface OidcProviderOptions {
  /** Registered clients; {@link defaultClients} when unset. */
  clients?: HarnessClient[];
  /** Access token lifetime in seconds (default 60). */
  accessTokenTtl?: number;
  /** Client credentials token lifetime in seconds (default 60). */
  clientCredentialsTtl?: number;
  /** Refresh token lifetime in seconds (default 3600). */
  refreshTokenTtl?: number;
}

/** Requests seen per endpoint, for test oracles (`token:<grant_type>` counts grants too). */
export type EndpointCounts = Record<string, number>;

export interface OidcProviderHandle {
  issuer: string;
  authorizeUrl: string;
  tokenUrl: string;
  userinfoUrl: string;
  revocationUrl: string;
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

function signingKey() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: 'harness', alg: 'RS256', use: 'sig' };
}

function buildConfiguration(options: OidcProviderOptions) {
  return {
    clients: (options.clients ?? defaultClients).map(toMetadata),
    jwks: { keys: [signingKey()] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
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
  oidc?: { params?: { grant_type?: unknown } };
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
  const provider = new Provider(issuer, buildConfiguration(options));
  const counts: EndpointCounts = {};
  provider.use(countRequests(counts));
  server.on('request', provider.callback());
  return {
    issuer,
    authorizeUrl: `${issuer}/auth`,
    tokenUrl: `${issuer}/token`,
    userinfoUrl: `${issuer}/me`,
    revocationUrl: `${issuer}/token/revocation`,
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

/** Cookies by name; enough for one provider on one origin (paths are ignored). */
class CookieJar {
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

async function step(jar: CookieJar, url: string, init: RequestInit = {}): Promise<Response> {
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
 * been sent to. Nothing is sent to the redirect URI itself.
 */
export async function completeLogin(
  authorizeUrl: string,
  { account = 'alice', redirectUri = REDIRECT_URI } = {},
): Promise<string> {
  const jar = new CookieJar();
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
