/**
 * The example app's `OAUTH_ISSUER` mode: how the environment is read (scope default, the
 * variables it needs), the discovered server with the `OAUTH_*_URL` overrides laid over it, and
 * how a start that cannot work ends when the app runs as a program: one line on stderr, a
 * non-zero exit code, no stack, no secret.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { readConfig } from '../../examples/github/config.js';
import { start as startExpress } from '../../examples/github/express.js';
import { start as startHono } from '../../examples/github/hono.js';
import { startFailure } from '../../examples/github/server.js';
import { type OidcProviderHandle, startOidcProvider } from '../harness/oidc-provider.js';
import { freePort } from '../harness/ports.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const SESSION_SECRET = randomBytes(32).toString('base64url');
const CLIENT_SECRET = `client-secret-${randomBytes(12).toString('hex')}`;
const ISSUER = 'https://login.example.test';
const REDIRECT = 'http://127.0.0.1:5000/callback';

describe('readConfig with OAUTH_ISSUER', () => {
  const base = { OAUTH_ISSUER: ISSUER, OAUTH_CLIENT_ID: 'rp', OAUTH_REDIRECT_URI: REDIRECT };

  test('readConfig: OAUTH_ISSUER is kept exactly as written; scope defaults to openid profile email', () => {
    const config = readConfig({ ...base, OAUTH_ISSUER: `${ISSUER}/` });
    expect(config.issuer).toBe(`${ISSUER}/`);
    expect(config.scope).toEqual(['openid', 'profile', 'email']);
    expect(config.endpointOverrides).toEqual({});
  });

  test('readConfig: OAUTH_SCOPE overrides the default scope; the OAUTH_*_URL set are overrides', () => {
    const config = readConfig({
      ...base,
      OAUTH_SCOPE: 'openid email',
      OAUTH_TOKEN_URL: 'https://proxy.example.test/token',
    });
    expect(config.scope).toEqual(['openid', 'email']);
    expect(config.endpointOverrides).toEqual({ tokenUrl: 'https://proxy.example.test/token' });
  });

  test('readConfig: without OAUTH_ISSUER nothing changes (no issuer, no default scope)', () => {
    const config = readConfig({});
    expect(config.issuer).toBeUndefined();
    expect(config.scope).toEqual([]);
  });

  test.each([
    [{ OAUTH_REDIRECT_URI: undefined }, 'ERR_REDIRECT_URI_REQUIRED', /OAUTH_REDIRECT_URI/],
    [{ OAUTH_CLIENT_ID: undefined }, 'ERR_CLIENT_ID_REQUIRED', /OAUTH_CLIENT_ID/],
    [{ OAUTH_ISSUER: 'login.example.test' }, 'ERR_ISSUER', /OAUTH_ISSUER/],
    [{ OAUTH_ISSUER: 'ftp://login.example.test' }, 'ERR_ISSUER', /OAUTH_ISSUER/],
  ])('readConfig: OAUTH_ISSUER with %o is refused (%s)', (change, code, message) => {
    expect(() => readConfig({ ...base, ...change })).toThrow(
      expect.objectContaining({ name: 'TypeError', code, message: expect.stringMatching(message) }),
    );
  });
});

describe('startFailure', () => {
  test('startFailure: one line, the error name, its first message line and its code, no stack', () => {
    const error = Object.assign(new TypeError('OAUTH_ISSUER needs X\nsecond line'), {
      code: 'ERR_X',
    });
    const line = startFailure(error);
    expect(line).toBe(
      'oauth2-session example: cannot start: TypeError: OAUTH_ISSUER needs X (ERR_X)',
    );
    expect(startFailure('not an error')).toBe('oauth2-session example: cannot start');
  });
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

/** A provider whose discovery document goes wrong in the way `answer` says. */
async function brokenIssuer(answer: (issuer: string) => { status: number; body: string }) {
  const server: Server = createServer((_req, res) => {
    const { status, body } = answer(issuer);
    res.writeHead(status, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { issuer, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

function programEnv(extra: Record<string, string>): Record<string, string> {
  return {
    PORT: '0',
    SESSION_SECRET,
    OAUTH_CLIENT_ID: 'rp',
    OAUTH_CLIENT_SECRET: CLIENT_SECRET,
    OAUTH_REDIRECT_URI: REDIRECT,
    ...extra,
  };
}

/** The checks every failed start must pass. */
function expectOneLine(run: { code: number | null; stdout: string; stderr: string }) {
  expect(run.code, 'exit code').not.toBe(0);
  expect(run.code, 'exited by itself').not.toBeNull();
  expect(run.stdout, 'no "open http://..." line').toBe('');
  const lines = run.stderr.trim().split('\n');
  expect(lines, run.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^oauth2-session example: cannot start: /);
  expect(run.stderr).not.toMatch(/\bat .+:\d+:\d+/); // no stack frame
  expect(run.stderr).not.toContain(CLIENT_SECRET);
  expect(run.stderr).not.toContain(SESSION_SECRET);
  return lines[0]!;
}

describe('the app run as a program with OAUTH_ISSUER', () => {
  test('express: OAUTH_ISSUER without OAUTH_REDIRECT_URI exits with one line naming it', async () => {
    const run = await runProgram(
      'express',
      programEnv({ OAUTH_ISSUER: ISSUER, OAUTH_REDIRECT_URI: '' }),
    );
    const line = expectOneLine(run);
    expect(line).toContain('OAUTH_REDIRECT_URI');
    expect(line).toContain('ERR_REDIRECT_URI_REQUIRED');
  });

  test('hono: a discovery document naming another issuer exits with one line (DiscoveryError)', async () => {
    const op = await brokenIssuer(() => ({
      status: 200,
      body: JSON.stringify({ issuer: 'https://impostor.example.test' }),
    }));
    try {
      const line = expectOneLine(await runProgram('hono', programEnv({ OAUTH_ISSUER: op.issuer })));
      expect(line).toContain(`discovery of OAUTH_ISSUER ${op.issuer} failed`);
      expect(line).toContain('DiscoveryError');
      expect(line).toContain('impostor.example.test');
    } finally {
      await op.close();
    }
  });

  test('express: a discovery answering 500 with a body holding a secret-looking value exits with one line, none of the body', async () => {
    const op = await brokenIssuer(() => ({
      status: 500,
      body: '{"debug":"token=sk_live_123456"}',
    }));
    try {
      const line = expectOneLine(
        await runProgram('express', programEnv({ OAUTH_ISSUER: op.issuer })),
      );
      expect(line).toContain('status 500');
      expect(line).not.toContain('sk_live');
    } finally {
      await op.close();
    }
  });

  test('express: an issuer nobody answers at exits with one line (network error naming the host)', async () => {
    const port = await freePort();
    const line = expectOneLine(
      await runProgram('express', programEnv({ OAUTH_ISSUER: `http://127.0.0.1:${port}` })),
    );
    expect(line).toContain('discovery of OAUTH_ISSUER');
    expect(line).toContain(`127.0.0.1:${port}`);
  });
});

describe('start() with OAUTH_ISSUER at node-oidc-provider', () => {
  let op: OidcProviderHandle;
  beforeAll(async () => {
    op = await startOidcProvider();
  });
  afterAll(async () => {
    await op?.close();
  });

  test.each([
    ['express', startExpress],
    ['hono', startHono],
  ])(
    '%s start(): discovers at start-up; / redirects to the discovered authorization endpoint with openid scope, a nonce, state and PKCE',
    async (_name, start) => {
      const log = vi.spyOn(console, 'log').mockImplementation(() => {});
      op.resetCounts();
      const app = await start(programEnv({ OAUTH_ISSUER: op.issuer }));
      try {
        expect(op.counts['discovery']).toBe(1);
        expect(String(log.mock.calls[0]?.[0])).toContain(`the OpenID provider ${op.issuer}`);
        const response = await fetch(`${app.url}/`, { redirect: 'manual' });
        const location = new URL(response.headers.get('location') ?? '');
        expect(location.origin + location.pathname).toBe(op.authorizeUrl);
        expect(location.searchParams.get('scope')).toBe('openid profile email');
        expect(location.searchParams.get('nonce')).toMatch(/^[\w-]{43}$/);
        expect(location.searchParams.get('state')).toMatch(/^[\w-]{43}$/);
        expect(location.searchParams.get('code_challenge_method')).toBe('S256');
        expect(location.searchParams.get('redirect_uri')).toBe(REDIRECT);
      } finally {
        await app.close();
        log.mockRestore();
      }
    },
  );

  test('start(): OAUTH_AUTHORIZE_URL replaces the discovered authorization endpoint only', async () => {
    const app = await startExpress(
      programEnv({ OAUTH_ISSUER: op.issuer, OAUTH_AUTHORIZE_URL: 'http://127.0.0.1:9/authorize' }),
      { quiet: true },
    );
    try {
      const response = await fetch(`${app.url}/`, { redirect: 'manual' });
      const location = new URL(response.headers.get('location') ?? '');
      expect(location.origin + location.pathname).toBe('http://127.0.0.1:9/authorize');
      expect(location.searchParams.get('nonce')).not.toBeNull();
    } finally {
      await app.close();
    }
  });

  test('start(): an https issuer whose endpoints are plain http on another host is refused at start-up', async () => {
    const app = startExpress(
      programEnv({ OAUTH_ISSUER: op.issuer, OAUTH_TOKEN_URL: 'http://op.example.test/token' }),
      { quiet: true },
    );
    await expect(app).rejects.toThrow(/token_endpoint must use https/);
  });
});
