/**
 * Case 7 of issue 5: a hostile or broken token endpoint (RFC 6749 section 5; RFC 9700 section
 * 4.11 on redirects; memory and time exhaustion). The example app is pointed at a scripted
 * token endpoint that counts its requests; each answer must end in an error page with no
 * session, exactly one token request (no retry, no redirect followed), and nothing leaked.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  OAuth2Session,
  readTokenResponse,
  TimeoutError,
  UnsupportedTokenTypeError,
} from 'oauth2-session';
import { Sealer } from 'oauth2-session/web';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { start as startExpress } from '../../examples/github/express.js';
import { start as startHono } from '../../examples/github/hono.js';
import { Browser, beginLogin, expectRefused, LogCapture, Secrets, type Target } from './oracle.js';

type Script = (req: IncomingMessage, res: ServerResponse) => void;

/** A loopback server whose answer is set per test, counting requests per path. */
async function scripted(): Promise<{
  server: Server;
  url: string;
  hits: Map<string, number>;
  script: { current: Script };
}> {
  const hits = new Map<string, number>();
  const script = { current: ((_q, s) => s.end()) as Script };
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    req.resume();
    req.on('end', () => script.current(req, res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, hits, script };
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((r) => server.close(() => r()));
}

const json =
  (status: number, body: unknown): Script =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };

const LEAK = 'leaked-token-value-0123456789abcdef';

/** Each hostile answer, with the status the error page must have. */
const answers: [string, Script, number][] = [
  ['200 with an error field', json(200, { error: 'invalid_grant', error_description: LEAK }), 400],
  [
    '200 with a non-string error beside a token',
    json(200, { access_token: LEAK, error: { code: 1 } }),
    502,
  ],
  ['200 without access_token', json(200, { token_type: 'bearer', refresh_token: LEAK }), 502],
  ['an unknown token_type', json(200, { access_token: LEAK, token_type: 'mac' }), 502],
  [
    'a non-numeric expires_in',
    json(200, { access_token: LEAK, token_type: 'bearer', expires_in: 'soon' }),
    502,
  ],
  [
    'an HTML error page with 500',
    (_req, res) => {
      res.writeHead(500, { 'content-type': 'text/html' });
      res.end(`<html><body><h1>Internal error</h1><pre>access_token=${LEAK}</pre></body></html>`);
    },
    502,
  ],
  ['invalid JSON', json(200, `{"access_token": "${LEAK}", `), 502],
  [
    'a huge body with content-length',
    (_req, res) => {
      const body = `{"access_token":"${'a'.repeat(8 * 1024 * 1024)}"}`;
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      });
      res.end(body);
    },
    502,
  ],
  [
    'an endless streamed body',
    (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"access_token":"');
      const chunk = 'a'.repeat(16 * 1024);
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    },
    502,
  ],
];

describe.each(['express', 'hono'] as const)(
  'case 7: hostile token endpoint (%s app)',
  (flavour) => {
    let idp: Awaited<ReturnType<typeof scripted>>;
    let other: Awaited<ReturnType<typeof scripted>>;
    let target: Target;

    beforeAll(async () => {
      idp = await scripted();
      other = await scripted();
      const logs = new LogCapture();
      const secrets = new Secrets();
      const sessionSecret = randomBytes(32).toString('base64url');
      const clientSecret = randomBytes(24).toString('hex');
      secrets.add('SESSION_SECRET', sessionSecret);
      secrets.add('client secret', clientSecret);
      secrets.add('hostile token value', LEAK);
      logs.start();
      const start = flavour === 'express' ? startExpress : startHono;
      const app = await start(
        {
          PORT: '0',
          SESSION_SECRET: sessionSecret,
          OAUTH_CLIENT_ID: 'hostile-client',
          OAUTH_CLIENT_SECRET: clientSecret,
          OAUTH_AUTHORIZE_URL: `${idp.url}/authorize`,
          OAUTH_TOKEN_URL: `${idp.url}/token`,
          OAUTH_USER_URL: `${idp.url}/user`,
        },
        { quiet: true },
      );
      const token = () => idp.hits.get('/token') ?? 0;
      target = {
        flavour,
        providerKind: 'dev',
        appUrl: app.url,
        callbackUrl: `${app.url}/callback`,
        sessionSecret,
        client: { id: 'hostile-client', secret: clientSecret },
        logs,
        secrets,
        dev: undefined,
        oidc: undefined,
        counts: () => ({ token: token(), refresh: 0, user: idp.hits.get('/user') ?? 0 }),
        authorize: () => Promise.reject(new Error('not a real provider')),
        storeEntries: async () => 0,
        sessionToken: async () => undefined,
        proxy: undefined,
        sealer: new Sealer({ secrets: sessionSecret }),
        close: async () => {
          await app.close();
          logs.stop();
        },
      };
    });
    afterAll(async () => {
      await target?.close();
      await close(idp.server);
      await close(other.server);
    });

    async function attackWith(script: Script, status: number) {
      idp.script.current = script;
      const browser = new Browser(target);
      const { state } = await beginLogin(browser);
      const code = `code-${randomBytes(12).toString('hex')}`;
      target.secrets.add('code', code);
      return expectRefused(
        target,
        () => browser.request(`/callback?${new URLSearchParams({ code, state })}`),
        {
          status,
          tokenCalls: 1,
        },
      );
    }

    for (const [name, script, status] of answers) {
      test(`${name}: error page ${status}, one token request, no session`, async () => {
        const { body } = await attackWith(script, status);
        expect(body).not.toContain(LEAK);
      });
    }

    for (const redirectStatus of [302, 307]) {
      test(`a ${redirectStatus} to another host is not followed`, async () => {
        other.script.current = json(200, { access_token: LEAK, token_type: 'bearer' });
        const before = other.hits.get('/token') ?? 0;
        await attackWith((_req, res) => {
          res.writeHead(redirectStatus, { location: `${other.url}/token` });
          res.end();
        }, 502);
        expect(other.hits.get('/token') ?? 0).toBe(before);
      });
    }
  },
);

describe('case 7 (library): a token endpoint that never answers times out, once', () => {
  test('OAuth2Session.fetchToken: TimeoutError after timeoutMs, one request', async () => {
    const idp = await scripted();
    idp.script.current = () => {}; // never answers
    try {
      const client = new OAuth2Session({
        clientId: 'c',
        clientSecret: 's',
        codeVerifier: 'v'.repeat(43),
        timeoutMs: 300,
      });
      const error = await client
        .fetchToken(`${idp.url}/token`, { code: 'x' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TimeoutError);
      expect(idp.hits.get('/token')).toBe(1);
    } finally {
      await close(idp.server);
    }
  });
});

describe('case 7 (library): readTokenResponse refuses what the app must never store', () => {
  const read = (body: unknown) =>
    readTokenResponse(
      new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } }),
      { nowSeconds: 0, maxBytes: 65_536 },
    );

  test('a non-string error beside an access_token is OAUTH_INVALID_RESPONSE (found by the fuzzer)', async () => {
    await expect(read({ access_token: 'abc', error: 0 })).rejects.toMatchObject({
      code: 'OAUTH_INVALID_RESPONSE',
      message: 'token response has a malformed error',
    });
    await expect(read({ access_token: 'abc', error: null })).resolves.toMatchObject({
      access_token: 'abc',
    });
  });

  test('a token_type other than Bearer is an UnsupportedTokenTypeError (RFC 6749 section 7.1)', async () => {
    await expect(read({ access_token: 'abc', token_type: 'mac' })).rejects.toBeInstanceOf(
      UnsupportedTokenTypeError,
    );
    await expect(read({ access_token: 'abc', token_type: 'BEARER' })).resolves.toMatchObject({
      token_type: 'BEARER',
    });
  });
});
