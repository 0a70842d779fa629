/**
 * A real HTTP server on 127.0.0.1 (port 0) for core tests: records every request and answers
 * through a handler. Every test that starts one closes it.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The body parsed as a form. */
  form: URLSearchParams;
}

export interface Reply {
  status?: number | undefined;
  headers?: Record<string, string> | undefined;
  /** Objects are sent as JSON. */
  body?: string | object | undefined;
  /** Delay before answering, in milliseconds. */
  delayMs?: number | undefined;
}

export type Handler = (request: Recorded) => Reply | Promise<Reply>;

export interface TestServer {
  /** Base URL without trailing slash, e.g. http://127.0.0.1:12345 */
  url: string;
  requests: Recorded[];
  /** Requests made to `path` (all when omitted). */
  count(path?: string): number;
  close(): Promise<void>;
}

export async function startServer(handler: Handler): Promise<TestServer> {
  const requests: Recorded[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const rec: Recorded = {
      method: req.method ?? '',
      path: (req.url ?? '').split('?')[0]!,
      headers: req.headers,
      body,
      form: new URLSearchParams(body),
    };
    requests.push(rec);
    const reply = await handler(rec);
    if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
    const isObject = typeof reply.body === 'object';
    const headers = {
      ...(isObject ? { 'content-type': 'application/json' } : {}),
      ...reply.headers,
    };
    if (res.destroyed) return;
    res.writeHead(reply.status ?? 200, headers);
    res.end(isObject ? JSON.stringify(reply.body) : (reply.body ?? ''));
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    count: (path) => (path ? requests.filter((r) => r.path === path).length : requests.length),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A standard token answer. */
export const tokenReply = (fields: Record<string, unknown> = {}, status = 200): Reply => ({
  status,
  body: { access_token: 'at-1', token_type: 'Bearer', expires_in: 3600, ...fields },
});
