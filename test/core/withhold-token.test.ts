/**
 * requests-oauthlib's `withhold_token`: one request through the session without the token. None
 * is attached, no renewal is attempted (an expired token, or none at all, is no error), a 401 is
 * not retried; the transport's rules (https, redirects, deadlines) and the hooks still apply.
 */
import { InsecureTransportError, OAuth2Session, type SessionRequestInit } from 'oauth2-session';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './helpers/server.js';

let server: TestServer;
beforeEach(async () => {
  server = await startServer((req) => {
    if (req.path === '/token')
      return { body: { access_token: 'at-new', token_type: 'Bearer', expires_in: 3600 } };
    if (req.path === '/denied')
      return { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } };
    return { body: { auth: req.headers.authorization ?? null, ua: req.headers['user-agent'] } };
  });
});
afterEach(() => server.close());

const expired = {
  access_token: 'at-old',
  token_type: 'Bearer',
  refresh_token: 'rt',
  expires_at: Date.now() / 1000 - 60,
};
const session = () =>
  new OAuth2Session({
    clientId: 'c',
    clientSecret: 's',
    token: expired,
    autoRefreshUrl: `${server.url}/token`,
  });

describe('OAuth2Session.fetch with withholdToken', () => {
  it('fetch(url, { withholdToken: true }) attaches no token and attempts no refresh', async () => {
    const s = session();
    const init: SessionRequestInit = { withholdToken: true, headers: { 'x-a': '1' } };
    const body = await (await s.fetch(`${server.url}/public`, init)).json();
    expect(body.auth).toBeNull();
    expect(server.count('/token')).toBe(0);
    expect(s.accessToken).toBe('at-old');
  });

  it('get/post/put/patch/delete take withholdToken too, and need no token at all', async () => {
    const s = new OAuth2Session({ clientId: 'c' });
    for (const m of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      const response = await s[m](`${server.url}/public`, { withholdToken: true });
      expect((await response.json()).auth).toBeNull();
    }
    expect(server.requests.map((r) => r.method)).toEqual(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
  });

  it('fetch with withholdToken answers a 401 as is: no renewal, no retry', async () => {
    const s = session();
    const response = await s.get(`${server.url}/denied`, { withholdToken: true });
    expect(response.status).toBe(401);
    expect(server.count('/denied')).toBe(1);
    expect(server.count('/token')).toBe(0);
  });

  it('fetch with withholdToken: the https rule holds, before any request', async () => {
    await expect(
      session().get('http://api.example/x', { withholdToken: true }),
    ).rejects.toBeInstanceOf(InsecureTransportError);
  });

  it('fetch with withholdToken: withholdToken is not sent, resource.request hooks still run', async () => {
    const s = new OAuth2Session({
      clientId: 'c',
      hooks: { 'resource.request': ({ headers }) => void headers.set('user-agent', 'app/1') },
    });
    const request = new Request(`${server.url}/public`);
    const body = await (await s.fetch(request, { withholdToken: true } as RequestInit)).json();
    expect(body).toEqual({ auth: null, ua: 'app/1' });
  });

  it('fetch without withholdToken still refreshes and attaches the token', async () => {
    const body = await (await session().get(`${server.url}/me`)).json();
    expect(body.auth).toBe('Bearer at-new');
    expect(server.count('/token')).toBe(1);
  });
});
