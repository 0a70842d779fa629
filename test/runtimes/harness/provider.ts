/**
 * The provider the runtimes talk to: the project's dev provider, started in Node on loopback,
 * approving at once (no consent page to click through), with expiring tokens so a refresh
 * has a refresh token to spend. The browser's copy answers CORS for the page's origin, as a
 * provider whose token endpoint serves single-page apps does.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createDevProviderHandler,
  type DevProvider,
  type DevProviderOptions,
  startDevProvider,
} from 'oauth2-session/dev-provider';

/** The registered app every runtime logs in as; any loopback callback is accepted. */
export const CLIENT = Object.freeze({
  clientId: 'runtime-suite',
  clientSecret: 'runtime-suite-secret',
});

const options = (): DevProviderOptions => ({
  autoApprove: true,
  expiringTokens: true,
  clients: [{ ...CLIENT, redirectUris: [] }],
});

/** Starts the dev provider on 127.0.0.1 (a free port). */
export function startProvider(): Promise<DevProvider> {
  return startDevProvider(options());
}

/** A dev provider answering CORS for one origin, and where it listens. */
export interface CorsProvider {
  origin: string;
  authorizeUrl: string;
  tokenUrl: string;
  userUrl: string;
  /** Preflight (`OPTIONS`) requests seen, by path. */
  preflights: string[];
  close(): Promise<void>;
}

/**
 * The dev provider behind CORS headers for `allowedOrigin`: preflights answered for the
 * headers the core sends (`authorization` for client_secret_basic, `content-type`, `accept`),
 * and `Access-Control-Allow-Origin` on every answer.
 */
export async function startCorsProvider(allowedOrigin: string): Promise<CorsProvider> {
  const handler = createDevProviderHandler(options());
  await handler.ready();
  const preflights: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    res.setHeader('access-control-allow-origin', allowedOrigin);
    res.setHeader('vary', 'Origin');
    if (req.method === 'OPTIONS') {
      preflights.push(new URL(req.url ?? '/', 'http://x').pathname);
      res.writeHead(204, {
        'access-control-allow-methods': 'GET, POST',
        'access-control-allow-headers': 'authorization, content-type, accept, user-agent',
        'access-control-max-age': '0',
      });
      res.end();
      return;
    }
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  handler.setOrigin(origin);
  return {
    origin,
    authorizeUrl: `${origin}/login/oauth/authorize`,
    tokenUrl: `${origin}/login/oauth/access_token`,
    userUrl: `${origin}/user`,
    preflights,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
