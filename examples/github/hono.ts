/**
 * The seed's app on Hono (`npm run start:hono`): `npx tsx examples/github/hono.ts`.
 * The Hono twin of ./express.ts: the same configuration and routes.
 */
import type { RequestListener, Server } from 'node:http';
import { createAdaptorServer, getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import { toHono } from 'oauth2-session/hono';
import type { AppEnv } from './config.js';
import type { Routes } from './routes.js';
import { isMain, type RunningApp, runAsProgram, type StartOptions, startApp } from './server.js';

/** A Hono app serving the shared routes (each on its methods), URLs on `baseUrl`. */
function honoApp(routes: Routes, baseUrl?: string): Hono {
  const app = new Hono();
  for (const [path, route] of Object.entries(routes)) {
    app.on([...route.methods], path, toHono(route.handler, { baseUrl }));
  }
  // Say only that it failed (see express.ts).
  app.onError((error, c) => {
    console.error(`request failed: ${error.name}`);
    return c.text('Something went wrong.', 500);
  });
  return app;
}

/** The Hono app as a Node request listener. */
export function honoListener(routes: Routes, baseUrl?: string): RequestListener {
  return getRequestListener(honoApp(routes, baseUrl).fetch);
}

/** The Hono app on Node's HTTP server (not yet listening). */
export function honoServer(routes: Routes, baseUrl?: string): Server {
  return createAdaptorServer({ fetch: honoApp(routes, baseUrl).fetch }) as Server;
}

/**
 * Starts the Hono app; `PORT=0` picks a free port.
 *
 * @example
 * const app = await start({ PORT: '0' }, { quiet: true });
 * await app.close();
 */
export function start(env: AppEnv = process.env, options: StartOptions = {}): Promise<RunningApp> {
  return startApp('Hono', env, honoListener, options);
}

if (isMain(import.meta.url)) await runAsProgram(() => start());
