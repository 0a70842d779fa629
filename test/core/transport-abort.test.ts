/**
 * The caller's AbortSignal and the deadline (`timeoutMs`) bound the whole exchange, body
 * included, for token calls and for requests made with the token: against a server that drips
 * its body, the caller's own abort reason is what rejects, and the deadline is a TimeoutError.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  OAuth2Error,
  OAuth2Session,
  type OAuth2SessionOptions,
  TimeoutError,
  type Token,
} from 'oauth2-session';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/**
 * A loopback server whose answers never finish on their own:
 * - `/drip`: headers, the start of a JSON token answer, then one byte every 20 ms;
 * - `/late`: headers only after 10 s;
 * - `/cut`: headers and a few bytes, then the connection is destroyed;
 * - `/token`: a complete token answer.
 */
interface DripServer {
  url: string;
  paths: string[];
  /** Resolves when the next answer has sent its first body bytes (or its request arrived, for `/late`). */
  started(): Promise<void>;
  /** Answers whose connection closed before they finished. */
  readonly cutShort: number;
  close(): Promise<void>;
}

async function startDripServer(): Promise<DripServer> {
  const paths: string[] = [];
  let onStart: (() => void) | undefined;
  let cutShort = 0;
  const begin = () => {
    onStart?.();
    onStart = undefined;
  };
  const watch = (res: ServerResponse, stop: () => void) =>
    res.on('close', () => {
      stop();
      if (!res.writableFinished) cutShort++;
    });
  const server = createServer((req, res) => {
    req.resume();
    const path = (req.url ?? '').split('?')[0]!;
    paths.push(path);
    if (path === '/token') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          access_token: 'at-new',
          token_type: 'Bearer',
          expires_in: 3600,
          refresh_token: 'rt-new',
        }),
      );
      return;
    }
    if (path === '/late') {
      const timer = setTimeout(() => res.writeHead(200).end('{}'), 10_000);
      watch(res, () => clearTimeout(timer));
      begin();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"access_token":"');
    res.flushHeaders();
    if (path === '/cut') {
      const timer = setTimeout(() => res.destroy(), 50);
      watch(res, () => clearTimeout(timer));
      begin();
      return;
    }
    const timer = setInterval(() => res.write('a'), 20);
    watch(res, () => clearInterval(timer));
    setTimeout(begin, 30);
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    paths,
    started: () =>
      new Promise<void>((r) => {
        onStart = r;
      }),
    get cutShort() {
      return cutShort;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

let drip: DripServer;
beforeEach(async () => {
  drip = await startDripServer();
});
afterEach(() => drip.close());

const stale: Token = { access_token: 'at-old', token_type: 'Bearer', refresh_token: 'rt-old' };
const session = (path: string, extra: Partial<OAuth2SessionOptions> = {}) =>
  new OAuth2Session({
    clientId: 'client',
    clientSecret: 'client-secret-value',
    pkce: false,
    token: stale,
    server: { token_endpoint: `${drip.url}${path}`, revocation_endpoint: `${drip.url}${path}` },
    ...extra,
  });

/** Settles a promise into its outcome, so a rejection is never unhandled while the test waits. */
const outcome = (p: Promise<unknown>) =>
  p.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );

type TokenCall = [string, (s: OAuth2Session, signal?: AbortSignal) => Promise<unknown>];
const tokenCalls: TokenCall[] = [
  ['fetchToken', (s, signal) => s.fetchToken({ code: 'the-code', signal })],
  ['refreshToken', (s, signal) => s.refreshToken(undefined, { signal })],
  ['fetchClientCredentialsToken', (s, signal) => s.fetchClientCredentialsToken({ signal })],
  ['revokeToken', (s, signal) => s.revokeToken(undefined, { signal })],
];

describe.each(tokenCalls)("OAuth2Session.%s: the caller's signal", (_name, call) => {
  it('aborted while the body drips: rejects with the very reason object, and the exchange ends', async () => {
    const reason = new Error('caller gave up');
    const controller = new AbortController();
    const seen: Token[] = [];
    const s = session('/drip', { onToken: (t) => void seen.push(t) });
    const begun = drip.started();
    const result = outcome(call(s, controller.signal));
    await begun;
    controller.abort(reason);
    const { error } = (await result) as { error: unknown };
    expect(error).toBe(reason);
    await vi.waitFor(() => expect(drip.cutShort).toBe(1), { timeout: 2000 });
    expect(s.token).toEqual(stale);
    expect(seen).toEqual([]);
  });

  it('a reason that is not an Error is what rejects too', async () => {
    const reason = { why: 'navigated away' };
    const controller = new AbortController();
    const begun = drip.started();
    const result = outcome(call(session('/drip'), controller.signal));
    await begun;
    controller.abort(reason);
    expect(((await result) as { error: unknown }).error).toBe(reason);
  });

  it('aborted before the headers arrive: rejects with the reason', async () => {
    const reason = new Error('too slow for me');
    const controller = new AbortController();
    const begun = drip.started();
    const result = outcome(call(session('/late'), controller.signal));
    await begun;
    controller.abort(reason);
    expect(((await result) as { error: unknown }).error).toBe(reason);
  });

  it('already aborted: rejects with the reason, and nothing reaches the server', async () => {
    const reason = new Error('never mind');
    const result = await outcome(call(session('/drip'), AbortSignal.abort(reason)));
    expect((result as { error: unknown }).error).toBe(reason);
    expect(drip.paths).toEqual([]);
  });

  it('aborted without a reason: rejects with the signal reason (an AbortError)', async () => {
    const controller = new AbortController();
    const begun = drip.started();
    const result = outcome(call(session('/drip'), controller.signal));
    await begun;
    controller.abort();
    const { error } = (await result) as { error: unknown };
    expect(error).toBe(controller.signal.reason);
    expect(error).toMatchObject({ name: 'AbortError' });
  });
});

describe.each(tokenCalls)('OAuth2Session.%s: the deadline', (_name, call) => {
  it('timeoutMs covers a body that never ends: TimeoutError naming the host, well within 2 s', async () => {
    const s = session('/drip', { timeoutMs: 200 });
    const started = Date.now();
    const { error } = (await outcome(call(s))) as { error: OAuth2Error };
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.code).toBe('OAUTH_TIMEOUT');
    expect(error.message).toContain(new URL(drip.url).host);
    expect(Date.now() - started).toBeLessThan(2000);
    await vi.waitFor(() => expect(drip.cutShort).toBe(1), { timeout: 2000 });
    expect(s.token).toEqual(stale);
  });

  it("timeoutMs fires while the caller's signal stays quiet: TimeoutError, not the caller's", async () => {
    const controller = new AbortController();
    const { error } = (await outcome(
      call(session('/late', { timeoutMs: 200 }), controller.signal),
    )) as { error: unknown };
    expect(error).toBeInstanceOf(TimeoutError);
    expect(controller.signal.aborted).toBe(false);
  });
});

describe('OAuth2Session token calls after an abort', () => {
  it('refreshToken: an aborted refresh leaves the old token, and the next refresh goes through', async () => {
    const controller = new AbortController();
    const s = session('/drip');
    const begun = drip.started();
    const first = outcome(s.refreshToken(undefined, { signal: controller.signal }));
    await begun;
    controller.abort(new Error('stop'));
    await first;
    expect(s.token).toEqual(stale);
    const t = await s.refreshToken(`${drip.url}/token`);
    expect(t.access_token).toBe('at-new');
    expect(s.token?.access_token).toBe('at-new');
  });
});

describe('OAuth2Session.fetch: an early refresh that runs out of time', () => {
  it('get(): a refresh timing out while the token is still valid sends the valid token', async () => {
    const valid = { ...stale, expires_at: Math.floor(Date.now() / 1000) + 30 };
    const s = session('/late', { token: valid, timeoutMs: 200 });
    const res = await s.get(`${drip.url}/token`);
    expect(res.status).toBe(200);
    expect(drip.paths).toEqual(['/late', '/token']);
    expect(s.token).toEqual(valid);
  });
});

describe('OAuth2Session.fetch: bodies of requests made with the token', () => {
  it("get(): aborted after the headers, while the body drips: reading it rejects with the caller's reason", async () => {
    const reason = new Error('user closed the page');
    const controller = new AbortController();
    const s = session('/token');
    const res = await s.get(`${drip.url}/drip`, { signal: controller.signal });
    expect(res.status).toBe(200);
    const body = outcome(res.text());
    controller.abort(reason);
    expect(((await body) as { error: unknown }).error).toBe(reason);
    await vi.waitFor(() => expect(drip.cutShort).toBe(1), { timeout: 2000 });
  });

  it("fetch(Request): the Request's own signal counts as the caller's", async () => {
    const reason = new Error('request signal');
    const controller = new AbortController();
    const s = session('/token');
    const res = await s.fetch(new Request(`${drip.url}/drip`, { signal: controller.signal }));
    const reader = res.body!.getReader();
    expect((await reader.read()).done).toBe(false);
    const next = outcome(
      (async () => {
        for (;;) if ((await reader.read()).done) return 'ended';
      })(),
    );
    controller.abort(reason);
    expect(((await next) as { error: unknown }).error).toBe(reason);
  });

  it('get(): timeoutMs bounds the body after the headers arrived: TimeoutError within 2 s', async () => {
    const s = session('/token', { timeoutMs: 200 });
    const started = Date.now();
    const res = await s.get(`${drip.url}/drip`);
    expect(res.status).toBe(200);
    const { error } = (await outcome(res.text())) as { error: unknown };
    expect(error).toBeInstanceOf(TimeoutError);
    expect(Date.now() - started).toBeLessThan(2000);
    await vi.waitFor(() => expect(drip.cutShort).toBe(1), { timeout: 2000 });
  });

  it('get(): aborted before the headers arrive: rejects with the reason', async () => {
    const reason = new Error('no headers yet');
    const controller = new AbortController();
    const begun = drip.started();
    const result = outcome(
      session('/token').get(`${drip.url}/late`, { signal: controller.signal }),
    );
    await begun;
    controller.abort(reason);
    expect(((await result) as { error: unknown }).error).toBe(reason);
  });

  it('get(): a body read to its end is not cut by a later abort or the deadline', async () => {
    const controller = new AbortController();
    const s = session('/token', { timeoutMs: 300 });
    const res = await s.get(`${drip.url}/token`, { signal: controller.signal });
    const text = await res.text();
    controller.abort(new Error('late'));
    await new Promise((r) => setTimeout(r, 400));
    expect(JSON.parse(text)).toMatchObject({ access_token: 'at-new' });
  });

  it('get(): a connection cut mid-body is OAUTH_NETWORK_ERROR naming the host, nothing secret', async () => {
    const s = session('/token', {
      token: { access_token: 'very-secret-access-token', token_type: 'Bearer' },
    });
    const res = await s.get(`${drip.url}/cut`);
    const { error } = (await outcome(res.text())) as { error: OAuth2Error };
    expect(error).toBeInstanceOf(OAuth2Error);
    expect(error.code).toBe('OAUTH_NETWORK_ERROR');
    expect(error.message).toContain(new URL(drip.url).host);
    expect(error.message).not.toContain('very-secret-access-token');
  });
});

describe('OAuth2Session token calls: network failures', () => {
  it('fetchToken: a refused connection is OAUTH_NETWORK_ERROR naming the host, not the secret or code', async () => {
    const s = session('/token');
    const host = new URL(drip.url).host;
    await drip.close();
    const { error } = (await outcome(s.fetchToken({ code: 'the-code' }))) as {
      error: OAuth2Error;
    };
    expect(error).toBeInstanceOf(OAuth2Error);
    expect(error.code).toBe('OAUTH_NETWORK_ERROR');
    expect(error.message).toContain(host);
    expect(error.message).not.toMatch(/client-secret-value|the-code/);
    drip = await startDripServer();
  });

  it.each(tokenCalls)(
    '%s: a connection cut mid-body is OAUTH_NETWORK_ERROR naming the host',
    async (_n, call) => {
      const { error } = (await outcome(call(session('/cut')))) as { error: OAuth2Error };
      expect(error).toBeInstanceOf(OAuth2Error);
      expect(error.code).toBe('OAUTH_NETWORK_ERROR');
      expect(error.message).toContain(new URL(drip.url).host);
      expect(error.message).not.toMatch(/client-secret-value|the-code|rt-old/);
    },
  );

  it('get() with timeoutMs: 0: aborted mid-body, reading rejects with the reason', async () => {
    const reason = new Error('no deadline, still mine');
    const controller = new AbortController();
    const s = session('/token', { timeoutMs: 0 });
    const res = await s.get(`${drip.url}/drip`, { signal: controller.signal });
    const body = outcome(res.text());
    controller.abort(reason);
    expect(((await body) as { error: unknown }).error).toBe(reason);
  });

  it.each(tokenCalls)(
    '%s with timeoutMs: 0: aborted mid-body, rejects with the reason',
    async (_n, call) => {
      const reason = new Error('no deadline, still mine');
      const controller = new AbortController();
      const begun = drip.started();
      const result = outcome(call(session('/drip', { timeoutMs: 0 }), controller.signal));
      await begun;
      controller.abort(reason);
      expect(((await result) as { error: unknown }).error).toBe(reason);
    },
  );

  it('get() with timeoutMs: 0: a connection cut mid-body is still OAUTH_NETWORK_ERROR', async () => {
    const res = await session('/token', { timeoutMs: 0 }).get(`${drip.url}/cut`);
    const { error } = (await outcome(res.text())) as { error: OAuth2Error };
    expect(error).toBeInstanceOf(OAuth2Error);
    expect(error.code).toBe('OAUTH_NETWORK_ERROR');
    expect(error.message).toContain(new URL(drip.url).host);
  });

  it.each(tokenCalls)(
    '%s with timeoutMs: 0: a connection cut mid-body is still OAUTH_NETWORK_ERROR',
    async (_n, call) => {
      const { error } = (await outcome(call(session('/cut', { timeoutMs: 0 })))) as {
        error: OAuth2Error;
      };
      expect(error).toBeInstanceOf(OAuth2Error);
      expect(error.code).toBe('OAUTH_NETWORK_ERROR');
      expect(error.message).toContain(new URL(drip.url).host);
    },
  );

  it('get() with timeoutMs: 0: a refresh cut mid-body while the token is still valid sends the valid token', async () => {
    const valid = { ...stale, expires_at: Math.floor(Date.now() / 1000) + 30 };
    const s = session('/cut', { token: valid, timeoutMs: 0 });
    const res = await s.get(`${drip.url}/token`);
    expect(res.status).toBe(200);
    expect(s.token).toEqual(valid);
  });
});
