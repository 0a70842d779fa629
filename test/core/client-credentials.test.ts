import { OAuth2Session, type Token } from 'oauth2-session';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './helpers/server.js';

let now = 1_700_000_000_000;
let server: TestServer;
let n = 0;
beforeEach(async () => {
  n = 0;
  server = await startServer((req) => {
    if (req.path === '/token')
      return { body: { access_token: `cc-${++n}`, token_type: 'Bearer', expires_in: 300 } };
    return { body: { auth: req.headers.authorization } };
  });
});
afterEach(() => server.close());

describe('OAuth2Session.fetchClientCredentialsToken', () => {
  it('sends grant_type=client_credentials with scope and basic auth', async () => {
    const s = new OAuth2Session({
      clientId: 'svc',
      clientSecret: 'sec',
      scope: 'a b',
      clock: () => now,
    });
    const t = await s.fetchClientCredentialsToken(`${server.url}/token`);
    expect(t.access_token).toBe('cc-1');
    const req = server.requests[0]!;
    expect(Object.fromEntries(req.form)).toEqual({
      grant_type: 'client_credentials',
      scope: 'a b',
    });
    expect(req.headers.authorization).toBe(`Basic ${btoa('svc:sec')}`);
  });

  it('fetches a new token when the current one expires (there is no refresh token)', async () => {
    const saved: Token[] = [];
    const s = new OAuth2Session({
      clientId: 'svc',
      clientSecret: 'sec',
      clock: () => now,
      onToken: (t) => void saved.push(t),
    });
    await s.fetchClientCredentialsToken(`${server.url}/token`, { scope: ['x'] });
    expect(await (await s.get(`${server.url}/api`)).json()).toEqual({ auth: 'Bearer cc-1' });
    now += 301_000;
    const answers = await Promise.all(
      [1, 2, 3].map(async () => (await s.get(`${server.url}/api`)).json()),
    );
    expect(answers).toEqual([1, 2, 3].map(() => ({ auth: 'Bearer cc-2' })));
    expect(server.count('/token')).toBe(2);
    expect(
      server.requests.filter((r) => r.path === '/token').map((r) => r.form.get('scope')),
    ).toEqual(['x', 'x']);
    expect(saved.map((t) => t.access_token)).toEqual(['cc-1', 'cc-2']);
  });
});

describe('OAuth2Session.fetchPasswordToken (legacy)', () => {
  it('sends grant_type=password with username and password', async () => {
    const s = new OAuth2Session({
      clientId: 'app',
      clientSecret: 'sec',
      clientAuth: 'client_secret_post',
    });
    const t = await s.fetchPasswordToken(`${server.url}/token`, { username: 'u', password: 'p w' });
    expect(t.access_token).toBe('cc-1');
    expect(Object.fromEntries(server.requests[0]!.form)).toEqual({
      grant_type: 'password',
      username: 'u',
      password: 'p w',
      client_id: 'app',
      client_secret: 'sec',
    });
  });
});
