/**
 * The Fastify adapter: the shared adapter contract, then what Fastify makes its own: bodies it
 * would parse (the logout form, a JSON body, an oversize one), streamed answers, the client
 * leaving, and errors handed to Fastify.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { type DevProvider, startDevProvider } from 'oauth2-session/dev-provider';
import { oauthPlugin, passThroughBodies, toFastify } from 'oauth2-session/fastify';
import { CSRF_FIELD, CSRF_HEADER, getField } from 'oauth2-session/web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapterContract } from './adapter-contract.js';
import { type AppFactory, profile, startApp, type TestApp } from './helpers/apps.js';
import { CookieJar } from './helpers/cookie-jar.js';

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/** The contract's app on Fastify; its requests come from the contract's own server. */
const fastifyApp: AppFactory = (handlers, baseUrl, userUrl) => {
  let route: Listener | undefined;
  const app = Fastify({
    serverFactory: (handler) => {
      route = handler;
      return createServer();
    },
  });
  app.register(oauthPlugin(handlers, { baseUrl }));
  app.get('/profile', toFastify(profile(handlers, userUrl), { baseUrl }));
  const ready = app.ready();
  return (req, res) => {
    ready.then(() => route!(req, res));
  };
};

adapterContract('Fastify', fastifyApp);

async function get(url: string, jar: CookieJar, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    redirect: 'manual',
    headers: { cookie: jar.header(), ...headers },
  });
  jar.applyResponse(response);
  return response;
}

describe('oauthPlugin: bodies reach the handlers unread', () => {
  let provider: DevProvider;
  let app: TestApp;

  beforeAll(async () => {
    provider = await startDevProvider({ autoApprove: true });
    app = await startApp(
      fastifyApp,
      {
        clientId: 'dev-client-id',
        clientSecret: 'dev-client-secret',
        authorizeUrl: provider.authorizeUrl,
        tokenUrl: provider.tokenUrl,
        session: { secrets: 'fastify-adapter-secret-0123456789abcdef' },
      },
      provider.userUrl,
    );
  });
  afterAll(async () => {
    await app?.close();
    await provider?.close();
  });

  /** A jar logged in through the provider, and the session's CSRF token. */
  async function loggedIn(): Promise<{ jar: CookieJar; csrf: string }> {
    const jar = new CookieJar();
    const login = await get(`${app.origin}/login`, jar);
    const authorize = await get(login.headers.get('location')!, jar);
    const callback = await get(authorize.headers.get('location')!, jar);
    expect(callback.status).toBe(302);
    expect(callback.headers.getSetCookie().length).toBeGreaterThanOrEqual(2);
    const session = await app.handlers.sessions.load(
      new Request(app.origin, { headers: { cookie: jar.header() } }),
    );
    return { jar, csrf: getField(session, 'csrf')! };
  }

  const post = (jar: CookieJar, body: string, headers: Record<string, string>) =>
    fetch(`${app.origin}/logout`, {
      method: 'POST',
      redirect: 'manual',
      body,
      headers: { cookie: jar.header(), origin: app.origin, ...headers },
    }).then((response) => {
      jar.applyResponse(response);
      return response;
    });

  const form = { 'content-type': 'application/x-www-form-urlencoded' };

  it('oauthPlugin: the logout form (a urlencoded POST with the CSRF token) logs out', async () => {
    const { jar, csrf } = await loggedIn();
    const logout = await post(jar, `${CSRF_FIELD}=${encodeURIComponent(csrf)}`, form);
    expect(logout.status).toBe(302);
    expect(jar.names('oauth2_session')).toEqual([]);
  });

  it('oauthPlugin: a JSON POST with the token in its header logs out (no JSON parser in the way)', async () => {
    const { jar, csrf } = await loggedIn();
    const logout = await post(jar, '{"a":1}', {
      'content-type': 'application/json',
      [CSRF_HEADER]: csrf,
    });
    expect(logout.status).toBe(302);
    expect(jar.names('oauth2_session')).toEqual([]);
  });

  it('oauthPlugin: a form with the wrong token is refused, the session kept', async () => {
    const { jar } = await loggedIn();
    const logout = await post(jar, `${CSRF_FIELD}=${'x'.repeat(43)}`, form);
    expect(logout.status).toBe(403);
    expect((await get(`${app.origin}/profile`, jar)).status).toBe(200);
  });

  it.each([
    ['past the form limit', 8 * 1024],
    ["past Fastify's own body limit", 2 * 1024 * 1024],
  ])(
    'oauthPlugin: a form body %s is refused even with the right token, the session kept',
    async (_, size) => {
      const { jar, csrf } = await loggedIn();
      const body = `${CSRF_FIELD}=${encodeURIComponent(csrf)}&pad=${'p'.repeat(size)}`;
      const logout = await post(jar, body, form);
      expect(logout.status).toBe(403);
      expect(jar.names('oauth2_session')).toEqual(['oauth2_session']);
      expect((await get(`${app.origin}/profile`, jar)).status).toBe(200);
    },
  );
});

describe('toFastify: answers and requests', () => {
  let app: FastifyInstance;
  let origin: string;
  let release: () => void = () => {};
  let leftSeen: Promise<string>;
  let sawLeave: (reason: string) => void = () => {};
  let started: () => void = () => {};

  beforeAll(async () => {
    app = Fastify();
    app.get(
      '/stream',
      toFastify(async () => {
        const held = new Promise<void>((resolve) => {
          release = resolve;
        });
        const body = new ReadableStream<Uint8Array>({
          async start(controller) {
            controller.enqueue(new TextEncoder().encode('first;'));
            await held;
            controller.enqueue(new TextEncoder().encode('second'));
            controller.close();
          },
        });
        return new Response(body, { headers: { 'content-type': 'text/plain' } });
      }),
    );
    app.get(
      '/slow',
      toFastify(
        (request) =>
          new Promise<Response>((resolve) => {
            started();
            request.signal.addEventListener('abort', () => {
              sawLeave('aborted');
              resolve(new Response('late'));
            });
          }),
      ),
    );
    app.get(
      '/cookies',
      toFastify(async () => {
        const headers = new Headers();
        headers.append('set-cookie', 'a=1; Path=/');
        headers.append('set-cookie', 'b=2; Path=/');
        return new Response(null, { status: 204, headers });
      }),
    );
    app.get(
      '/fails',
      toFastify(async () => {
        throw new Error('handler failed');
      }),
    );
    await app.register(async (scope) => {
      passThroughBodies(scope);
      scope.post(
        '/echo',
        toFastify(async (request) => new Response(await request.text(), { status: 201 })),
      );
    });
    app.post(
      '/parsed',
      toFastify(async (request) => new Response(await request.text())),
    );
    await app.listen({ port: 0, host: '127.0.0.1' });
    origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app?.close();
  });

  it('toFastify: the body streams: the first chunk arrives before the handler writes the rest', async () => {
    const response = await fetch(`${origin}/stream`);
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe('first;');
    release();
    let rest = '';
    for (let next = await reader.read(); !next.done; next = await reader.read())
      rest += new TextDecoder().decode(next.value);
    expect(rest).toBe('second');
  });

  it('toFastify: a visitor who leaves aborts the Web request signal', async () => {
    leftSeen = new Promise((resolve) => {
      sawLeave = resolve;
    });
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    const client = new AbortController();
    const pending = fetch(`${origin}/slow`, { signal: client.signal }).catch((e: Error) => e.name);
    await running;
    client.abort();
    expect(await pending).toBe('AbortError');
    expect(await leftSeen).toBe('aborted');
  });

  it('toFastify: every Set-Cookie is its own header line, and a 204 has no body', async () => {
    const response = await fetch(`${origin}/cookies`);
    expect(response.status).toBe(204);
    expect(response.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; Path=/']);
    expect(await response.text()).toBe('');
  });

  it("toFastify: a handler's error goes to Fastify's error handler (one 500 answer)", async () => {
    const response = await fetch(`${origin}/fails`);
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ statusCode: 500 });
  });

  it('toFastify: in a passThroughBodies scope the handler reads the body as sent', async () => {
    const body = JSON.stringify({ hello: 'world' });
    const response = await fetch(`${origin}/echo`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(201);
    expect(await response.text()).toBe(body);
  });

  it('toFastify: a body Fastify already parsed is a setup error, not a silent empty body', async () => {
    const response = await fetch(`${origin}/parsed`, {
      method: 'POST',
      body: '{"a":1}',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({
      code: 'ERR_INVALID_ARG_VALUE',
      message: expect.stringContaining('passThroughBodies'),
    });
  });
});
