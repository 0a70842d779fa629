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
import { webStreamOf } from './node-body.js';
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
    ...(hasBody ? { body: webStreamOf(req), duplex: 'half' } : {}),
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

/** Statuses whose answers have no body, and so no `Content-Length` (RFC 9110 section 8.6). */
const BODILESS: ReadonlySet<number> = new Set([204, 304]);

/** The Response's headers as Node takes them, every `Set-Cookie` kept apart. */
function headerFields(response: Response): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = Object.create(null);
  for (const [name, value] of response.headers) {
    if (name !== 'set-cookie') fields[name] = value;
  }
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) fields['set-cookie'] = cookies;
  return fields;
}

/** What of a body could be read without waiting for its producer. */
interface ReadyPart {
  chunks: Uint8Array[];
  /** The rest, still being produced: the body's reader and its read under way; none when the
   * chunks are the whole body. */
  rest?: RestOfBody | undefined;
}

interface RestOfBody {
  reader: ReadableStreamDefaultReader<Uint8Array>;
  next: Promise<ReadableStreamReadResult<Uint8Array>>;
}

/**
 * How much of a body is gathered to go out with the head, framed by its length; past it the
 * body streams, so an answer's size never sets the memory it takes.
 */
const WHOLE_BODY_BYTES = 64 * 1024;

/**
 * Reads the chunks of a body that are there already: a body made from a string or bytes, or
 * wholly received, is in memory, and its reads settle in microtasks, before the event loop's
 * next turn (`setImmediate`). A read still pending then waits on its producer (server-sent
 * events, a long download): the part read so far is answered, and the rest streams. So does
 * the rest of a body past {@link WHOLE_BODY_BYTES}.
 */
async function readReady(body: ReadableStream<Uint8Array> | null): Promise<ReadyPart> {
  const chunks: Uint8Array[] = [];
  if (!body) return { chunks };
  const reader = body.getReader();
  let bytes = 0;
  let turned = false;
  let turn: ReturnType<typeof setImmediate> | undefined;
  const nextTurn = new Promise<undefined>((resolve) => {
    turn = setImmediate(() => {
      turned = true;
      resolve(undefined);
    });
  });
  try {
    for (;;) {
      const read = reader.read();
      const next = turned ? undefined : await Promise.race([read, nextTurn]);
      // Still waiting: the streaming writer takes the read over.
      if (next === undefined) return { chunks, rest: { reader, next: read } };
      if (next.done) return { chunks };
      chunks.push(bytesOf(next.value));
      bytes += next.value.byteLength;
      if (bytes > WHOLE_BODY_BYTES) return { chunks, rest: { reader, next: reader.read() } };
    }
  } finally {
    clearImmediate(turn);
  }
}

/** A body chunk, which must be bytes (as `arrayBuffer()` requires of a Response body). */
function bytesOf(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  throw new TypeError('a Response body chunk is not a Uint8Array');
}

/** Concatenates chunks (one chunk as it is). */
function joined(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const whole = new Uint8Array(chunks.reduce((sum, c) => sum + c.byteLength, 0));
  let at = 0;
  for (const chunk of chunks) {
    whole.set(chunk, at);
    at += chunk.byteLength;
  }
  return whole;
}

/** Resolves once the socket takes writes again, or the response is closed. */
function drained(res: ExpressResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}

/**
 * Writes the rest of a body as its producer makes it: each chunk as it comes, waiting for
 * `drain` when the socket's buffer is full. A visitor who leaves cancels the producer; a body
 * that fails after the head went out ends the connection, so the visitor never takes a cut
 * body for a whole one.
 */
async function streamRest(res: ExpressResponse, { reader, next }: RestOfBody): Promise<void> {
  const gone = () => void reader.cancel().catch(() => {});
  res.once('close', gone);
  try {
    let read = next;
    for (;;) {
      const { done, value } = await read;
      if (done) break;
      if (res.destroyed) return;
      if (!res.write(bytesOf(value))) await drained(res);
      read = reader.read();
    }
    res.end();
  } catch (error) {
    res.destroy(error instanceof Error ? error : undefined);
  } finally {
    res.off('close', gone);
  }
}

/**
 * Writes a Web Response to Express, every `Set-Cookie` kept apart (headers set before by other
 * middleware are kept unless the Response names them too). A body that is there already (a
 * string, bytes, a page) goes out with the head in one `writeHead` and `end`, framed by its
 * length; a body still being produced (server-sent events, a download) streams: the head and
 * what is there at once, then each chunk as it comes.
 */
export async function sendWebResponse(res: ExpressResponse, response: Response): Promise<void> {
  const fields = headerFields(response);
  const ready = await readReady(response.body);
  if (!ready.rest) {
    const body = ready.chunks.length > 0 ? joined(ready.chunks) : undefined;
    // Framed by its length, as Node frames a whole body it is given at once (never chunked).
    if (fields['content-length'] === undefined && !BODILESS.has(response.status))
      fields['content-length'] = String(body?.byteLength ?? 0);
    res.writeHead(response.status, fields);
    res.end(body);
    return;
  }
  res.writeHead(response.status, fields);
  for (const chunk of ready.chunks) res.write(chunk);
  await streamRest(res, ready.rest);
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
