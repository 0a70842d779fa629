/**
 * The HTTP side of a provider emulator: a server on 127.0.0.1 (a free port), routes by method
 * and path (`:name` segments), each request read whole (form, JSON and text), counted per route
 * and kept, and answered with JSON, a form, text or a redirect.
 *
 * An emulator is a map of named routes; the names are what its counters and records use:
 *
 * ```ts
 * const http = await startEmulator({
 *   token: route('POST', '/oauth/token', (req) => json(200, { access_token: 'a' })),
 *   user: route('GET', '/api/v4/user', (req) => json(200, { id: 1 })),
 * });
 * http.counts.token; // requests to the token route so far
 * ```
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as a route sees it: read whole, its body parsed as the content type says. */
export interface EmulatorRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: Headers;
  readonly text: string;
  /** The body's fields when it is `application/x-www-form-urlencoded`, else empty. */
  readonly form: URLSearchParams;
  /** The body when it is JSON and parses (`null` included), else `undefined`. */
  readonly json: unknown;
  /** The bare media type of the body (`application/json`), or '' without one. */
  readonly contentType: string;
  /** The `:name` segments of the route's path. */
  readonly params: Readonly<Record<string, string>>;
}

/** What a route answers. One of `json`, `form`, `text` (or none: an empty body). */
export interface Reply {
  status?: number | undefined;
  headers?: Record<string, string> | undefined;
  json?: unknown;
  form?: Record<string, string> | undefined;
  text?: string | undefined;
}

/** Answers one request of a route. */
export type Handler = (request: EmulatorRequest) => Reply | Promise<Reply>;

/** A route of an emulator: which requests it takes and how it answers them. */
export interface Route {
  /** One method, or several. */
  readonly method: string | readonly string[];
  /** A path, with `:name` for a segment a handler reads from `params`. */
  readonly path: string;
  readonly handle: Handler;
}

/** A running emulator. */
export interface Emulator<Name extends string = string> {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  readonly origin: string;
  /** Requests per route so far, every answer counted (errors too). */
  readonly counts: Record<Name, number>;
  /** The requests per route, oldest first. */
  readonly requests: Record<Name, EmulatorRequest[]>;
  /** Requests that matched no route (answered 404). */
  readonly unmatched: EmulatorRequest[];
  url(path: string): string;
  close(): Promise<void>;
}

/** A route: `method` and `path`, answered by `handle`. */
export const route = (
  method: string | readonly string[],
  path: string,
  handle: Handler,
): Route => ({ method, path, handle });

/** A JSON answer (`application/json; charset=utf-8`). */
export const json = (status: number, body: unknown, headers: Record<string, string> = {}) => ({
  status,
  json: body,
  headers,
});

/** A form-encoded answer. */
export const form = (status: number, body: Record<string, string>): Reply => ({
  status,
  form: body,
});

/** A `302 Found` to `location`. */
export const redirect = (location: string | URL): Reply => ({
  status: 302,
  headers: { location: String(location) },
});

/** A plain text answer. */
export const text = (status: number, body: string, headers: Record<string, string> = {}) => ({
  status,
  text: body,
  headers,
});

async function readRequest(req: IncomingMessage, origin: string) {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks).toString('utf8');
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const contentType = (headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  let parsed: unknown;
  if (contentType === 'application/json') {
    try {
      parsed = JSON.parse(body);
    } catch {
      parsed = undefined;
    }
  }
  return {
    method: req.method ?? 'GET',
    url: new URL(req.url ?? '/', origin),
    headers,
    text: body,
    form: new URLSearchParams(contentType === 'application/x-www-form-urlencoded' ? body : ''),
    json: parsed,
    contentType,
  };
}

/** The `:name` values when `path` matches the route's pattern, else undefined. */
function match(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, segment] of want.entries()) {
    const value = got[i]!;
    if (segment.startsWith(':')) params[segment.slice(1)] = decodeURIComponent(value);
    else if (segment !== value) return undefined;
  }
  return params;
}

function send(res: import('node:http').ServerResponse, reply: Reply) {
  const headers: Record<string, string> = {};
  let body = '';
  if (reply.json !== undefined) {
    headers['content-type'] = 'application/json; charset=utf-8';
    body = JSON.stringify(reply.json);
  } else if (reply.form !== undefined) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(reply.form).toString();
  } else if (reply.text !== undefined) {
    headers['content-type'] = 'text/plain; charset=utf-8';
    body = reply.text;
  }
  res.writeHead(reply.status ?? 200, { ...headers, ...reply.headers });
  res.end(body);
}

/**
 * Starts an emulator serving `routes` on 127.0.0.1, on a port the system picks. A path that
 * matches a route but not its method is answered 405; a path no route has, 404; a handler that
 * throws, 500 with the message (emulator bugs surface in the test that hit them).
 */
export async function startEmulator<Name extends string>(
  routes: Record<Name, Route>,
): Promise<Emulator<Name>> {
  const names = Object.keys(routes) as Name[];
  const counts = Object.fromEntries(names.map((n) => [n, 0])) as Record<Name, number>;
  const requests = Object.fromEntries(names.map((n) => [n, []])) as unknown as Record<
    Name,
    EmulatorRequest[]
  >;
  const unmatched: EmulatorRequest[] = [];
  let origin = '';
  const server = createServer(async (req, res) => {
    try {
      const read = await readRequest(req, origin);
      const found = names.flatMap((name) => {
        const params = match(routes[name].path, read.url.pathname);
        return params ? [{ name, params }] : [];
      });
      const methods = (name: Name) => [routes[name].method].flat();
      const hit = found.find(({ name }) => methods(name).includes(read.method));
      if (!hit) {
        unmatched.push({ ...read, params: {} });
        return send(res, found.length ? text(405, 'method not allowed') : text(404, 'not found'));
      }
      const request: EmulatorRequest = { ...read, params: hit.params };
      counts[hit.name]++;
      requests[hit.name].push(request);
      send(res, await routes[hit.name].handle(request));
    } catch (error) {
      if (!res.headersSent) send(res, text(500, String(error)));
    }
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    counts,
    requests,
    unmatched,
    url: (path) => `${origin}${path}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Plays the browser at an authorization URL: follows it without following the redirect, and
 * answers where the provider sent the browser back (the callback URL, which is not visited).
 *
 * @throws Error when the answer is not a redirect (a refused request answers a page)
 */
export async function followAuthorization(authorizationUrl: string): Promise<string> {
  const answer = await fetch(authorizationUrl, { redirect: 'manual' });
  const location = answer.headers.get('location');
  if (answer.status < 300 || answer.status > 399 || !location) {
    throw new Error(`authorize answered ${answer.status}: ${await answer.text()}`);
  }
  return new URL(location, authorizationUrl).href;
}
