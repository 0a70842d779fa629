import type { AddressInfo } from 'node:net';
import express from 'express';
import { toExpress } from 'oauth2-session/express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** A stream the test feeds chunk by chunk, and whether its consumer cancelled it. */
function feed() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let cancelled!: () => void;
  const cancel = new Promise<void>((resolve) => {
    cancelled = resolve;
  });
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
    cancel() {
      cancelled();
    },
  });
  const encoder = new TextEncoder();
  return {
    stream,
    cancel,
    push: (text: string) => controller.enqueue(encoder.encode(text)),
    close: () => controller.close(),
    fail: () => controller.error(new Error('the producer failed')),
  };
}

/** The feeds of the streaming routes, one per request, in the order they came. */
const feeds: ReturnType<typeof feed>[] = [];

/** The next chunk of a fetched body, as text. */
async function nextText(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<string> {
  const { value } = await reader.read();
  return new TextDecoder().decode(value);
}

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
    '/events',
    toExpress(async () => {
      const f = feed();
      feeds.push(f);
      f.push('data: first\n\n');
      return new Response(f.stream, { headers: { 'content-type': 'text/event-stream' } });
    }),
  );
  a.get(
    '/large',
    toExpress(async () => {
      // 8 MiB in 64 KiB chunks, each made when asked for: more than a socket buffers at once.
      let sent = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent === 128) return controller.close();
          controller.enqueue(new Uint8Array(65_536).fill(sent % 251));
          sent += 1;
        },
      });
      return new Response(stream);
    }),
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
    expect(bytes.headers.get('transfer-encoding')).toBeNull();
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

  it('streams a body still being produced: the head and the first event arrive before the producer ends', async () => {
    const res = await fetch(`${origin}/events`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(res.headers.get('content-length')).toBeNull();
    const f = feeds.at(-1)!;
    const reader = res.body!.getReader();
    // Buffering the whole body would hold this read until close(): the test would time out.
    expect(await nextText(reader)).toBe('data: first\n\n');
    f.push('data: second\n\n');
    expect(await nextText(reader)).toBe('data: second\n\n');
    f.close();
    expect((await reader.read()).done).toBe(true);
  });

  it('a visitor who leaves mid-stream cancels the producer', async () => {
    const visitor = new AbortController();
    const res = await fetch(`${origin}/events`, { signal: visitor.signal });
    const reader = res.body!.getReader();
    expect(await nextText(reader)).toBe('data: first\n\n');
    visitor.abort();
    await feeds.at(-1)!.cancel;
  });

  it('a producer that fails after the head went out ends the connection: the body never reads as whole', async () => {
    const res = await fetch(`${origin}/events`);
    const reader = res.body!.getReader();
    expect(await nextText(reader)).toBe('data: first\n\n');
    feeds.at(-1)!.fail();
    await expect(reader.read()).rejects.toThrow();
  });

  it('streams a large body byte for byte, at the pace the socket takes it', async () => {
    const res = await fetch(`${origin}/large`);
    // Past 64 KiB a body is not gathered to be framed by its length: it goes out chunked.
    expect(res.headers.get('content-length')).toBeNull();
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    const body = new Uint8Array(await res.arrayBuffer());
    expect(body.byteLength).toBe(128 * 65_536);
    for (let chunk = 0; chunk < 128; chunk += 1) {
      expect(body[chunk * 65_536]).toBe(chunk % 251);
      expect(body[chunk * 65_536 + 65_535]).toBe(chunk % 251);
    }
  });
});
