import { OAuth2Session } from 'oauth2-session';
import { type EnvProxyFetch, envProxyFetch } from 'oauth2-session/node';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startServer, type TestServer } from '../core/helpers/server.js';
import { type ConnectProxy, startConnectProxy } from '../harness/connect-proxy.js';

// The target is a loopback server; the client addresses it by names it cannot resolve, so a
// request to them succeeds only through the proxy (which tunnels every CONNECT to loopback).
const AUTH_HOST = 'auth.example.test';
const API_HOST = 'api.example.test';
const PROXY_VARIABLES = ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY'].flatMap((n) => [
  n,
  n.toLowerCase(),
]);

let server: TestServer;
let port: number;
let proxy: ConnectProxy;
let fetches: EnvProxyFetch[];

beforeEach(async () => {
  server = await startServer((req) => {
    if (req.path === '/token')
      return { body: { access_token: 'at-1', token_type: 'Bearer', expires_in: 300 } };
    return { body: { path: req.path, auth: req.headers.authorization === 'Bearer at-1' } };
  });
  port = Number(new URL(server.url).port);
  proxy = await startConnectProxy(port);
  fetches = [];
  // Start from none of the variables, whatever the machine running the tests has set.
  for (const name of PROXY_VARIABLES) vi.stubEnv(name, undefined);
});

afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(fetches.map((f) => f.close()));
  await proxy.close();
  await server.close();
});

/**
 * Resolves every name to loopback without asking DNS, so a direct connection to the test's
 * `.test` names reaches the loopback server and nothing leaves the machine.
 */
const loopbackLookup = (
  _host: string,
  options: { all?: boolean | undefined },
  done: (
    error: Error | null,
    address: string | { address: string; family: number }[],
    family?: number,
  ) => void,
) => (options.all ? done(null, [{ address: '127.0.0.1', family: 4 }]) : done(null, '127.0.0.1', 4));

/** A session over a fresh `envProxyFetch()`, made after the test set the environment. */
function session(): OAuth2Session {
  const fetch = envProxyFetch({ connect: { lookup: loopbackLookup } });
  fetches.push(fetch);
  return new OAuth2Session({
    clientId: 'svc',
    clientSecret: 'sec',
    fetch,
    allowInsecureTransport: true,
  });
}

async function tokenAndApi(s: OAuth2Session): Promise<unknown> {
  const token = await s.fetchClientCredentialsToken(`http://${AUTH_HOST}:${port}/token`);
  expect(token.access_token).toBe('at-1');
  return (await s.get(`http://${API_HOST}:${port}/user`)).json();
}

describe('envProxyFetch', () => {
  it('envProxyFetch: with HTTP_PROXY set, the token request and the API request go through the proxy', async () => {
    vi.stubEnv('HTTP_PROXY', proxy.url);
    expect(await tokenAndApi(session())).toEqual({ path: '/user', auth: true });
    expect(proxy.tunnels(AUTH_HOST)).toBe(1);
    expect(proxy.tunnels(API_HOST)).toBe(1);
    expect(server.requests.map((r) => r.path)).toEqual(['/token', '/user']);
  });

  it('envProxyFetch: lowercase http_proxy works too', async () => {
    vi.stubEnv('http_proxy', proxy.url);
    expect(await tokenAndApi(session())).toEqual({ path: '/user', auth: true });
    expect(proxy.tunnels(AUTH_HOST)).toBe(1);
    expect(proxy.tunnels(API_HOST)).toBe(1);
  });

  it('envProxyFetch: HTTPS_PROXY alone is not used for an http URL (undici: HTTP_PROXY for http)', async () => {
    vi.stubEnv('HTTPS_PROXY', proxy.url);
    const token = await session().fetchClientCredentialsToken(`http://${AUTH_HOST}:${port}/token`);
    expect(token.access_token).toBe('at-1');
    expect(proxy.tunnels(AUTH_HOST)).toBe(0);
    expect(server.requests.map((r) => r.path)).toEqual(['/token']);
  });

  it('envProxyFetch: a host NO_PROXY lists goes direct, the others through the proxy', async () => {
    vi.stubEnv('HTTP_PROXY', proxy.url);
    vi.stubEnv('NO_PROXY', API_HOST);
    expect(await tokenAndApi(session())).toEqual({ path: '/user', auth: true });
    expect(proxy.tunnels(AUTH_HOST)).toBe(1);
    expect(proxy.tunnels(API_HOST)).toBe(0);
    expect(server.requests.map((r) => r.path)).toEqual(['/token', '/user']);
  });

  it('envProxyFetch: a loopback URL is never proxied, even with NO_PROXY unset', async () => {
    vi.stubEnv('HTTP_PROXY', proxy.url);
    vi.stubEnv('HTTPS_PROXY', proxy.url);
    const s = session();
    const token = await s.fetchClientCredentialsToken(`http://127.0.0.1:${port}/token`);
    expect(token.access_token).toBe('at-1');
    const user = await (await s.get(`http://localhost:${port}/user`)).json();
    expect(user).toEqual({ path: '/user', auth: true });
    expect(proxy.tunnels('127.0.0.1')).toBe(0);
    expect(proxy.tunnels('localhost')).toBe(0);
    expect(server.requests.map((r) => r.path)).toEqual(['/token', '/user']);
  });
});

describe('Node defaults', () => {
  it('OAuth2Session from oauth2-session/node: with HTTP_PROXY set and no fetch given, the token request goes through the proxy', async () => {
    vi.stubEnv('HTTP_PROXY', proxy.url);
    vi.resetModules();
    const node = await import('oauth2-session/node');
    const s = new node.OAuth2Session({
      clientId: 'svc',
      clientSecret: 'sec',
      allowInsecureTransport: true,
    });
    const token = await s.fetchClientCredentialsToken(`http://${AUTH_HOST}:${port}/token`);
    expect(token.access_token).toBe('at-1');
    expect(proxy.tunnels(AUTH_HOST)).toBe(1);
  });

  it('withNodeDefaults keeps an explicit fetch and fills in nodeFetch() otherwise, one per process', async () => {
    const { nodeFetch, withNodeDefaults } = await import('oauth2-session/node');
    const mine = async () => new Response('');
    expect(withNodeDefaults({ fetch: mine }).fetch).toBe(mine);
    expect(withNodeDefaults<{ fetch?: typeof mine | undefined }>({}).fetch).toBe(nodeFetch());
    expect(nodeFetch()).toBe(nodeFetch());
  });

  it("createOAuthHandlers from oauth2-session/node: the handlers' token request goes through the proxy", async () => {
    vi.stubEnv('HTTP_PROXY', proxy.url);
    vi.resetModules();
    const node = await import('oauth2-session/node');
    const auth = node.createOAuthHandlers({
      clientId: 'svc',
      clientSecret: 'sec',
      allowInsecureTransport: true,
      server: {
        authorization_endpoint: `http://${AUTH_HOST}:${port}/authorize`,
        token_endpoint: `http://${AUTH_HOST}:${port}/token`,
      },
      session: { secrets: 'x'.repeat(32) },
    });
    const login = await auth.login(new Request('http://127.0.0.1/login'));
    const location = new URL(login.headers.get('location')!);
    const cookie = login.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const callback = new Request(
      `http://127.0.0.1/callback?code=c&state=${location.searchParams.get('state')}`,
      { headers: { cookie } },
    );
    const answer = await auth.callback(callback);
    expect(answer.status).toBe(302);
    expect(proxy.tunnels(AUTH_HOST)).toBe(1);
  });
});
