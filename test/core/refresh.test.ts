import {
  InvalidGrantError,
  OAuth2Session,
  type RefreshCoordinator,
  type Token,
  TokenExpiredError,
} from 'oauth2-session';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Recorded, type Reply, startServer, type TestServer } from './helpers/server.js';

const NOW = 1_700_000_000_000; // ms
const clock = () => NOW;
let server: TestServer;
let tokenReply: (r: Recorded) => Reply;
let n = 0;
/** API answers 200 for the current access token, 401 invalid_token for others. */
let validToken = 'fresh-1';

beforeEach(async () => {
  n = 0;
  validToken = 'fresh-1';
  tokenReply = () => ({
    body: {
      access_token: `fresh-${++n}`,
      token_type: 'Bearer',
      expires_in: 3600,
      refresh_token: `rt-${n + 1}`,
    },
  });
  server = await startServer((req) => {
    if (req.path === '/token') return tokenReply(req);
    if (req.path === '/plain401') return { status: 401, body: 'no' };
    if (req.headers.authorization === `Bearer ${validToken}`)
      return { body: { ok: true, body: req.body } };
    return {
      status: 401,
      headers: { 'www-authenticate': 'Bearer realm="api", error="invalid_token"' },
      body: { message: 'Bad credentials' },
    };
  });
});
afterEach(() => server.close());

const expired = (fields: Partial<Token> = {}): Token => ({
  access_token: 'old',
  token_type: 'Bearer',
  refresh_token: 'rt-1',
  expires_at: NOW / 1000 - 10,
  ...fields,
});
const make = (extra: Record<string, unknown> = {}) =>
  new OAuth2Session({
    clientId: 'client',
    clientSecret: 'secret',
    token: expired(),
    autoRefreshUrl: `${server.url}/token`,
    clock,
    ...extra,
  });

describe('OAuth2Session auto refresh', () => {
  it('refreshes an expired token before the request, with client authentication, and calls onToken', async () => {
    const saved: Token[] = [];
    const s = make({ onToken: (t: Token) => void saved.push(t) });
    const res = await s.get(`${server.url}/api`);
    expect(res.status).toBe(200);
    const refresh = server.requests[0]!;
    expect(refresh.path).toBe('/token');
    expect(Object.fromEntries(refresh.form)).toEqual({
      grant_type: 'refresh_token',
      refresh_token: 'rt-1',
    });
    expect(refresh.headers.authorization).toBe(`Basic ${btoa('client:secret')}`);
    expect(server.requests[1]!.headers.authorization).toBe('Bearer fresh-1');
    expect(saved.map((t) => t.access_token)).toEqual(['fresh-1']);
    expect(s.token?.expires_at).toBe(NOW / 1000 + 3600);
  });

  it('refreshes within the leeway (default 60 s) but not before it', async () => {
    const soon = make({ token: expired({ access_token: 'fresh-1', expires_at: NOW / 1000 + 30 }) });
    await soon.get(`${server.url}/api`);
    expect(server.count('/token')).toBe(1);
    const later = make({
      token: expired({ access_token: 'fresh-1', expires_at: NOW / 1000 + 30 }),
      expiryLeewaySeconds: 10,
    });
    await later.get(`${server.url}/api`);
    expect(server.count('/token')).toBe(1);
  });

  it('1000 concurrent calls with an expired token make exactly one refresh request', async () => {
    const s = make();
    const all = await Promise.all(
      Array.from({ length: 1000 }, () => s.get(`${server.url}/api`).then((r) => r.status)),
    );
    expect(all.every((st) => st === 200)).toBe(true);
    expect(server.count('/token')).toBe(1);
    expect(server.count('/api')).toBe(1000);
  }, 60_000);

  it('keeps the old refresh_token when the answer has none', async () => {
    tokenReply = () => ({ body: { access_token: 'fresh-1', token_type: 'bearer' } });
    const s = make();
    const t = await s.refreshToken();
    expect(t.refresh_token).toBe('rt-1');
    expect(t.token_type).toBe('bearer');
  });

  it('sends autoRefreshParams, and never lets them replace the grant', async () => {
    const s = make({ autoRefreshParams: { audience: 'api', grant_type: 'evil' } });
    await s.refreshToken();
    expect(server.requests[0]!.form.get('audience')).toBe('api');
    expect(server.requests[0]!.form.get('grant_type')).toBe('refresh_token');
  });

  it('a 401 invalid_token triggers one refresh and one retry; a replayable body is sent again', async () => {
    const s = make({ token: expired({ access_token: 'revoked', expires_at: undefined }) });
    const res = await s.post(`${server.url}/api`, { body: 'payload' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, body: 'payload' });
    expect(server.requests.map((r) => r.path)).toEqual(['/api', '/token', '/api']);
  });

  it('a Request input with a body is replayed from a clone', async () => {
    const s = make({ token: expired({ access_token: 'revoked', expires_at: undefined }) });
    const res = await s.fetch(
      new Request(`${server.url}/api`, { method: 'POST', body: 'from-request' }),
    );
    expect(await res.json()).toEqual({ ok: true, body: 'from-request' });
  });

  it('a ReadableStream body is not replayed: the 401 is answered as is', async () => {
    const s = make({ token: expired({ access_token: 'revoked', expires_at: undefined }) });
    const body = new ReadableStream({
      start: (c) => {
        c.enqueue(new TextEncoder().encode('x'));
        c.close();
      },
    });
    const res = await s.post(`${server.url}/api`, { body, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(401);
    expect(server.count('/token')).toBe(0);
  });

  it('retries at most once: a second 401 is answered as is', async () => {
    validToken = 'never';
    const s = make({ token: expired({ access_token: 'revoked', expires_at: undefined }) });
    const res = await s.get(`${server.url}/api`);
    expect(res.status).toBe(401);
    expect(server.requests.map((r) => r.path)).toEqual(['/api', '/token', '/api']);
  });

  it('a 401 without the invalid_token challenge is answered as is', async () => {
    const s = make({ token: expired({ access_token: 'revoked', expires_at: undefined }) });
    const res = await s.get(`${server.url}/plain401`);
    expect(res.status).toBe(401);
    expect(server.count('/token')).toBe(0);
  });

  it('concurrent 401s share one refresh', async () => {
    const s = make({ token: expired({ access_token: 'revoked', expires_at: undefined }) });
    const all = await Promise.all(
      Array.from({ length: 50 }, () => s.get(`${server.url}/api`).then((r) => r.status)),
    );
    expect(all.every((st) => st === 200)).toBe(true);
    expect(server.count('/token')).toBe(1);
  });

  it('invalid_grant surfaces typed, is never retried, and the spent refresh token is not sent again', async () => {
    tokenReply = () => ({ status: 400, body: { error: 'invalid_grant' } });
    const s = make();
    const e1 = await s.get(`${server.url}/api`).catch((e) => e);
    const e2 = await s.get(`${server.url}/api`).catch((e) => e);
    expect(e1).toBeInstanceOf(InvalidGrantError);
    expect(e2).toBeInstanceOf(InvalidGrantError);
    expect(server.count('/token')).toBe(1);
    expect(server.count('/api')).toBe(0);
  });

  it('a refresh that fails on a 5xx is not retried', async () => {
    tokenReply = () => ({ status: 503, body: 'busy' });
    const e = await make()
      .get(`${server.url}/api`)
      .catch((x) => x);
    expect(e.code).toBe('OAUTH_HTTP_ERROR');
    expect(server.count('/token')).toBe(1);
    expect(server.count('/api')).toBe(0);
  });

  it('without autoRefreshUrl an expired token is a TokenExpiredError, with no request', async () => {
    const s = new OAuth2Session({ clientId: 'c', token: expired(), clock });
    await expect(s.get(`${server.url}/api`)).rejects.toBeInstanceOf(TokenExpiredError);
    expect(server.count()).toBe(0);
  });

  it('a token without expires_at is treated as not expired', async () => {
    const s = new OAuth2Session({
      clientId: 'c',
      token: { access_token: 'fresh-1', token_type: 'Bearer' },
      clock,
    });
    expect((await s.get(`${server.url}/api`)).status).toBe(200);
  });

  it('refreshToken() without a url or autoRefreshUrl is a TypeError, with no request', async () => {
    const s = new OAuth2Session({ clientId: 'c', token: expired() });
    await expect(s.refreshToken()).rejects.toMatchObject({ code: 'ERR_MISSING_OPTION' });
    expect(server.count()).toBe(0);
  });
});

describe('OAuth2Session refreshCoordinator', () => {
  it('adopts a token another process obtained, calling onToken, without a request', async () => {
    const saved: string[] = [];
    const coordinator: RefreshCoordinator = async (_refresh, stale) => ({
      ...stale,
      access_token: 'fresh-1',
      expires_at: NOW / 1000 + 100,
    });
    const s = make({
      refreshCoordinator: coordinator,
      onToken: (t: Token) => void saved.push(t.access_token),
    });
    expect((await s.get(`${server.url}/api`)).status).toBe(200);
    expect(server.count('/token')).toBe(0);
    expect(saved).toEqual(['fresh-1']);
  });

  it('runs behind the in-process single-flight and may call refresh()', async () => {
    let calls = 0;
    const coordinator: RefreshCoordinator = (refresh) => {
      calls++;
      return refresh();
    };
    const s = make({ refreshCoordinator: coordinator });
    await Promise.all(Array.from({ length: 20 }, () => s.get(`${server.url}/api`)));
    expect(calls).toBe(1);
    expect(server.count('/token')).toBe(1);
  });

  it('does not call onToken when the answered token is the same', async () => {
    const saved: string[] = [];
    const s = make({
      refreshCoordinator: async (_r: unknown, stale: Token) => stale,
      onToken: (t: Token) => void saved.push(t.access_token),
    });
    await s.refreshToken();
    expect(saved).toEqual([]);
  });
});
