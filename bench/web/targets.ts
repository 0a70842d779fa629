/**
 * How the web benchmarks start their Node targets: the example app as `npm start` runs it
 * (built by `npm run build:example`, then plain `node`), and the bench's own servers
 * (`serve.ts`: the provider, the floor, the peer) through tsx.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { type ChildServer, spawnServer } from './process.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const serveScript = fileURLToPath(new URL('./serve.ts', import.meta.url));

/**
 * A bench server of `serve.ts` (`provider`, `floor`, `peer`, ...) in its own process;
 * `nodeFlags` go before the script.
 */
export function spawnNode(
  kind: string,
  env: Record<string, string>,
  nodeFlags: readonly string[] = [],
): Promise<ChildServer> {
  const args = [...nodeFlags, '--import', 'tsx', serveScript, kind];
  return spawnServer(kind, process.execPath, args, env, repoRoot);
}

/** Where `npm run build:example` writes the example app (package.json). */
const builtExamples = `${repoRoot}node_modules/.cache/oauth2-session/examples/`;

/** Builds the example app as `npm start` does; throws when the build fails. */
export function buildExample(): void {
  const built = spawnSync('npm', ['run', '--silent', 'build:example'], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  if (built.status !== 0) throw new Error(`npm run build:example failed: ${built.stderr}`);
}

/**
 * The built example app (`express` or `hono`), started with plain node as `npm start` does;
 * `nodeFlags` go before the script, and `onOutput` gets its stdout.
 */
export function spawnExample(
  kind: 'express' | 'hono',
  env: Record<string, string>,
  nodeFlags: readonly string[] = [],
  onOutput?: (text: string) => void,
) {
  const args = [...nodeFlags, `${builtExamples}${kind}.mjs`];
  return spawnServer(kind, process.execPath, args, env, repoRoot, onOutput);
}

/** The example app's endpoint variables for the dev provider at `providerUrl`. */
export function devProviderUrls(providerUrl: string): Record<string, string> {
  return {
    OAUTH_AUTHORIZE_URL: `${providerUrl}/login/oauth/authorize`,
    OAUTH_TOKEN_URL: `${providerUrl}/login/oauth/access_token`,
    OAUTH_USER_URL: `${providerUrl}/user`,
  };
}

/**
 * The variables of a benchmarked server on `port` logging in as the client `clientId` at the
 * dev provider: its endpoints, a fresh session secret, sealed-cookie sessions.
 */
export function benchAppEnv(
  port: number,
  clientId: string,
  clientSecret: string,
  providerUrl: string,
): Record<string, string> {
  return {
    PORT: String(port),
    OAUTH_CLIENT_ID: clientId,
    OAUTH_CLIENT_SECRET: clientSecret,
    ...devProviderUrls(providerUrl),
    SESSION_SECRET: randomBytes(32).toString('base64url'),
    SESSION_STORE: 'cookie',
  };
}
