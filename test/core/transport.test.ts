import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  InsecureTransportError,
  isLoopback,
  OAuth2Session,
  redactedExcerpt,
  secureUrl,
  TimeoutError,
} from 'oauth2-session';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startServer, type TestServer } from './helpers/server.js';

let server: TestServer;
beforeEach(async () => {
  server = await startServer((req) =>
    req.path === '/slow' ? { delayMs: 2000, body: { late: true } } : { body: { ok: true } },
  );
});
afterEach(() => server.close());
afterEach(() => vi.unstubAllEnvs());

const token = { access_token: 'at', token_type: 'Bearer' };

describe('secure transport', () => {
  it('isLoopback: 127.0.0.0/8, ::1 and localhost only', () => {
    for (const h of ['localhost', '127.0.0.1', '127.255.0.9', '[::1]'])
      expect(isLoopback(h)).toBe(true);
    for (const h of ['localhost.evil.com', '128.0.0.1', '[::2]', 'example.com', '10.0.0.1'])
      expect(isLoopback(h)).toBe(false);
    expect(isLoopback(new URL('http://127.1/').hostname)).toBe(true);
  });

  it('secureUrl: https always, http to loopback, other schemes refused', () => {
    expect(secureUrl('https://a.example/x', 'u', false).href).toBe('https://a.example/x');
    expect(secureUrl('http://[::1]:8080/', 'u', false).port).toBe('8080');
    expect(() => secureUrl('http://a.example/', 'token url', false)).toThrow(
      InsecureTransportError,
    );
    expect(() => secureUrl('ftp://a.example/', 'u', true)).toThrow(
      expect.objectContaining({ name: 'TypeError' }),
    );
    expect(() => secureUrl('not a url', 'u', false)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
  });

  it('OAuth2Session.fetch refuses plain http to other hosts before sending; the option lifts it', async () => {
    let called = 0;
    const fetch = async () => {
      called++;
      return new Response('{}');
    };
    const s = new OAuth2Session({ clientId: 'c', token, fetch, allowInsecureTransport: false });
    await expect(s.get('http://api.example/user')).rejects.toBeInstanceOf(InsecureTransportError);
    expect(called).toBe(0);
    await new OAuth2Session({ clientId: 'c', token, fetch, allowInsecureTransport: true }).get(
      'http://api.example/user',
    );
    expect(called).toBe(1);
  });

  it('OAUTH2_INSECURE_TRANSPORT=1 lifts it; an explicit option false wins', async () => {
    let called = 0;
    const fetch = async () => {
      called++;
      return new Response('{}');
    };
    vi.stubEnv('OAUTH2_INSECURE_TRANSPORT', '1');
    await new OAuth2Session({ clientId: 'c', token, fetch }).get('http://api.example/user');
    expect(called).toBe(1);
    await expect(
      new OAuth2Session({ clientId: 'c', token, fetch, allowInsecureTransport: false }).get(
        'http://api.example/user',
      ),
    ).rejects.toBeInstanceOf(InsecureTransportError);
    vi.stubEnv('OAUTH2_INSECURE_TRANSPORT', '0');
    await expect(
      new OAuth2Session({ clientId: 'c', token, fetch }).get('http://api.example/user'),
    ).rejects.toBeInstanceOf(InsecureTransportError);
    expect(called).toBe(1);
  });

  it('token endpoints follow the same rule, before any request', async () => {
    const s = new OAuth2Session({
      clientId: 'c',
      clientSecret: 's',
      pkce: false,
      allowInsecureTransport: false,
    });
    await expect(s.fetchToken('http://idp.example/token', { code: 'c' })).rejects.toBeInstanceOf(
      InsecureTransportError,
    );
  });
});

describe('timeouts and abort', () => {
  it('a request slower than timeoutMs is a TimeoutError', async () => {
    const s = new OAuth2Session({ clientId: 'c', token, timeoutMs: 100 });
    const started = Date.now();
    const e = await s.get(`${server.url}/slow`).catch((x) => x);
    expect(e).toBeInstanceOf(TimeoutError);
    expect(e.code).toBe('OAUTH_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('the token request has the timeout too', async () => {
    const s = new OAuth2Session({ clientId: 'c', clientSecret: 's', pkce: false, timeoutMs: 100 });
    await expect(s.fetchToken(`${server.url}/slow`, { code: 'x' })).rejects.toBeInstanceOf(
      TimeoutError,
    );
  });

  it('the token request timeout covers a body that never ends', async () => {
    const drip = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"access_token":"');
      const timer = setInterval(() => res.write('a'), 20);
      res.on('close', () => clearInterval(timer));
    });
    await new Promise<void>((r) => drip.listen(0, '127.0.0.1', r));
    const { port } = drip.address() as AddressInfo;
    try {
      const s = new OAuth2Session({
        clientId: 'c',
        clientSecret: 's',
        pkce: false,
        timeoutMs: 200,
      });
      const e = await s.fetchToken(`http://127.0.0.1:${port}/token`, { code: 'x' }).catch((x) => x);
      expect(e).toBeInstanceOf(TimeoutError);
    } finally {
      drip.closeAllConnections();
      await new Promise((r) => drip.close(r));
    }
  });

  it("the caller's AbortSignal is combined with the timeout and its reason rethrown", async () => {
    const s = new OAuth2Session({ clientId: 'c', token });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('caller gave up')), 50);
    await expect(s.get(`${server.url}/slow`, { signal: controller.signal })).rejects.toThrow(
      'caller gave up',
    );
  });

  it('a refused connection is OAUTH_NETWORK_ERROR', async () => {
    const url = server.url;
    await server.close();
    const e = await new OAuth2Session({ clientId: 'c', token }).get(`${url}/x`).catch((x) => x);
    expect(e.code).toBe('OAUTH_NETWORK_ERROR');
    server = await startServer(() => ({}));
  });
});

describe('redactedExcerpt', () => {
  it('removes credentials and caps the length', () => {
    const out = redactedExcerpt(
      `{"refresh_token":"r1","code":"c2","msg":"oops ${'A'.repeat(40)}"}${' x'.repeat(300)}`,
    );
    expect(out).not.toMatch(/r1|c2|AAAA/);
    expect(out).toContain('oops');
    expect(out.length).toBeLessThanOrEqual(200);
  });
});
