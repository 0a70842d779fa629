/**
 * Runs the seed's Flask app (`seed_app.py`) under Debian's Python for the benchmark.
 * Answers `undefined`, with the reason, when that Python cannot import flask and requests_oauthlib.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Debian's interpreter: the one with python3-flask and python3-requests-oauthlib. */
export const SEED_PYTHON = process.env.SEED_PYTHON ?? '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./seed_app.py', import.meta.url));

/** Why the seed cannot run here, or `undefined` when it can. */
export function seedUnavailable(): string | undefined {
  const probe = spawnSync(SEED_PYTHON, ['-c', 'import flask, requests_oauthlib'], {
    encoding: 'utf8',
  });
  if (probe.error) return `${SEED_PYTHON} not runnable (${probe.error.message})`;
  if (probe.status !== 0) return `${SEED_PYTHON} cannot import flask and requests_oauthlib`;
  return undefined;
}

/** The endpoints and client the seed app uses (all from the environment, as the script reads). */
export interface SeedOptions {
  clientId: string;
  clientSecret: string;
  authorizeUrl: string;
  tokenUrl: string;
  userUrl: string;
}

function waitForPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('seed app did not start in 15 s')), 15_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const port = /listening (\d+)/.exec(out)?.[1];
      if (port) {
        clearTimeout(timer);
        resolve(Number(port));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`seed app exited with ${code}`));
    });
  });
}

/** Starts the seed app on a free loopback port; `close()` stops the Python process. */
export async function startSeed(
  options: SeedOptions,
): Promise<{ url: string; close(): Promise<void> }> {
  const child = spawn(SEED_PYTHON, [SCRIPT], {
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      PORT: '0',
      OAUTH_CLIENT_ID: options.clientId,
      OAUTH_CLIENT_SECRET: options.clientSecret,
      OAUTH_AUTHORIZE_URL: options.authorizeUrl,
      OAUTH_TOKEN_URL: options.tokenUrl,
      OAUTH_USER_URL: options.userUrl,
      OAUTHLIB_INSECURE_TRANSPORT: '1',
    },
    // stderr is dropped: a traceback could hold a token from a local variable.
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const port = await waitForPort(child).catch((error: unknown) => {
    child.kill();
    throw error;
  });
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
