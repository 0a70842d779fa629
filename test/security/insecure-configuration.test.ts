/**
 * Credentials in clear (RFC 6749 sections 3.1, 3.2 and 10.3, RFC 6750 section 5.3, RFC 9700
 * section 2.6; loopback the only exception, RFC 8252 section 7.3): every URL the example app is
 * configured with (`OAUTH_AUTHORIZE_URL`, `OAUTH_TOKEN_URL`, `OAUTH_USER_URL`, the revocation
 * URL GitHub's preset derives from the user API's origin, and `OAUTH_REVOCATION_URL`) on plain
 * http to a non-loopback host stops the app at start-up: one clear error, nothing listening, and
 * no connection attempted, unless `OAUTH2_INSECURE_TRANSPORT=1`.
 *
 * Non-loopback names under `.test` are never resolved: the refusal comes before any request,
 * which the tests check by watching every socket connect and every fetch of this process.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect, Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { InsecureTransportError } from 'oauth2-session';
import { describe, expect, test } from 'vitest';
import { start as startExpress } from '../../examples/github/express.js';
import { start as startHono } from '../../examples/github/hono.js';
import { freePort } from '../harness/ports.js';

const starters = { express: startExpress, hono: startHono } as const;
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** An RFC 6749 provider with a separate API host (no revocation endpoint). */
const PLAIN = {
  OAUTH_AUTHORIZE_URL: 'https://idp.example.test/authorize',
  OAUTH_TOKEN_URL: 'https://idp.example.test/token',
  OAUTH_USER_URL: 'https://api.example.test/user',
};
/** A GitHub-shaped provider: its preset revokes at `<user API origin>/applications/.../token`. */
const GITHUB = {
  OAUTH_AUTHORIZE_URL: 'https://github.example.test/login/oauth/authorize',
  OAUTH_TOKEN_URL: 'https://github.example.test/login/oauth/access_token',
  OAUTH_USER_URL: 'https://api.example.test/user',
};

/** Each insecure setting, and the configured URL the error must name. */
const CASES = [
  [
    'plain',
    PLAIN,
    'OAUTH_AUTHORIZE_URL',
    'http://idp.example.test/authorize',
    'authorization_endpoint',
  ],
  ['plain', PLAIN, 'OAUTH_TOKEN_URL', 'http://idp.example.test/token', 'token_endpoint'],
  ['plain', PLAIN, 'OAUTH_USER_URL', 'http://api.example.test/user', 'user url'],
  [
    'GitHub-shaped',
    GITHUB,
    'OAUTH_AUTHORIZE_URL',
    'http://github.example.test/login/oauth/authorize',
    'authorization_endpoint',
  ],
  [
    'GitHub-shaped',
    GITHUB,
    'OAUTH_TOKEN_URL',
    'http://github.example.test/login/oauth/access_token',
    'token_endpoint',
  ],
  // The user URL's origin is the revocation API's: its derived revocation URL is refused first.
  [
    'GitHub-shaped',
    GITHUB,
    'OAUTH_USER_URL',
    'http://api.example.test/user',
    'revocation_endpoint',
  ],
  // A revocation URL configured on its own, for either shape.
  ['plain', PLAIN, 'OAUTH_REVOCATION_URL', 'http://idp.example.test/revoke', 'revocation_endpoint'],
  [
    'GitHub-shaped',
    GITHUB,
    'OAUTH_REVOCATION_URL',
    'http://api.example.test/applications/{client_id}/token',
    'revocation_endpoint',
  ],
] as const;

function envFor(base: Record<string, string>, extra: Record<string, string>, port: number) {
  const secret = randomBytes(24).toString('hex');
  return {
    secret,
    env: {
      PORT: String(port),
      SESSION_SECRET: randomBytes(32).toString('base64url'),
      OAUTH_CLIENT_ID: 'insecure-config-client',
      OAUTH_CLIENT_SECRET: secret,
      ...base,
      ...extra,
    },
  };
}

/** Records every outbound connection and fetch of this process while `run` runs. */
async function watchingConnections<T>(
  run: () => Promise<T>,
): Promise<{ result: T; outbound: string[] }> {
  const outbound: string[] = [];
  const connectOriginal = Socket.prototype.connect;
  const fetchOriginal = globalThis.fetch;
  Socket.prototype.connect = function (this: Socket, ...args: unknown[]) {
    const [first, second] = args as [unknown, unknown];
    const target =
      typeof first === 'object' && first !== null
        ? `${(first as { host?: string | undefined }).host ?? ''}:${(first as { port?: number | undefined }).port ?? ''}`
        : `${String(second ?? '')}:${String(first)}`;
    outbound.push(`connect ${target}`);
    return (connectOriginal as (...a: unknown[]) => Socket).apply(this, args);
  } as typeof Socket.prototype.connect;
  globalThis.fetch = ((input: RequestInfo | URL, init?: RequestInit) => {
    outbound.push(`fetch ${String(input instanceof Request ? input.url : input)}`);
    return fetchOriginal(input, init);
  }) as typeof fetch;
  try {
    return { result: await run(), outbound };
  } finally {
    Socket.prototype.connect = connectOriginal;
    globalThis.fetch = fetchOriginal;
  }
}

/** Whether something accepts connections on 127.0.0.1:`port`. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe.each(['express', 'hono'] as const)('%s app', (flavour) => {
  for (const [shape, base, variable, url, field] of CASES) {
    test(`regression: ${shape} ${variable} on plain http to a non-loopback host started the app; it now refuses to start: one InsecureTransportError naming ${field}, nothing listening, no connection`, async () => {
      const port = await freePort();
      const { env, secret } = envFor(base, { [variable]: url }, port);
      const { result: error, outbound } = await watchingConnections(() =>
        starters[flavour](env, { quiet: true }).then(
          async (app) => {
            await app.close();
            return undefined;
          },
          (e: unknown) => e,
        ),
      );
      expect(error).toBeInstanceOf(InsecureTransportError);
      expect((error as Error).message).toBe(`${field} must use https: (or a loopback host)`);
      expect((error as Error).message).not.toContain(secret);
      expect(
        outbound.filter((o) => o.includes('example.test')),
        'connection attempts',
      ).toEqual([]);
      expect(await listening(port), 'something listens on the port').toBe(false);
    });
  }
});

describe('OAUTH2_INSECURE_TRANSPORT=1 lets a developer opt in (and only then)', () => {
  for (const [shape, base, variable, url] of CASES) {
    test(`${shape} ${variable}=${url}: the app starts, and still contacts nothing at start-up`, async () => {
      const port = await freePort();
      const { env } = envFor(base, { [variable]: url, OAUTH2_INSECURE_TRANSPORT: '1' }, port);
      const { result: app, outbound } = await watchingConnections(() =>
        startExpress(env, { quiet: true }),
      );
      try {
        expect(app.url).toBe(`http://127.0.0.1:${port}`);
        expect(await listening(port)).toBe(true);
        expect(outbound.filter((o) => o.includes('example.test'))).toEqual([]);
      } finally {
        await app.close();
      }
    });
  }
});

describe('the app run as a program', () => {
  test('regression: OAUTH_USER_URL on plain http let the app start and send credentials in clear; `tsx examples/github/express.ts` now exits with one clear error, nothing listening', async () => {
    const port = await freePort();
    const { env, secret } = envFor(
      GITHUB,
      { OAUTH_USER_URL: 'http://api.example.test/user' },
      port,
    );
    const child = spawn(process.execPath, ['--import', 'tsx', 'examples/github/express.ts'], {
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
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    try {
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code, 'exit code').not.toBe(0);
      expect(code, 'exited by itself').not.toBeNull();
      expect(stdout, 'no "open http://..." line').toBe('');
      expect(stderr).toContain('InsecureTransportError');
      expect(stderr).toContain('revocation_endpoint must use https: (or a loopback host)');
      expect(stderr.match(/InsecureTransportError:/g), 'one error').toHaveLength(1);
      expect(`${stdout}${stderr}`).not.toContain(secret);
      expect(await listening(port)).toBe(false);
    } finally {
      clearTimeout(killer);
      child.kill('SIGKILL');
    }
  });
});
