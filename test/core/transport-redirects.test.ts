/**
 * Redirects of requests made with the token: the transport follows them itself, holds every hop
 * to the https rule, never carries a credential (or a body) to another origin, changes POST to
 * GET as the Fetch standard does, and gives up after 20 hops.
 */
import { InsecureTransportError, OAuth2Error, OAuth2Session } from 'oauth2-session';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Recorded, type Reply, startServer, type TestServer } from './helpers/server.js';

type Route = (req: Recorded) => Reply | undefined;

let a: TestServer;
let b: TestServer;
let routeA: Route;
let routeB: Route;
const echo = (req: Recorded): Reply => ({
  body: { path: req.path, method: req.method, body: req.body },
});
beforeEach(async () => {
  routeA = () => undefined;
  routeB = () => undefined;
  a = await startServer((req) => routeA(req) ?? echo(req));
  b = await startServer((req) => routeB(req) ?? echo(req));
});
afterEach(async () => {
  await a.close();
  await b.close();
});

const redirect = (location: string, status = 302): Reply => ({
  status,
  headers: { location },
});
const session = (extra: Record<string, unknown> = {}) =>
  new OAuth2Session({
    clientId: 'client',
    token: { access_token: 'secret-access-token', token_type: 'Bearer' },
    ...extra,
  });
const credentials = {
  cookie: 'sid=1',
  'proxy-authorization': 'Basic cHJveHk6cHc=',
  dpop: 'proof',
  'x-trace': 'trace-1',
};

describe('OAuth2Session.fetch: redirects on one origin', () => {
  it('a same-origin redirect is followed with the token and the other headers', async () => {
    routeA = (req) => (req.path === '/start' ? redirect('/final') : undefined);
    const res = await session().get(`${a.url}/start`, { headers: credentials });
    expect(res.status).toBe(200);
    expect(res.url).toBe(`${a.url}/final`);
    expect(a.requests.map((r) => r.path)).toEqual(['/start', '/final']);
    const final = a.requests[1]!.headers;
    expect(final.authorization).toBe('Bearer secret-access-token');
    expect(final.cookie).toBe('sid=1');
    expect(final.dpop).toBe('proof');
  });

  it('a followed redirect answers redirected: true, as the global fetch does', async () => {
    routeA = (req) => (req.path === '/start' ? redirect('/final') : undefined);
    for (const timeoutMs of [30_000, 0]) {
      const res = await session({ timeoutMs }).get(`${a.url}/start`);
      expect(res.url).toBe(`${a.url}/final`);
      expect(res.redirected).toBe(true);
    }
    const direct = await session().get(`${a.url}/final`);
    expect(direct.redirected).toBe(false);
  });

  it('a 307 on the same origin keeps the method and the body', async () => {
    routeA = (req) => (req.path === '/start' ? redirect('/final', 307) : undefined);
    const res = await session().post(`${a.url}/start`, { body: 'payload' });
    expect(await res.json()).toEqual({ path: '/final', method: 'POST', body: 'payload' });
    expect(a.requests[1]!.headers.authorization).toBe('Bearer secret-access-token');
  });

  it("redirect: 'manual' answers the redirect itself, not followed", async () => {
    routeA = (req) => (req.path === '/start' ? redirect('/final') : undefined);
    const res = await session().get(`${a.url}/start`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/final');
    expect(a.count()).toBe(1);
  });

  it('a redirect status without a location is answered as is', async () => {
    routeA = () => ({ status: 302, body: 'nowhere' });
    const res = await session().get(`${a.url}/start`);
    expect(res.status).toBe(302);
    expect(await res.text()).toBe('nowhere');
  });
});

describe('OAuth2Session.fetch: redirects to another origin', () => {
  it('followed without authorization, cookie, proxy-authorization or dpop; other headers kept', async () => {
    routeA = (req) => (req.path === '/start' ? redirect(`${b.url}/final`) : undefined);
    const res = await session().get(`${a.url}/start`, { headers: credentials });
    expect(await res.json()).toMatchObject({ path: '/final' });
    expect(a.requests[0]!.headers.authorization).toBe('Bearer secret-access-token');
    const [hop] = b.requests;
    expect(hop!.headers.authorization).toBeUndefined();
    expect(hop!.headers.cookie).toBeUndefined();
    expect(hop!.headers['proxy-authorization']).toBeUndefined();
    expect(hop!.headers.dpop).toBeUndefined();
    expect(hop!.headers['x-trace']).toBe('trace-1');
  });

  it('a credential dropped on the way is not put back when the chain returns to the first origin', async () => {
    routeA = (req) => (req.path === '/start' ? redirect(`${b.url}/bounce`) : undefined);
    routeB = () => redirect(`${a.url}/back`);
    await session().get(`${a.url}/start`);
    expect(a.requests.map((r) => [r.path, r.headers.authorization])).toEqual([
      ['/start', 'Bearer secret-access-token'],
      ['/back', undefined],
    ]);
  });

  it('a body is not carried across origins (307, 308): refused, nothing sent there', async () => {
    for (const status of [307, 308]) {
      routeA = () => redirect(`${b.url}/final`, status);
      const e = await session()
        .post(`${a.url}/start`, { body: 'secret-payload' })
        .catch((x) => x);
      expect(e).toBeInstanceOf(OAuth2Error);
      expect(e.code).toBe('OAUTH_UNEXPECTED_REDIRECT');
      expect(e.status).toBe(status);
    }
    expect(b.count()).toBe(0);
  });

  it('a 303 to another origin turns POST into a bodiless GET, without the token', async () => {
    routeA = () => redirect(`${b.url}/final`, 303);
    const res = await session().post(`${a.url}/start`, {
      body: 'secret-payload',
      headers: { 'content-type': 'text/plain' },
    });
    expect(await res.json()).toEqual({ path: '/final', method: 'GET', body: '' });
    expect(b.requests[0]!.headers.authorization).toBeUndefined();
    expect(b.requests[0]!.headers['content-type']).toBeUndefined();
  });
});

describe('OAuth2Session.fetch: method changes', () => {
  it('POST -> GET on 303, the body and its content headers dropped', async () => {
    routeA = (req) => (req.path === '/start' ? redirect('/final', 303) : undefined);
    const res = await session().post(`${a.url}/start`, {
      body: 'payload',
      headers: { 'content-type': 'text/plain' },
    });
    expect(await res.json()).toEqual({ path: '/final', method: 'GET', body: '' });
    expect(a.requests[0]!.method).toBe('POST');
    expect(a.requests[1]!.headers['content-type']).toBeUndefined();
    expect(a.requests[1]!.headers.authorization).toBe('Bearer secret-access-token');
  });

  it('PUT -> GET on 303 too; a 302 changes POST only', async () => {
    routeA = (req) =>
      req.path === '/put'
        ? redirect('/final', 303)
        : req.path === '/p'
          ? redirect('/final')
          : undefined;
    expect(await (await session().put(`${a.url}/put`, { body: 'x' })).json()).toMatchObject({
      method: 'GET',
    });
    expect(await (await session().post(`${a.url}/p`, { body: 'x' })).json()).toMatchObject({
      method: 'GET',
      body: '',
    });
    expect(await (await session().patch(`${a.url}/p`, { body: 'x' })).json()).toMatchObject({
      method: 'PATCH',
      body: 'x',
    });
  });
});

describe('OAuth2Session.fetch: every hop held to the https rule', () => {
  /** A fetch that serves `https://api.example.test` from loopback server `a` (no TLS here). */
  const asked: string[] = [];
  const viaLoopback = (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    asked.push(url);
    return fetch(url.replace(/^https:\/\/api\.example\.test/, a.url), init);
  };

  it('https -> plain http to a non-loopback host is InsecureTransportError, that hop never sent', async () => {
    asked.length = 0;
    routeA = (req) =>
      req.path === '/start' ? redirect('http://api.example.test/next') : undefined;
    const s = session({ fetch: viaLoopback, allowInsecureTransport: false });
    const ok = await s.get('https://api.example.test/ok');
    expect(ok.status).toBe(200);
    const e = await s.get('https://api.example.test/start').catch((x) => x);
    expect(e).toBeInstanceOf(InsecureTransportError);
    expect(asked).toEqual(['https://api.example.test/ok', 'https://api.example.test/start']);
    expect(a.requests.map((r) => r.path)).toEqual(['/ok', '/start']);
  });

  it('a redirect to another scheme is refused with a TypeError', async () => {
    for (const location of ['file:///etc/passwd', 'data:text/plain,hi', 'ftp://a.example/x']) {
      routeA = () => redirect(location);
      await expect(session().get(`${a.url}/start`)).rejects.toThrow(TypeError);
    }
    expect(a.count()).toBe(3);
  });

  it('plain http to loopback stays allowed at every hop', async () => {
    routeA = () => redirect(`${b.url.replace('127.0.0.1', 'localhost')}/final`);
    const res = await session({ allowInsecureTransport: false }).get(`${a.url}/start`);
    expect(res.status).toBe(200);
    expect(b.count()).toBe(1);
  });
});

describe('OAuth2Session.fetch: the hop limit', () => {
  beforeEach(() => {
    routeA = (req) => {
      const n = Number(/^\/hop\/(\d+)$/.exec(req.path)?.[1] ?? Number.NaN);
      return n > 0 ? redirect(`/hop/${n - 1}`) : undefined;
    };
  });

  it('20 redirects are followed', async () => {
    const res = await session().get(`${a.url}/hop/20`);
    expect(await res.json()).toMatchObject({ path: '/hop/0' });
    expect(a.count()).toBe(21);
  });

  it('a 21st redirect is refused with OAUTH_UNEXPECTED_REDIRECT, not followed', async () => {
    const e = await session()
      .get(`${a.url}/hop/21`)
      .catch((x) => x);
    expect(e).toBeInstanceOf(OAuth2Error);
    expect(e.code).toBe('OAUTH_UNEXPECTED_REDIRECT');
    expect(e.message).toMatch(/too many redirects/);
    expect(a.requests.some((r) => r.path === '/hop/0')).toBe(false);
    expect(a.count()).toBe(21);
  });

  it('a redirect loop ends the same way', async () => {
    routeA = () => redirect('/loop');
    const e = await session()
      .get(`${a.url}/loop`)
      .catch((x) => x);
    expect(e.code).toBe('OAUTH_UNEXPECTED_REDIRECT');
    expect(a.count()).toBe(21);
  });
});
