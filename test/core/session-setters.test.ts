/**
 * requests-oauthlib's settable `access_token` and `scope`: `accessToken` replaces the token's
 * `access_token` (a Bearer token when there is none) without `onToken`; `scope` takes a list or
 * space-separated text and shapes later authorization URLs and token requests; `clientId` stays
 * read-only.
 */
import { OAuth2Session } from 'oauth2-session';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer, tokenReply } from './helpers/server.js';

let server: TestServer;
beforeEach(async () => {
  server = await startServer((req) =>
    req.path === '/token' ? tokenReply({}) : { body: { auth: req.headers.authorization } },
  );
});
afterEach(() => server.close());

describe('OAuth2Session.accessToken setter', () => {
  it('accessToken = value makes a Bearer token when the session has none, without onToken', async () => {
    const seen: unknown[] = [];
    const s = new OAuth2Session({ clientId: 'c', onToken: (t) => void seen.push(t) });
    s.accessToken = 'at-set';
    expect(s.token).toEqual({ access_token: 'at-set', token_type: 'Bearer' });
    expect(s.authorized).toBe(true);
    expect((await (await s.get(`${server.url}/me`)).json()).auth).toBe('Bearer at-set');
    expect(seen).toEqual([]);
  });

  it('accessToken = value keeps the rest of the token; a non-string is a TypeError', () => {
    const s = new OAuth2Session({
      clientId: 'c',
      token: { access_token: 'a', token_type: 'bearer', refresh_token: 'rt', expires_at: 9 },
    });
    s.accessToken = 'b';
    expect(s.token).toEqual({
      access_token: 'b',
      token_type: 'bearer',
      refresh_token: 'rt',
      expires_at: 9,
    });
    expect(() => {
      s.accessToken = 42 as unknown as string;
    }).toThrow(expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' }));
    expect(s.accessToken).toBe('b');
  });
});

describe('OAuth2Session.scope setter', () => {
  it('scope = text or list shapes later authorization URLs', async () => {
    const s = new OAuth2Session({ clientId: 'c', scope: ['a'] });
    s.scope = 'read  write';
    expect(s.scope).toEqual(['read', 'write']);
    const { url } = await s.authorizationUrl('https://auth.example/authorize');
    expect(new URL(url).searchParams.get('scope')).toBe('read write');
    s.scope = ['x', 'y'];
    expect(s.scope).toEqual(['x', 'y']);
  });

  it('scope = list shapes later token requests (client credentials)', async () => {
    const s = new OAuth2Session({ clientId: 'c', clientSecret: 's', scope: 'old' });
    s.scope = ['new:1', 'new:2'];
    await s.fetchClientCredentialsToken(`${server.url}/token`);
    expect(server.requests[0]!.form.get('scope')).toBe('new:1 new:2');
  });

  it('scope = anything but a list or text is a TypeError', () => {
    const s = new OAuth2Session({ clientId: 'c', scope: 'a' });
    expect(() => {
      s.scope = 42 as unknown as string;
    }).toThrow(expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' }));
    expect(s.scope).toEqual(['a']);
  });
});

describe('OAuth2Session.clientId', () => {
  it('clientId is read-only (a type error to set)', () => {
    const s = new OAuth2Session({ clientId: 'c' });
    const rename = () => {
      // @ts-expect-error clientId is readonly: a new client is a new session
      s.clientId = 'other';
    };
    expect(typeof rename).toBe('function');
    expect(s.clientId).toBe('c');
  });
});
