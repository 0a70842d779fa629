/**
 * The seed's app on Express 5 (`npm start`): `npx tsx examples/github/express.ts`.
 * Configuration: the environment variables in ./config.ts (a fixed contract). With no
 * `OAUTH_CLIENT_ID` it runs against a built-in dev provider, so it works offline.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import { toExpress } from 'oauth2-session/express';
import type { AppEnv } from './config.js';
import type { Routes } from './routes.js';
import { isMain, type RunningApp, runAsProgram, type StartOptions, startApp } from './server.js';

/** An Express app serving the shared routes (each on its methods), URLs on `baseUrl`. */
export function expressApp(routes: Routes, baseUrl?: string): RequestListener {
  const app = express();
  app.disable('x-powered-by');
  for (const [path, route] of Object.entries(routes)) {
    const handler = toExpress(route.handler, { baseUrl });
    for (const method of route.methods) app[method === 'GET' ? 'get' : 'post'](path, handler);
  }
  // Say only that it failed: an error's details are for the developer's debugger, not the page
  // or the log (they could carry provider answers).
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    console.error(`request failed: ${error instanceof Error ? error.name : 'error'}`);
    res.status(500).type('text/plain').send('Something went wrong.');
  });
  return app;
}

/** {@link expressApp} on Node's HTTP server (not yet listening). */
export function expressServer(routes: Routes, baseUrl?: string): Server {
  return createServer(expressApp(routes, baseUrl));
}

/**
 * Starts the Express app; `PORT=0` picks a free port.
 *
 * @example
 * const app = await start({ PORT: '0' }, { quiet: true });
 * console.log(app.url);
 * await app.close();
 */
export function start(env: AppEnv = process.env, options: StartOptions = {}): Promise<RunningApp> {
  return startApp('Express', env, expressApp, options);
}

if (isMain(import.meta.url)) await runAsProgram(() => start());
