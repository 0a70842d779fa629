/**
 * The same small app (login, callback, logout, /profile) on Express and on Hono, on a free
 * loopback port, for the shared adapter contract suite.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import express from 'express';
import { Hono } from 'hono';
import { oauthRouter, toExpress } from 'oauth2-session/express';
import { oauthRoutes, toHono } from 'oauth2-session/hono';
import {
  createOAuthHandlers,
  type OAuthHandlers,
  type OAuthHandlersOptions,
} from 'oauth2-session/web';

/** A running app. */
export interface TestApp {
  origin: string;
  handlers: OAuthHandlers;
  close(): Promise<void>;
}

/** Builds the framework app around handlers; `userUrl` is the provider's user endpoint. */
export type AppFactory = (
  handlers: OAuthHandlers,
  baseUrl: string,
  userUrl: string,
) => (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void;

/** The /profile route, identical on both frameworks. */
export const profile =
  (handlers: OAuthHandlers, userUrl: string) =>
  (request: Request): Promise<Response> =>
    handlers.withClient(request, async (client) => {
      const upstream = await client.get(userUrl);
      return new Response(await upstream.text(), {
        status: upstream.status,
        headers: { 'content-type': 'application/json' },
      });
    });

export const expressApp: AppFactory = (handlers, baseUrl, userUrl) => {
  const app = express();
  app.use(oauthRouter(handlers, { baseUrl }));
  app.get('/profile', toExpress(profile(handlers, userUrl), { baseUrl }));
  return app;
};

export const honoApp: AppFactory = (handlers, baseUrl, userUrl) => {
  const app = new Hono();
  app.route('/', oauthRoutes(handlers, { baseUrl }));
  app.get('/profile', toHono(profile(handlers, userUrl), { baseUrl }));
  return getRequestListener(app.fetch);
};

/**
 * Starts the app on a free port; the handlers get `redirectUri` = origin + /callback, so the
 * server listens before they are made.
 */
export async function startApp(
  factory: AppFactory,
  options: Omit<OAuthHandlersOptions, 'redirectUri'>,
  userUrl: string,
): Promise<TestApp> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const handlers = createOAuthHandlers({ ...options, redirectUri: `${origin}/callback` });
  server.on('request', factory(handlers, origin, userUrl));
  return {
    origin,
    handlers,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
