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
  const headers: [string, string][] = [];
  // Node's own merge of repeated fields (cookies joined with `; `), then as they came.
  for (const name in req.headers) {
    const value = req.headers[name];
    if (typeof value === 'string') headers.push([name, value]);
    else if (value) for (const v of value) headers.push([name, v]);
  }
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  return new Request(trustedUrl(origin, req.originalUrl), {
    method: req.method,
    headers,
    signal,
    ...(hasBody ? { body: streamOf(req), duplex: 'half' } : {}),
  } as RequestInit);
}

/**
 * The Web Request of a visitor's request, whose `signal` aborts when the visitor goes away (the
 * connection closes before the answer is written), so what the handler waits on upstream is
 * given up too. The signal is made when first read: a Request built with a signal costs several
 * times one without (the runtime ties the two with listeners and a finalizer), and most routes
 * never read it. `request.signal` is the visitor's; a copy made with `new Request(request)`
 * does not follow it (pass `request.signal` along instead, as the handlers do).
 */
function visitorRequest(req: ExpressRequest, res: ExpressResponse, origin: string): Request {
  const request = toWebRequest(req, origin);
  let left: AbortController | undefined;
  let gone = false;
  res.once('close', () => {
    if (res.writableFinished) return;
    gone = true;
    left?.abort();
  });
  Object.defineProperty(request, 'signal', {
    configurable: true,
    enumerable: true,
    get() {
      if (!left) {
        left = new AbortController();
        if (gone) left.abort();
      }
      return left.signal;
    },
  });
  return request;
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

/** Statuses whose answers have no body, and so no `Content-Length` (RFC 9110 section 8.6). */
const BODILESS: ReadonlySet<number> = new Set([204, 304]);

/**
 * Writes a Web Response to Express, every `Set-Cookie` kept apart: the body read first, then
 * status and headers in one `writeHead` and the body in the same `end` (headers set before by
 * other middleware are kept unless the Response names them too).
 */
export async function sendWebResponse(res: ExpressResponse, response: Response): Promise<void> {
  const body = response.body ? new Uint8Array(await response.arrayBuffer()) : undefined;
  const fields: Record<string, string | string[]> = Object.create(null);
  for (const [name, value] of response.headers) {
    if (name !== 'set-cookie') fields[name] = value;
  }
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) fields['set-cookie'] = cookies;
  // Framed by its length, as Node frames a whole body it is given at once (never chunked).
  if (fields['content-length'] === undefined && !BODILESS.has(response.status))
    fields['content-length'] = String(body?.byteLength ?? 0);
  res.writeHead(response.status, fields);
  res.end(body);
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
    handler(visitorRequest(req, res, origin))
      .then((response) => sendWebResponse(res, response))
      .catch(next);
  };
}

/**
 * A Router with the routes of the handlers' route table: `GET login`, `GET|POST callback` and
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
