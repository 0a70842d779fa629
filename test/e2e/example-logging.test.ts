/**
 * What the example app prints: run as a program, a start that cannot work (a port in use, a
 * short SESSION_SECRET, a bad variable) is one clear line on stderr, no stack, and a non-zero
 * exit; running, each failed login is one line with its code, and a Redis outage one line with
 * its host and port (never the password in the URL).
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { start as startExpress } from '../../examples/github/express.js';
import { start as startHono } from '../../examples/github/hono.js';
import { freePort } from '../harness/ports.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const SESSION_SECRET = 'example-logging-session-secret-0123456789';

afterEach(() => {
  vi.restoreAllMocks();
});

/** Runs `tsx examples/github/<flavour>.ts` with `env`; answers its exit code and output. */
async function runProgram(flavour: 'express' | 'hono', env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', `examples/github/${flavour}.ts`], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  try {
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    return { code, stdout, stderr };
  } finally {
    clearTimeout(killer);
    child.kill('SIGKILL');
  }
}

/** A port something else listens on, for as long as the test holds it. */
async function portInUse(): Promise<{ port: number; close: () => Promise<void> }> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** The one line a failed start prints, after checking it is alone, stackless and non-zero. */
function onlyLine(run: { code: number | null; stdout: string; stderr: string }): string {
  expect(run.code, run.stderr).toBe(1);
  expect(run.stdout).toBe('');
  const lines = run.stderr.trim().split('\n');
  expect(lines, run.stderr).toHaveLength(1);
  expect(run.stderr).not.toMatch(/\bat .+:\d+:\d+/);
  return lines[0]!;
}

describe('the example app run as a program: start-up errors', () => {
  test.concurrent('express: a PORT in use is one line naming it (EADDRINUSE), exit 1', async () => {
    const held = await portInUse();
    try {
      const run = await runProgram('express', { PORT: String(held.port), SESSION_SECRET });
      expect(onlyLine(run)).toBe(
        `oauth2-session example: cannot start: Error: PORT ${held.port} on 127.0.0.1 is in use by another program; stop it or set PORT to a free port (EADDRINUSE)`,
      );
    } finally {
      await held.close();
    }
  });

  test.concurrent('hono: a short SESSION_SECRET is one line, without the secret, exit 1', async () => {
    const run = await runProgram('hono', { PORT: '0', SESSION_SECRET: 'too-short-secret-42' });
    const line = onlyLine(run);
    expect(line).toBe(
      'oauth2-session example: cannot start: TypeError: SESSION_SECRET must be at least 32 characters (ERR_SESSION_SECRET_TOO_SHORT)',
    );
    expect(run.stderr).not.toContain('too-short-secret-42');
  });

  test.concurrent('express: a bad PORT value is one line naming the variable, exit 1', async () => {
    const run = await runProgram('express', { PORT: 'eighty', SESSION_SECRET });
    expect(onlyLine(run)).toBe(
      'oauth2-session example: cannot start: TypeError: PORT must be an integer from 0 to 65535 (ERR_INVALID_PORT)',
    );
  });
});

describe('the example app running: its log lines', () => {
  test('express: each failed login is one console.warn line with its code', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const app = await startExpress({ PORT: '0', SESSION_SECRET });
    try {
      expect(warn).not.toHaveBeenCalled();
      const noTransaction = await fetch(`${app.url}/callback?code=c0de-0123456789&state=s`);
      expect(noTransaction.status).toBe(400);
      const denied = await fetch(`${app.url}/callback?error=access_denied&state=s`);
      expect(denied.status).toBe(400);
      expect(warn.mock.calls).toEqual([
        ['login failed: transaction_missing (400)'],
        ['login failed: transaction_missing (400)'],
      ]);
      expect(JSON.stringify(warn.mock.calls)).not.toContain('c0de-0123456789');
    } finally {
      await app.close();
    }
  });

  test('hono: a Redis that cannot be reached is one console.error line with host and port, not the password', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const port = await freePort();
    const password = 'redis-password-never-printed';
    const app = await startHono({
      PORT: '0',
      SESSION_SECRET,
      SESSION_STORE: `redis://:${password}@127.0.0.1:${port}`,
    });
    try {
      // The app keeps answering while Redis is down (a cookie it cannot open needs no store),
      // and the reconnection attempts meanwhile add no line.
      for (let i = 0; i < 2; i++) {
        const response = await fetch(`${app.url}/profile`, {
          headers: { cookie: 'oauth2_session=x' },
          redirect: 'manual',
        });
        expect([302, 503]).toContain(response.status);
      }
      await vi.waitFor(() => expect(error).toHaveBeenCalled(), { timeout: 5000, interval: 50 });
      const lines = error.mock.calls.map((call) => call.join(' '));
      expect(lines.filter((line) => line.startsWith('session store:'))).toEqual([
        `session store: redis unavailable at 127.0.0.1:${port} (econnrefused)`,
      ]);
      expect(lines.join('\n')).not.toContain(password);
    } finally {
      await app.close();
    }
  });
});
