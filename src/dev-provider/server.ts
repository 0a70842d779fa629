import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkNumber } from '../errors.js';
import { handleAuthorize, handleConsent } from './authorize.js';
import { ClientRegistry } from './clients.js';
import type { ProviderContext } from './context.js';
import { DEFAULT_CLIENT, DEFAULT_USERS, DEV_DEFAULTS } from './defaults.js';
import { handleEndSession } from './end-session.js';
import { RequestRejected, send, sendApiError } from './http.js';
import { createOidcConfig, handleDiscovery, handleJwks, oidcUrls } from './oidc.js';
import {
  PATH_AUTHORIZE,
  PATH_DISCOVERY,
  PATH_END_SESSION,
  PATH_JWKS,
  PATH_REVOCATION,
  PATH_REVOKE,
  PATH_TOKEN,
  PATH_USER,
  PATH_USERINFO,
  revokePath,
} from './paths.js';
import { handleRevocation, handleRevoke } from './revoke.js';
import { GrantStore } from './store.js';
import { handleToken } from './token.js';
import type { DevClient, DevCounts, DevProvider, DevProviderOptions } from './types.js';
import { handleUser } from './user.js';
import { handleUserinfo } from './userinfo.js';

/** Options of {@link createDevProviderHandler}: those of the server, plus the public origin. */
export interface DevProviderHandlerOptions extends DevProviderOptions {
  /**
   * Base of the URLs in `/user` answers, and the OIDC issuer. Default: `http://` + the
   * request's Host (set it in OIDC mode, so the issuer does not follow the Host header).
   */
  origin?: string | undefined;
}

/** A `node:http` request listener serving the dev provider, with its controls. */
export interface DevProviderHandler {
  (req: IncomingMessage, res: ServerResponse): void;
  /** Requests per endpoint, live (see {@link DevProvider.counts}). */
  readonly counts: DevCounts;
  /** Adds (or replaces, by client id) a registered app. */
  registerClient(client: DevClient): void;
  /** Revokes every code and token issued so far. */
  revokeAll(): void;
  /** Sets the origin used in `/user` answers (done by {@link startDevProvider} once listening). */
  setOrigin(origin: string): void;
  /** Resolves once OIDC mode's signing key exists (at once without OIDC); rejects if it failed. */
  ready(): Promise<void>;
}

type Handler = (
  ctx: ProviderContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
) => void | Promise<void>;

/** OIDC mode's endpoints, by path and method; unknown to the router without it. */
const OIDC_ROUTES = new Map<string, Partial<Record<string, Handler>>>([
  [PATH_DISCOVERY, { GET: handleDiscovery }],
  [PATH_JWKS, { GET: handleJwks }],
  // OpenID Connect Core 1.0 section 5.3.1 and RP-Initiated Logout 1.0 section 2: GET and POST.
  [PATH_USERINFO, { GET: handleUserinfo, POST: handleUserinfo }],
  [PATH_END_SESSION, { GET: handleEndSession, POST: handleEndSession }],
  [PATH_REVOCATION, { POST: handleRevocation }],
]);

function zeroCounts(oidc: boolean): DevCounts {
  const counts: DevCounts = { authorize: 0, consent: 0, token: 0, refresh: 0, user: 0, revoke: 0 };
  return oidc ? { ...counts, discovery: 0, jwks: 0, userinfo: 0, end_session: 0 } : counts;
}

function buildContext(options: DevProviderHandlerOptions): ProviderContext {
  const expiring = options.expiringTokens ?? false;
  const clock = options.clock ?? Date.now;
  const oidc = createOidcConfig(options);
  const store = new GrantStore({
    clock,
    expiring,
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? DEV_DEFAULTS.accessTokenTtlSeconds,
    refreshTokenTtlSeconds: options.refreshTokenTtlSeconds ?? DEV_DEFAULTS.refreshTokenTtlSeconds,
  });
  return {
    clients: new ClientRegistry(options.clients ?? [DEFAULT_CLIENT]),
    store,
    users: options.users ?? DEFAULT_USERS,
    counts: zeroCounts(oidc !== undefined),
    autoApprove: options.autoApprove ?? false,
    grantScopes: options.grantScopes ?? ((requested) => [...requested]),
    clock,
    oidc,
    origin: options.origin ?? '',
  };
}

/** Sends each request to its endpoint; unknown paths get GitHub's 404, known ones with another method 405. */
async function route(
  ctx: ProviderContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const method = req.method ?? 'GET';
  const path = url.pathname;
  if (path === PATH_AUTHORIZE && method === 'GET')
    return handleAuthorize(ctx, req, res, url.searchParams);
  if (path === PATH_AUTHORIZE && method === 'POST') return handleConsent(ctx, req, res);
  if (path === PATH_TOKEN && method === 'POST') return handleToken(ctx, req, res);
  if (path === PATH_USER && method === 'GET') return handleUser(ctx, req, res);
  const revoke = PATH_REVOKE.exec(path);
  if (revoke && method === 'DELETE')
    return handleRevoke(ctx, req, res, decodeURIComponent(revoke[1]!));
  const oidc = ctx.oidc ? OIDC_ROUTES.get(path) : undefined;
  const oidcHandler = oidc?.[method];
  if (oidcHandler) return oidcHandler(ctx, req, res, url);
  const known =
    [PATH_AUTHORIZE, PATH_TOKEN, PATH_USER].includes(path) || revoke !== null || oidc !== undefined;
  sendApiError(res, known ? 405 : 404, known ? 'Method Not Allowed' : 'Not Found');
}

/** Answers a failure without details: messages could otherwise carry request data. */
function fail(res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const status = error instanceof RequestRejected ? error.status : 500;
  const message = error instanceof RequestRejected ? error.message : 'internal error';
  send(
    res,
    status,
    { 'content-type': 'text/plain; charset=utf-8', connection: 'close' },
    `${message}\n`,
  );
}

/**
 * A `node:http` request listener serving the GitHub-compatible dev provider, for embedding in a
 * server of your own. {@link startDevProvider} is the same on a server of its own.
 *
 * @example
 * const handler = createDevProviderHandler({ autoApprove: true });
 * http.createServer(handler).listen(4000);
 */
export function createDevProviderHandler(
  options: DevProviderHandlerOptions = {},
): DevProviderHandler {
  const ctx = buildContext(options);
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    route(ctx, req, res).catch((error: unknown) => fail(res, error));
  };
  return Object.assign(listener, {
    counts: ctx.counts,
    registerClient: (client: DevClient) => ctx.clients.register(client),
    revokeAll: () => ctx.store.revokeAll(),
    setOrigin: (origin: string) => {
      ctx.origin = origin;
    },
    ready: async () => {
      await ctx.oidc?.key;
    },
  });
}

function checkPort(port: number): void {
  checkNumber(port, 'port must be an integer from 0 to 65535', {
    min: 0,
    max: 65535,
    integer: true,
  });
}

function originOf(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/**
 * Starts a GitHub-compatible OAuth authorization server (authorize with a consent page, token
 * endpoint with GitHub's quirks, `GET /user`, token revocation) on loopback.
 *
 * Implements RFC 6749 section 4.1 (authorization code grant) and section 6 (refresh), RFC 7636
 * (PKCE, S256 only) and the refresh token rotation of RFC 9700 section 4.14.2, shaped like
 * GitHub's OAuth apps. With `oidc: true`, also OpenID Connect Core 1.0 (ID tokens, userinfo),
 * Discovery 1.0, RP-Initiated Logout 1.0, RFC 7009 and RFC 9207; see {@link DevProvider.oidc}.
 *
 * @example
 * const provider = await startDevProvider({ autoApprove: true });
 * const app = new OAuth2Session({ clientId: 'dev-client-id', redirectUri: 'http://127.0.0.1:5000/callback' });
 * // ... authorize at provider.authorizeUrl, exchange at provider.tokenUrl, read provider.userUrl
 * await provider.close();
 */
export async function startDevProvider(options: DevProviderOptions = {}): Promise<DevProvider> {
  const port = options.port ?? 0;
  const host = options.host ?? '127.0.0.1';
  checkPort(port);
  const handler = createDevProviderHandler(options);
  // A key that cannot be made fails the start, not the first token request.
  await handler.ready();
  const server = createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const origin = originOf(host, (server.address() as AddressInfo).port);
  handler.setOrigin(origin);
  return {
    origin,
    authorizeUrl: origin + PATH_AUTHORIZE,
    tokenUrl: origin + PATH_TOKEN,
    userUrl: origin + PATH_USER,
    revokeUrl: (clientId: string) => origin + revokePath(clientId),
    counts: handler.counts,
    ...(options.oidc && { oidc: oidcUrls(origin) }),
    registerClient: handler.registerClient,
    revokeAll: handler.revokeAll,
    close: () => closeServer(server),
  };
}

function closeServer(server: ReturnType<typeof createServer>): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}
