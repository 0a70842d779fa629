import type { AddressInfo } from 'node:net';
import express from 'express';
import { toExpress } from 'oauth2-session/express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** An Express app whose routes answer fixed Web Responses through the adapter. */
function app() {
  const a = express();
  a.disable('x-powered-by');
  a.get('/cookies', (_req, res, next) => {
    res.setHeader('x-from-middleware', 'kept');
    res.setHeader('cache-control', 'public');
    next();
  });
  a.get(
    '/cookies',
    toExpress(async () => {
      const headers = new Headers({ location: '/next', 'cache-control': 'no-store' });
      headers.append('set-cookie', 'a=1; Path=/; HttpOnly');
      headers.append('set-cookie', 'b=; Path=/; Max-Age=0');
      return new Response(null, { status: 302, headers });
    }),
  );
  a.get(
    '/json',
    toExpress(async () => Response.json({ login: 'octocat', name: 'Mona \u00e9' })),
  );
  a.get(
    '/bytes',
    toExpress(async () => new Response(new Uint8Array([0, 255, 128, 10]))),
  );
  a.get(
    '/empty',
    toExpress(async () => new Response(null, { status: 204 })),
  );
  a.get(
    '/signal',
    toExpress(async (request) => {
      const first = request.signal;
      return Response.json({ same: first === request.signal, aborted: first.aborted });
    }),
  );
  return a;
}

describe('Express adapter: sendWebResponse', () => {
  let origin: string;
  let close: () => void;

  beforeAll(async () => {
    const server = app().listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => server.close();
  });
  afterAll(() => close());

  it('sends every Set-Cookie apart, the status, a zero Content-Length, middleware headers kept', async () => {
    const res = await fetch(`${origin}/cookies`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.getSetCookie()).toEqual(['a=1; Path=/; HttpOnly', 'b=; Path=/; Max-Age=0']);
    expect(res.headers.get('location')).toBe('/next');
    expect(res.headers.get('content-length')).toBe('0');
    expect(res.headers.get('transfer-encoding')).toBeNull();
    expect(res.headers.get('x-from-middleware')).toBe('kept');
    // The Response's own value replaces what middleware set before.
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('sends a body whole with its byte length, UTF-8 and binary alike', async () => {
    const json = await fetch(`${origin}/json`);
    const text = await json.text();
    expect(JSON.parse(text)).toEqual({ login: 'octocat', name: 'Mona \u00e9' });
    expect(json.headers.get('content-length')).toBe(String(new TextEncoder().encode(text).length));
    expect(json.headers.get('content-type')).toBe('application/json');
    const bytes = await fetch(`${origin}/bytes`);
    expect([...new Uint8Array(await bytes.arrayBuffer())]).toEqual([0, 255, 128, 10]);
    expect(bytes.headers.get('content-length')).toBe('4');
  });

  it('sends no Content-Length for a 204', async () => {
    const res = await fetch(`${origin}/empty`);
    expect(res.status).toBe(204);
    expect(res.headers.get('content-length')).toBeNull();
  });

  it('request.signal is one signal, not aborted while the visitor waits', async () => {
    const res = await fetch(`${origin}/signal`);
    expect(await res.json()).toEqual({ same: true, aborted: false });
  });
});
