/**
 * `oauth2-session/hono`: the handlers of `oauth2-session/web` as Hono routes. Hono already
 * speaks Web Request / Response; the adapter only rebuilds the URL on a trusted origin.
 *
 * @module oauth2-session/hono
 */

import { type Context, Hono } from 'hono';
import type { OAuthHandlers } from './handlers.js';
import { oauthRouteTable, type OAuthRoutePaths as RoutePaths } from './routes.js';
import { trustedOrigin, trustedUrl } from './trusted-url.js';

/** A Web handler: Request in, Response out. */
export type WebHandler = (request: Request) => Promise<Response>;

/** Options of the Hono adapter. */
export interface HonoAdapterOptions {
  /** The app's public origin; request URLs are built on it, never on `Host` headers.
   * Default `http://localhost` (only path and query matter to the handlers). */
  baseUrl?: string | undefined;
}

/**
 * The raw request with its URL rebuilt on the trusted origin; the raw request itself when its
 * URL is that already (the usual case: copying a Request costs more than the adapter's whole
 * translation, its signal rewired included).
 */
export function trustedRequest(raw: Request, origin: string): Request {
  const url = new URL(raw.url);
  const trusted = trustedUrl(origin, url.pathname + url.search);
  return trusted === raw.url ? raw : new Request(trusted, raw);
}

/**
 * A Hono handler running a Web handler.
 *
 * @example
 * ```ts
 * app.get('/profile', toHono((req) => auth.withClient(req, (c) => c.get(USER_URL))));
 * ```
 */
export function toHono(handler: WebHandler, options: HonoAdapterOptions = {}) {
  const origin = trustedOrigin(options.baseUrl);
  return (c: Context): Promise<Response> => handler(trustedRequest(c.req.raw, origin));
}

/** Paths of {@link oauthRoutes}: the route table's. */
export type OAuthRoutePaths = RoutePaths;

/**
 * A Hono app with the routes of the handlers' route table: `GET login`, `GET|POST callback` and
 * `GET|POST logout` (default `/login`, `/callback`, `/logout`); mount it with
 * `app.route('/', oauthRoutes(auth))`.
 */
export function oauthRoutes(
  handlers: OAuthHandlers,
  options: HonoAdapterOptions & { paths?: OAuthRoutePaths | undefined } = {},
): Hono {
  const app = new Hono();
  for (const route of oauthRouteTable(options.paths)) {
    app.on([...route.methods], route.path, toHono(handlers[route.handler], options));
  }
  return app;
}
