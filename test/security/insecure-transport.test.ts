/**
 * Case 8 of issue 5: plain-http endpoints on non-loopback hosts are refused (RFC 6749 sections
 * 3.1 and 3.2, RFC 6750 section 5.3, RFC 9700 section 2.6: TLS for every endpoint; RFC 8252
 * section 7.3: loopback is the only exception). Nothing is sent to such an endpoint.
 */
import { randomBytes } from 'node:crypto';
import { InsecureTransportError, OAuth2Session } from 'oauth2-session';
import { createOAuthHandlers } from 'oauth2-session/web';
import { describe, expect, test } from 'vitest';
import { start as startExpress } from '../../examples/github/express.js';

const HOSTS = [
  'idp.example',
  '127.0.0.1.evil.example',
  'localhost.evil.example',
  '10.0.0.1',
  '[::ffff:7f00:1]',
];

function countingFetch() {
  const calls: string[] = [];
  const fetch = async (input: RequestInfo | URL) => {
    calls.push(String(input));
    return new Response('{}', { headers: { 'content-type': 'application/json' } });
  };
  return { calls, fetch };
}

describe('case 8 (library): OAuth2Session refuses plain http to non-loopback hosts, before any request', () => {
  for (const host of HOSTS) {
    test(`http://${host}: authorizationUrl, fetchToken, refreshToken and fetch throw InsecureTransportError`, async () => {
      const { calls, fetch } = countingFetch();
      const token = { access_token: 'at', token_type: 'Bearer', refresh_token: 'rt' };
      const client = new OAuth2Session({
        clientId: 'c',
        clientSecret: 's',
        token,
        fetch,
        allowInsecureTransport: false,
      });
      const url = `http://${host}/x`;
      await expect(client.authorizationUrl(url)).rejects.toBeInstanceOf(InsecureTransportError);
      const cb = new OAuth2Session({
        clientId: 'c',
        clientSecret: 's',
        codeVerifier: 'v'.repeat(43),
        fetch,
        allowInsecureTransport: false,
      });
      await expect(cb.fetchToken(url, { code: 'c' })).rejects.toBeInstanceOf(
        InsecureTransportError,
      );
      await expect(client.refreshToken(url)).rejects.toBeInstanceOf(InsecureTransportError);
      await expect(client.get(url)).rejects.toBeInstanceOf(InsecureTransportError);
      expect(calls).toEqual([]);
    });
  }

  test('loopback http stays allowed (RFC 8252 section 7.3), other schemes are misuse', async () => {
    const client = new OAuth2Session({ clientId: 'c', allowInsecureTransport: false });
    for (const url of ['http://127.0.0.1:9/a', 'http://localhost:9/a', 'http://[::1]:9/a']) {
      await expect(client.authorizationUrl(url)).resolves.toBeDefined();
    }
    await expect(client.authorizationUrl('ftp://idp.example/a')).rejects.toMatchObject({
      name: 'TypeError',
      code: 'ERR_INVALID_ARG_VALUE',
    });
  });
});

describe('case 8 (app): plain-http provider endpoints are refused at start-up', () => {
  const env = (extra: Record<string, string>) => ({
    PORT: '0',
    SESSION_SECRET: randomBytes(32).toString('base64url'),
    OAUTH_CLIENT_ID: 'c',
    OAUTH_CLIENT_SECRET: 's'.repeat(20),
    OAUTH_AUTHORIZE_URL: 'https://idp.example/authorize',
    OAUTH_TOKEN_URL: 'https://idp.example/token',
    OAUTH_USER_URL: 'https://idp.example/user',
    ...extra,
  });

  for (const variable of ['OAUTH_AUTHORIZE_URL', 'OAUTH_TOKEN_URL']) {
    test(`${variable}=http://idp.example/...: start() rejects with InsecureTransportError`, async () => {
      const started = startExpress(env({ [variable]: 'http://idp.example/x' }), { quiet: true });
      const error = await started.then(
        async (app) => {
          await app.close();
          return undefined;
        },
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(InsecureTransportError);
      expect((error as Error).message).toMatch(/must use https:/);
    });
  }

  test('OAUTH2_INSECURE_TRANSPORT=1 lets a developer opt in (and only then)', async () => {
    const app = await startExpress(
      env({ OAUTH_TOKEN_URL: 'http://idp.example/token', OAUTH2_INSECURE_TRANSPORT: '1' }),
      { quiet: true },
    );
    await app.close();
    expect(app.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  test('createOAuthHandlers refuses plain-http endpoints when built', () => {
    const build = (tokenUrl: string) =>
      createOAuthHandlers({
        clientId: 'c',
        authorizeUrl: 'https://idp.example/authorize',
        tokenUrl,
        session: { secrets: 'x'.repeat(32) },
      });
    expect(() => build('http://idp.example/token')).toThrow(InsecureTransportError);
    expect(() => build('http://127.0.0.1:9/token')).not.toThrow();
  });
});
