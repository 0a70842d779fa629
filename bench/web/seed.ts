/**
 * Runs the seed's Flask app (`seed_app.py`) under Debian's Python for the benchmark.
 * {@link seedUnavailable} says why it cannot run when that Python lacks flask or requests_oauthlib.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FloorOptions } from './floor.js';
import { type ChildServer, spawnServer } from './process.js';

/** Debian's interpreter: the one with python3-flask and python3-requests-oauthlib. */
export const SEED_PYTHON = process.env.SEED_PYTHON ?? '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./seed_app.py', import.meta.url));

/** Why the seed cannot run here, or `undefined` when it can. */
export function seedUnavailable(): string | undefined {
  const probe = spawnSync(SEED_PYTHON, ['-c', 'import flask, requests_oauthlib'], {
    encoding: 'utf8',
  });
  if (probe.error) return `${SEED_PYTHON} is not runnable`;
  if (probe.status !== 0) return `${SEED_PYTHON} cannot import flask and requests_oauthlib`;
  return undefined;
}

/** The seed app takes the same endpoints and client as the floor (from its environment). */
export type SeedOptions = FloorOptions;

/** Starts the seed app on loopback; `close()` stops the Python process. */
export function startSeed(options: SeedOptions): Promise<ChildServer> {
  return spawnServer('seed app', SEED_PYTHON, [SCRIPT], {
    PORT: String(options.port ?? 0),
    OAUTH_CLIENT_ID: options.clientId,
    OAUTH_CLIENT_SECRET: options.clientSecret,
    OAUTH_AUTHORIZE_URL: options.authorizeUrl,
    OAUTH_TOKEN_URL: options.tokenUrl,
    OAUTH_USER_URL: options.userUrl,
    OAUTHLIB_INSECURE_TRANSPORT: '1',
  });
}
