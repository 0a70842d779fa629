import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CLIENT } from 'oauth2-session/dev-provider';
import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../src/dev-provider/cli-args.js';

const CLI = fileURLToPath(new URL('../../src/dev-provider/cli.ts', import.meta.url));

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

describe('parseCliArgs: OIDC flags', () => {
  it('--oidc turns OIDC mode on, with the default logout URIs', () => {
    const { options } = parseCliArgs(['--oidc']);
    expect(options.oidc).toBe(true);
    expect(options).not.toHaveProperty('idTokenAlg');
    expect(options.clients![0]!.postLogoutRedirectUris).toEqual(
      DEFAULT_CLIENT.postLogoutRedirectUris,
    );
  });

  it('--id-token-alg and repeated --post-logout-redirect-uri', () => {
    const { options } = parseCliArgs([
      '--oidc',
      '--id-token-alg',
      'EdDSA',
      '--post-logout-redirect-uri',
      'http://127.0.0.1:1/a',
      '--post-logout-redirect-uri',
      'http://127.0.0.1:1/b',
    ]);
    expect(options.idTokenAlg).toBe('EdDSA');
    expect(options.clients![0]!.postLogoutRedirectUris).toEqual([
      'http://127.0.0.1:1/a',
      'http://127.0.0.1:1/b',
    ]);
  });

  it('without --oidc, no OIDC option is set', () => {
    const { options } = parseCliArgs([]);
    expect(options).not.toHaveProperty('oidc');
    expect(options.clients![0]).not.toHaveProperty('postLogoutRedirectUris');
  });

  it.each([['--id-token-alg', 'HS256'], ['--id-token-alg', 'none'], ['--id-token-alg']])(
    'refuses %s %s',
    (...argv) => {
      expect(() => parseCliArgs(['--oidc', ...argv])).toThrow(TypeError);
    },
  );
});

describe('oauth2-dev-provider --oidc (CLI)', () => {
  it('prints the issuer and discovery URL, and serves the discovery document', async () => {
    const { child, line } = await startCli(['--oidc', '--id-token-alg', 'ES256']);
    try {
      const issuer = /issuer (\S+)/.exec(line)?.[1];
      expect(issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(line).toContain(`discovery ${issuer}/.well-known/openid-configuration`);
      const doc = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as {
        issuer: string;
        id_token_signing_alg_values_supported: string[];
      };
      expect(doc.issuer).toBe(issuer);
      expect(doc.id_token_signing_alg_values_supported).toEqual(['ES256']);
    } finally {
      expect(await stop(child)).toBe(0);
    }
  });

  it('prints no issuer without --oidc', async () => {
    const { child, line } = await startCli([]);
    await stop(child);
    expect(line).not.toContain('issuer');
  });
});
