/**
 * `oauth2-session/fastify`: Fastify 5 <-> Web Request / Response, so the handlers of
 * `oauth2-session/web` run as Fastify routes. Translation only.
 *
 * Fastify parses bodies before a route runs; the handlers read their own (the logout form,
 * bounded), so the routes live in a scope whose content-type parsers leave the body unread
 * ({@link passThroughBodies}) and the handler gets the request stream as it arrives.
 *
 * @module oauth2-session/fastify
 */

import type { IncomingMessage } from 'node:http';
import type {
  FastifyInstance,
  FastifyPluginCallback,
  FastifyReply,
  FastifyRequest,
  RouteHandlerMethod,
} from 'fastify';
import { misuse } from '../errors.js';
import type { OAuthHandlers } from './handlers.js';
import { webStreamOf } from './node-body.js';
import { type OAuthRoutePaths, oauthRouteTable } from './routes.js';
import { trustedOrigin, trustedUrl } from './trusted-url.js';

/** A Web handler: Request in, Response out. */
export type WebHandler = (request: Request) => Promise<Response>;

/** Options of the Fastify adapter. */
export interface FastifyAdapterOptions {
  /** The app's public origin (`https://app.example`); request URLs are built on it, never on
   * `Host` headers. Default `http://localhost` (only path and query matter to the handlers). */
  baseUrl?: string | undefined;
}

/** Options of {@link oauthPlugin}: the adapter's, and paths replacing the default routes. */
export interface FastifyPluginOptions extends FastifyAdapterOptions {
  /** Paths that replace `/login`, `/callback` and `/logout`, by handler. */
  paths?: OAuthRoutePaths | undefined;
}

/**
 * Makes the routes of `instance` (a plugin's scope: Fastify keeps parsers per scope) receive
 * every body unread, whatever its content type, so a Web handler reads it as a stream and
 * applies its own limit. The scope's other parsers (JSON, text) are removed.
 */
export function passThroughBodies(instance: FastifyInstance): void {
  instance.removeAllContentTypeParsers();
  instance.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
}

/** Turns a Fastify request into a Web Request on the trusted origin. */
export function toWebRequest(
  request: FastifyRequest,
  origin: string,
  signal?: AbortSignal,
): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  const body = bodyOf(request);
  return new Request(trustedUrl(origin, request.url), {
    method: request.method,
    headers,
    signal,
    ...(body ? { body, duplex: 'half' } : {}),
  } as RequestInit);
}

/**
 * The request body for the Web Request: the stream a pass-through parser handed on, else the
 * raw request when nothing read it. A body some other parser already consumed cannot be
 * given again: that route is outside a {@link passThroughBodies} scope, a mistake of setup.
 */
function bodyOf(request: FastifyRequest): ReadableStream<Uint8Array> | undefined {
  if (request.method === 'GET' || request.method === 'HEAD') return undefined;
  const passed = request.body;
  if (isReadable(passed)) return webStreamOf(passed);
  if (passed === undefined && !request.raw.readableEnded) return webStreamOf(request.raw);
  if (passed === undefined) return undefined;
  throw misuse(
    'fastify already parsed this body: register the route inside oauthPlugin or a passThroughBodies scope',
  );
}

function isReadable(value: unknown): value is IncomingMessage {
  return typeof (value as { pipe?: unknown } | null)?.pipe === 'function';
}

/**
 * Writes a Web Response with Fastify: status, headers (every `Set-Cookie` kept apart) and the
 * body streamed as it comes. Answers the reply, so a route can `return` it.
 */
export function sendWebResponse(reply: FastifyReply, response: Response): FastifyReply {
  reply.code(response.status);
  for (const [name, value] of response.headers) {
    if (name !== 'set-cookie') reply.header(name, value);
  }
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) reply.header('set-cookie', cookies);
  return reply.send(response.body ?? undefined);
}

/**
 * A Fastify route handler running a Web handler; its errors go to Fastify's error handler. A
 * route that takes a body belongs in a {@link passThroughBodies} scope.
 *
 * @example
 * ```ts
 * app.get('/profile', toFastify((req) => auth.withClient(req, (c) => c.get(USER_URL))));
 * ```
 */
export function toFastify(
  handler: WebHandler,
  options: FastifyAdapterOptions = {},
): RouteHandlerMethod {
  const origin = trustedOrigin(options.baseUrl);
  return async (request, reply) => {
    // The visitor leaving (the connection closing before the answer is written) aborts the Web
    // request's signal, so what the handler is waiting on upstream is given up too.
    const left = new AbortController();
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) left.abort();
    });
    const response = await handler(toWebRequest(request, origin, left.signal));
    return sendWebResponse(reply, response);
  };
}

/**
 * A Fastify plugin with the routes of the handlers' route table: `GET login`, `GET|POST callback`
 * and `GET|POST logout` (default `/login`, `/callback`, `/logout`), in a scope of their own
 * where bodies reach the handlers unread (the logout form; the handlers bound what they read).
 *
 * @example
 * ```ts
 * const app = Fastify();
 * await app.register(oauthPlugin(auth, { baseUrl: 'https://app.example' }));
 * app.get('/profile', toFastify((req) => auth.withClient(req, (c) => c.get(USER_URL))));
 * ```
 */
export function oauthPlugin(
  handlers: OAuthHandlers,
  options: FastifyPluginOptions = {},
): FastifyPluginCallback {
  const routes = oauthRouteTable(options.paths);
  return (instance, _opts, done) => {
    passThroughBodies(instance);
    for (const route of routes) {
      instance.route({
        method: [...route.methods],
        url: route.path,
        handler: toFastify(handlers[route.handler], options),
      });
    }
    done();
  };
}
