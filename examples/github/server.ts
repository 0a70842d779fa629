/**
 * Starting and stopping the example app, shared by the Express and Hono versions: read the
 * configuration, settle the provider, listen, register the callback with the app's own dev
 * provider, and print the one line a person needs (the URL to open; never a secret).
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { consoleLogger, type Logger } from 'oauth2-session/web';
import { type AppConfig, type AppEnv, readConfig } from './config.js';
import { type ResolvedProvider, registerWithDevProvider, resolveProvider } from './provider.js';
import { createRoutes, type Routes } from './routes.js';
import { openStore } from './store.js';

/** A running example app. */
export interface RunningApp {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  url: string;
  /** Stops the app, its open connections, and its own dev provider if it started one. */
  close(): Promise<void>;
}

/** Options of `start()`. */
export interface StartOptions {
  /** Print no start-up lines (tests, benchmarks); what `logger` gets is not affected. Default false. */
  quiet?: boolean | undefined;
  /**
   * Where the app's lines go while it runs (failed logins with their code, refresh failures,
   * failed revocations, the session store's outages with its host and port): pino's shape.
   * Default `consoleLogger` (warn and error on the console); `silentLogger` for none.
   */
  logger?: Logger | undefined;
}

/** What a framework version needs to build its routes and listen. */
export interface AppContext {
  config: AppConfig;
  provider: ResolvedProvider;
  /**
   * The app's public origin: `APP_URL` (else `OAUTH_REDIRECT_URI`'s origin), else the address
   * it listens on. Cookie security, the logout's origin check and the adapters' `baseUrl` all
   * follow it.
   */
  appUrl: string;
}

/** Builds the framework's request listener over the shared routes, on the app's origin. */
export type CreateApp = (routes: Routes, baseUrl: string) => RequestListener;

function listen(server: Server, config: AppConfig): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (error: unknown) => reject(listenFailure(error, config));
    server.once('error', fail);
    server.listen(config.port, config.host, () => {
      server.off('error', fail);
      resolve();
    });
  });
}

/** What a person can do about a port that cannot be opened, by the system's code. */
const LISTEN_FAILURES: Readonly<Record<string, (port: number, host: string) => string>> = {
  EADDRINUSE: (port, host) =>
    `PORT ${port} on ${host} is in use by another program; stop it or set PORT to a free port`,
  EACCES: (port, host) =>
    `PORT ${port} on ${host} needs privileges this user lacks; set PORT to 1024 or above`,
  EADDRNOTAVAIL: (_port, host) => `HOST ${host} is not an address of this machine`,
};

/** A listen error as one line naming PORT or HOST; other errors as they are. */
function listenFailure(error: unknown, config: AppConfig): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  const explain = typeof code === 'string' ? LISTEN_FAILURES[code] : undefined;
  if (!explain) return error;
  return Object.assign(new Error(explain(config.port, config.host)), { code });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.closeAllConnections();
    server.close((error) => (error ? reject(error) : resolve()));
  });
}

/** The URL a person opens; a wildcard listen address is reached through loopback. */
function publicUrl(config: AppConfig, server: Server): string {
  return originOf(config, (server.address() as AddressInfo).port);
}

function originOf(config: AppConfig, port: number): string {
  const host = ['0.0.0.0', '::', ''].includes(config.host) ? '127.0.0.1' : config.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function announce(flavour: string, url: string, context: AppContext): void {
  const { provider, config } = context;
  if (config.sessionSecretGenerated) {
    console.warn(
      'warning: SESSION_SECRET is not set; a random one is used, so sessions end when the app stops',
    );
  }
  const using = provider.devProvider
    ? `the built-in dev provider at ${provider.devProvider.origin}`
    : provider.openid
      ? `the OpenID provider ${provider.openid.issuer}`
      : new URL(provider.preset.server.authorization_endpoint ?? '').origin;
  console.log(`oauth2-session example (${flavour}): open ${url}/ to log in with ${using}`);
}

/**
 * Opens the store, listens, then builds the routes and the framework's app on the app's origin
 * (known only once listening when neither `APP_URL` nor `OAUTH_REDIRECT_URI` names it).
 */
async function serve(settled: Omit<AppContext, 'appUrl'>, createApp: CreateApp, logger: Logger) {
  const { config } = settled;
  const opened = await openStore(config.sessionStore, logger);
  const server = createServer();
  // The app's origin is known before listening unless the port is picked then (PORT=0): the
  // routes, and with them every start-up check of the configured URLs, come before the port
  // opens whenever they can.
  const known = config.appUrl ?? (config.port === 0 ? undefined : originOf(config, config.port));
  const build = (appUrl: string) => {
    const routes = createRoutes({ ...settled, appUrl }, opened.store, logger);
    return { app: createApp(routes, appUrl), context: { ...settled, appUrl } };
  };
  try {
    let built = known === undefined ? undefined : build(known);
    await listen(server, config);
    built ??= build(publicUrl(config, server));
    server.on('request', built.app);
    return { server, closeStore: opened.close, context: built.context };
  } catch (error) {
    if (server.listening) await closeServer(server);
    await opened.close();
    throw error;
  }
}

/**
 * Starts an example app from `env` (the variables of ./config.ts) on the framework's server.
 *
 * @example
 * const app = await startApp('Express', process.env, expressApp);
 * await app.close();
 */
export async function startApp(
  flavour: string,
  env: AppEnv,
  createApp: CreateApp,
  options: StartOptions = {},
): Promise<RunningApp> {
  const config = readConfig(env);
  const provider = await resolveProvider(config);
  const logger = options.logger ?? consoleLogger;
  const running = await serve({ config, provider }, createApp, logger).catch(
    async (error: unknown) => {
      await provider.devProvider?.close();
      throw error;
    },
  );
  const url = publicUrl(config, running.server);
  registerWithDevProvider(provider, config.redirectUri ?? `${url}/callback`);
  if (!options.quiet) announce(flavour, url, running.context);
  return {
    url,
    close: async () => {
      await closeServer(running.server);
      await running.closeStore();
      await provider.devProvider?.close();
    },
  };
}

/**
 * The one line a failed start prints: the error's name and its own message (the library's and
 * the configuration's messages name no secret), no stack, no `cause` (a provider's answer could
 * be in one).
 */
export function startFailure(error: unknown): string {
  if (!(error instanceof Error)) return 'oauth2-session example: cannot start';
  const code = (error as { code?: unknown }).code;
  const coded = typeof code === 'string' && /^[A-Z0-9_]{1,64}$/.test(code) ? ` (${code})` : '';
  const message = error.message.split('\n')[0];
  return `oauth2-session example: cannot start: ${error.name}: ${message}${coded}`;
}

/**
 * Runs an app as the program (`tsx examples/github/express.ts`): a start-up failure (a bad
 * variable, a discovery that failed, a port in use) is one line on stderr and exit code 1;
 * SIGINT and SIGTERM close the app and exit 0.
 */
export async function runAsProgram(start: () => Promise<RunningApp>): Promise<void> {
  let app: RunningApp;
  try {
    app = await start();
  } catch (error) {
    console.error(startFailure(error));
    process.exit(1);
  }
  const stop = () => void app.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** Whether the module at `moduleUrl` is the program being run (`tsx examples/github/x.ts`). */
export function isMain(moduleUrl: string): boolean {
  const script = process.argv[1];
  return script !== undefined && pathToFileURL(resolve(script)).href === moduleUrl;
}
