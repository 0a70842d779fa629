/**
 * The benchmark's floor: the seed's three routes on bare `node:http` with no library at all;
 * also the same routes on Express 5 (the Express floor), which tells what the framework itself
 * costs apart from any OAuth library.
 * Bench code only: sessions are a plain cookie -> in-memory map, nothing is sealed, errors are
 * terse. It still does what the protocol needs (state check, S256 PKCE) so the provider does
 * the same work per login for the floor as for the library's app.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';

/** Where the floor finds the provider, and as whom it logs in. */
export interface FloorOptions {
  clientId: string;
  clientSecret: string;
  authorizeUrl: string;
  tokenUrl: string;
  userUrl: string;
  /** Default 0 (a free port). */
  port?: number | undefined;
}

interface FloorSession {
  state?: string | undefined;
  verifier?: string | undefined;
  accessToken?: string | undefined;
}

const b64url = (bytes: Buffer) => bytes.toString('base64url');

function sessionId(req: IncomingMessage): string | undefined {
  return /(?:^|;\s*)sid=([\w-]+)/.exec(req.headers.cookie ?? '')?.[1];
}

function redirect(res: ServerResponse, location: string, cookie?: string): void {
  const headers: Record<string, string> = { location, 'content-length': '0' };
  if (cookie) headers['set-cookie'] = cookie;
  res.writeHead(302, headers).end();
}

function fail(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'text/plain' }).end(message);
}

/** Builds the three route handlers over one session map. */
function routes(options: FloorOptions) {
  const sessions = new Map<string, FloorSession>();

  const login = (req: IncomingMessage, res: ServerResponse) => {
    const sid = sessionId(req) ?? b64url(randomBytes(16));
    const state = b64url(randomBytes(16));
    const verifier = b64url(randomBytes(32));
    sessions.set(sid, { ...sessions.get(sid), state, verifier });
    const url = new URL(options.authorizeUrl);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('client_id', options.clientId);
    url.searchParams.set('state', state);
    url.searchParams.set('code_challenge', b64url(createHash('sha256').update(verifier).digest()));
    url.searchParams.set('code_challenge_method', 'S256');
    redirect(res, url.href, `sid=${sid}; Path=/; HttpOnly; SameSite=Lax`);
  };

  const callback = async (req: IncomingMessage, res: ServerResponse) => {
    const params = new URL(req.url ?? '/', 'http://floor').searchParams;
    const session = sessions.get(sessionId(req) ?? '');
    const code = params.get('code');
    if (!session?.state || params.get('state') !== session.state || !code) {
      return fail(res, 400, 'bad callback');
    }
    const body = new URLSearchParams({
      client_id: options.clientId,
      client_secret: options.clientSecret,
      code,
      code_verifier: session.verifier ?? '',
    });
    session.state = undefined;
    const reply = await fetch(options.tokenUrl, {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    const token = (await reply.json()) as { access_token?: string | undefined };
    if (!token.access_token) return fail(res, 502, 'no token');
    session.accessToken = token.access_token;
    redirect(res, '/profile');
  };

  const profile = async (req: IncomingMessage, res: ServerResponse) => {
    const token = sessions.get(sessionId(req) ?? '')?.accessToken;
    if (!token) return redirect(res, '/');
    const reply = await fetch(options.userUrl, {
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/json',
        'user-agent': 'floor',
      },
    });
    const json = await reply.text();
    res.writeHead(reply.status, { 'content-type': 'application/json' }).end(json);
  };

  return { '/': login, '/callback': callback, '/profile': profile } as Record<string, Handler>;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** A handler whose failure answers a terse 500. */
const guarded =
  (handler: Handler): Handler =>
  (req, res) => {
    Promise.resolve(handler(req, res)).catch(() => {
      if (!res.headersSent) fail(res, 500, 'error');
    });
  };

/** The floor's routes on bare node:http. */
function nodeListener(options: FloorOptions) {
  const table = routes(options);
  return (req: IncomingMessage, res: ServerResponse) => {
    const handler = table[new URL(req.url ?? '/', 'http://floor').pathname];
    if (!handler) return fail(res, 404, 'not found');
    guarded(handler)(req, res);
  };
}

/** The same routes, the same handlers, registered on an Express 5 app. */
function expressListener(options: FloorOptions) {
  const app = express();
  app.disable('x-powered-by');
  for (const [path, handler] of Object.entries(routes(options))) app.get(path, guarded(handler));
  return app;
}

/**
 * Starts the floor on loopback (on Express 5 when `framework` is `express`); answers its
 * origin and a close function.
 */
export async function startFloor(
  options: FloorOptions,
  framework: 'node' | 'express' = 'node',
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(
    framework === 'express' ? expressListener(options) : nodeListener(options),
  );
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
