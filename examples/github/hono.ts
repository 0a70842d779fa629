/**
 * The seed's app on Hono (`npm run start:hono`): `npx tsx examples/github/hono.ts`.
 * The Hono twin of ./express.ts: the same configuration and routes.
 */
import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import { toHono } from 'oauth2-session/hono';
import type { AppEnv } from './config.js';
import type { Routes } from './routes.js';
import { isMain, type RunningApp, type StartOptions, startApp } from './server.js';

/** A Hono app serving the shared routes, on Node's HTTP server. */
export function honoServer(routes: Routes, baseUrl?: string): Server {
  const app = new Hono();
  for (const [path, route] of Object.entries(routes)) app.get(path, toHono(route, { baseUrl }));
  // Say only that it failed (see express.ts).
  app.onError((error, c) => {
    console.error(`request failed: ${error.name}`);
    return c.text('Something went wrong.', 500);
  });
  return createAdaptorServer({ fetch: app.fetch }) as Server;
}

/**
 * Starts the Hono app; `PORT=0` picks a free port.
 *
 * @example
 * const app = await start({ PORT: '0' }, { quiet: true });
 * await app.close();
 */
export function start(env: AppEnv = process.env, options: StartOptions = {}): Promise<RunningApp> {
  return startApp('Hono', env, honoServer, options);
}

if (isMain(import.meta.url)) {
  const app = await start();
  const stop = () => void app.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
