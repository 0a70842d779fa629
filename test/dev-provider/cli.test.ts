import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createDevProviderHandler } from 'oauth2-session/dev-provider';
import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../src/dev-provider/cli-args.js';
import { basic, pkcePair } from './helpers.js';

const CLI = fileURLToPath(new URL('../../src/dev-provider/cli.ts', import.meta.url));

/** Starts the CLI under tsx and answers its first stdout line. */
function startCli(args: string[]): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve({ child, line: out.split('\n')[0]! });
    });
    child.once('exit', (code) => reject(new Error(`cli exited with ${code}`)));
  });
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

describe('parseCliArgs', () => {
  it('maps the flags to DevProviderOptions', () => {
    const config = parseCliArgs([
      '--port',
      '4000',
      '--host',
      '::1',
      '--auto-approve',
      '--expiring',
      '--client-id',
      'id',
      '--client-secret',
      's',
      '--redirect-uri',
      'http://127.0.0.1:1/a',
      '--redirect-uri',
      'http://127.0.0.1:1/b',
    ]);
    expect(config.secretFromFlag).toBe(true);
    expect(config.options).toEqual({
      port: 4000,
      host: '::1',
      autoApprove: true,
      expiringTokens: true,
      clients: [
        {
          clientId: 'id',
          clientSecret: 's',
          redirectUris: ['http://127.0.0.1:1/a', 'http://127.0.0.1:1/b'],
        },
      ],
    });
  });

  it('defaults to the dev client on a free loopback port', () => {
    const config = parseCliArgs([]);
    expect(config.secretFromFlag).toBe(false);
    expect(config.options).toMatchObject({
      port: 0,
      host: '127.0.0.1',
      autoApprove: false,
      expiringTokens: false,
    });
    expect(config.options.clients![0]).toMatchObject({
      clientId: 'dev-client-id',
      clientSecret: 'dev-client-secret',
    });
  });

  it.each([['--port', 'abc'], ['--port', '70000'], ['--bogus']])('refuses %s', (...argv) => {
    expect(() => parseCliArgs(argv)).toThrow(TypeError);
  });
});

describe('oauth2-dev-provider (CLI)', () => {
  it('prints one line with the URLs and client id, never a secret passed by flag, and serves', async () => {
    const { child, line } = await startCli([
      '--auto-approve',
      '--client-id',
      'cli-id',
      '--client-secret',
      'hush-hush',
    ]);
    try {
      expect(line).toMatch(
        /^oauth2 dev provider at http:\/\/127\.0\.0\.1:\d+: authorize http:\/\/127\.0\.0\.1:\d+\/login\/oauth\/authorize /,
      );
      expect(line).toContain('client_id cli-id');
      expect(line).not.toContain('hush-hush');
      const authorize = new URL(/authorize (\S+)/.exec(line)![1]!);
      authorize.searchParams.set('client_id', 'cli-id');
      authorize.searchParams.set('redirect_uri', 'http://127.0.0.1:9/cb');
      const res = await fetch(authorize, { redirect: 'manual' });
      expect(res.status).toBe(302);
      expect(new URL(res.headers.get('location')!).searchParams.get('code')).toMatch(
        /^[0-9a-f]{20}$/,
      );
    } finally {
      expect(await stop(child)).toBe(0);
    }
  });

  it('prints the default dev secret when none is passed', async () => {
    const { child, line } = await startCli([]);
    await stop(child);
    expect(line).toContain('client_id dev-client-id client_secret dev-client-secret');
  });
});

describe('createDevProviderHandler', () => {
  it('serves the provider from a server of your own', async () => {
    const handler = createDevProviderHandler({ autoApprove: true });
    const server = createServer(handler).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const { verifier, challenge } = pkcePair();
      const q = new URLSearchParams({
        client_id: 'dev-client-id',
        redirect_uri: 'http://localhost:3000/cb',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      });
      const auth = await fetch(`${origin}/login/oauth/authorize?${q}`, { redirect: 'manual' });
      const code = new URL(auth.headers.get('location')!).searchParams.get('code')!;
      const tok = await fetch(`${origin}/login/oauth/access_token`, {
        method: 'POST',
        headers: {
          authorization: basic('dev-client-id', 'dev-client-secret'),
          accept: 'application/json',
        },
        body: new URLSearchParams({ code, code_verifier: verifier }),
      });
      const { access_token } = (await tok.json()) as { access_token: string };
      const user = await fetch(`${origin}/user`, {
        headers: { authorization: `token ${access_token}` },
      });
      expect(await user.json()).toMatchObject({ login: 'octocat', url: `${origin}/users/octocat` });
      expect(handler.counts).toMatchObject({ authorize: 1, token: 1, user: 1 });
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
