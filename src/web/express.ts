/**
 * `oauth2-session/express`: Express 5 <-> Web Request / Response, so the handlers of
 * `oauth2-session/web` run as Express middleware. Translation only.
 *
 * @module oauth2-session/express
 */

import type {
  Request as ExpressRequest,
  Response as ExpressResponse,
  NextFunction,
  RequestHandler,
} from 'express';
import { Router } from 'express';
import type { OAuthHandlers } from './handlers.js';
import { type OAuthRoutePaths, oauthRouteTable } from './routes.js';
import { trustedOrigin, trustedUrl } from './trusted-url.js';

/** A Web handler: Request in, Response out. */
export type WebHandler = (request: Request) => Promise<Response>;

/** Options of the Express adapter. */
export interface ExpressAdapterOptions {
  /** The app's public origin (`https://app.example`); request URLs are built on it, never on
   * `Host` headers. Default `http://localhost` (only path and query matter to the handlers). */
  baseUrl?: string | undefined;
}

/** Paths of {@link oauthRouter}: the route table's ({@link OAuthRoutePaths}). */
export type OAuthRouterPaths = OAuthRoutePaths;

/** Turns an Express request into a Web Request on the trusted origin. */
export function toWebRequest(req: ExpressRequest, origin: string, signal?: AbortSignal): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  return new Request(trustedUrl(origin, req.originalUrl), {
    method: req.method,
    headers,
    signal,
    ...(hasBody ? { body: streamOf(req), duplex: 'half' } : {}),
  } as RequestInit);
}

/** A request body as a Web stream. */
function streamOf(req: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
  const chunks = req[Symbol.asyncIterator]();
  return new ReadableStream({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
  });
}

/** Writes a Web Response to Express, every `Set-Cookie` kept apart. */
export async function sendWebResponse(res: ExpressResponse, response: Response): Promise<void> {
  res.status(response.status);
  for (const [name, value] of response.headers) {
    if (name !== 'set-cookie') res.setHeader(name, value);
  }
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader('set-cookie', cookies);
  res.end(response.body ? new Uint8Array(await response.arrayBuffer()) : undefined);
}

/**
 * Express middleware running a Web handler; its errors go to Express's `next`.
 *
 * @example
 * ```ts
 * app.get('/profile', toExpress((req) => auth.withClient(req, (c) => c.get(USER_URL))));
 * ```
 */
export function toExpress(
  handler: WebHandler,
  options: ExpressAdapterOptions = {},
): RequestHandler {
  const origin = trustedOrigin(options.baseUrl);
  return (req: ExpressRequest, res: ExpressResponse, next: NextFunction) => {
    // The visitor leaving (the connection closing before the answer is written) aborts the Web
    // request's signal, so what the handler is waiting on upstream is given up too.
    const left = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) left.abort();
    });
    handler(toWebRequest(req, origin, left.signal))
      .then((response) => sendWebResponse(res, response))
      .catch(next);
  };
}

/**
 * A Router with the routes of the handlers' route table: `GET login`, `GET callback` and
 * `GET|POST logout` (default `/login`, `/callback`, `/logout`).
 */
export function oauthRouter(
  handlers: OAuthHandlers,
  options: ExpressAdapterOptions & { paths?: OAuthRouterPaths | undefined } = {},
): Router {
  const router = Router();
  for (const route of oauthRouteTable(options.paths)) {
    const handler = toExpress(handlers[route.handler], options);
    for (const method of route.methods)
      router[method === 'GET' ? 'get' : 'post'](route.path, handler);
  }
  return router;
}
