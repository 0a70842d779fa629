/**
 * A refused ID token, through the example app (OAUTH_ISSUER at the hostile OP,
 * test/harness/hostile-op.ts): for a broken signature, an unpublished key, `alg: none`, an HS256
 * token signed with the client secret, another issuer, another audience, an expired token and
 * another login's nonce, the callback answers an error page naming no token, sets no session
 * cookie that logs in (the next /profile goes to login), and the provider's userinfo endpoint is
 * never called; the log has one line naming the check, and no token. A refreshed ID token naming
 * another subject ends the session the same way.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { start as startExpress } from '../../examples/github/express.js';
import { start as startHono } from '../../examples/github/hono.js';
import type { RunningApp } from '../../examples/github/server.js';
import {
  type HostileOp,
  type IdTokenMisbehaviour,
  OP_CLIENT,
  startHostileOp,
} from '../harness/hostile-op.js';
import { freePort } from '../harness/ports.js';
import { LogCapture, parseSetCookie } from './oracle.js';

/** A cookie jar for the app's origin, never following redirects. */
class Jar {
  readonly cookies = new Map<string, string>();
  readonly seen: string[] = [];
  constructor(readonly appUrl: string) {}

  async get(pathOrUrl: string): Promise<Response> {
    const url = new URL(pathOrUrl, this.appUrl);
    const headers = new Headers();
    if (this.cookies.size > 0)
      headers.set('cookie', [...this.cookies].map(([n, v]) => `${n}=${v}`).join('; '));
    const response = await fetch(url, { headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const { name, value, deletes } = parseSetCookie(line);
      this.seen.push(line);
      if (deletes) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  session(): string | undefined {
    return [...this.cookies.keys()].find((n) => /^(__Host-)?oauth2_session/.test(n));
  }
}

interface Running {
  op: HostileOp;
  app: RunningApp;
  logs: LogCapture;
}

/** The example app (its flavour and store) as a relying party of a fresh hostile OP. */
async function startRp(
  flavour: 'express' | 'hono',
  options: { lifetimeSeconds?: number | undefined } = {},
) {
  const op = await startHostileOp({ lifetimeSeconds: options.lifetimeSeconds });
  const port = await freePort();
  const logs = new LogCapture();
  logs.start();
  const start = flavour === 'express' ? startExpress : startHono;
  try {
    const app = await start(
      {
        PORT: String(port),
        SESSION_SECRET: randomBytes(32).toString('base64url'),
        SESSION_STORE: flavour === 'express' ? 'cookie' : 'memory',
        OAUTH_ISSUER: op.issuer,
        OAUTH_CLIENT_ID: OP_CLIENT.clientId,
        OAUTH_CLIENT_SECRET: OP_CLIENT.clientSecret,
        OAUTH_REDIRECT_URI: `http://127.0.0.1:${port}/callback`,
      },
      { quiet: true },
    );
    return { op, app, logs };
  } catch (error) {
    logs.stop();
    await op.close();
    throw error;
  }
}

/** `/` -> the OP (misbehaving as `how` says) -> the app's callback; answers the callback. */
async function loginWith(r: Running, jar: Jar, how?: IdTokenMisbehaviour): Promise<Response> {
  const start = await jar.get('/');
  expect(start.status).toBe(302);
  r.op.misbehave(how ? { idToken: how } : undefined);
  const back = await r.op.authorize(start.headers.get('location')!);
  expect(back.startsWith(jar.appUrl)).toBe(true);
  return jar.get(back);
}

const now = () => Math.floor(Date.now() / 1000);

/** Each refused ID token, and the check the log line names. */
const REFUSED: [string, () => IdTokenMisbehaviour, string][] = [
  ['a broken signature', () => ({ breakSignature: true }), 'signature'],
  ['a key not in the JWK Set', () => ({ signWithUnpublishedKey: true }), 'signature'],
  ['alg none', () => ({ alg: 'none' }), 'alg'],
  ['HS256 with the client secret (RS256 expected)', () => ({ alg: 'HS256' }), 'alg'],
  ['another issuer', () => ({ claims: { iss: 'https://impostor.example' } }), 'iss'],
  ['another audience', () => ({ claims: { aud: 'another-client' } }), 'aud'],
  ['an expired token', () => ({ claims: { exp: now() - 3600, iat: now() - 7200 } }), 'exp'],
  [
    'another login’s nonce',
    () => ({ claims: { nonce: randomBytes(32).toString('base64url') } }),
    'nonce',
  ],
];

describe.each(['express', 'hono'] as const)('%s app, OAUTH_ISSUER at the hostile OP', (flavour) => {
  let r: Running;
  beforeAll(async () => {
    r = await startRp(flavour);
  });
  afterAll(async () => {
    r?.logs.stop();
    await r?.app.close();
    await r?.op.close();
  });

  test('control: an honest ID token logs in, /profile answers userinfo with sub', async () => {
    const jar = new Jar(r.app.url);
    const callback = await loginWith(r, jar);
    expect(callback.status).toBe(302);
    expect(callback.headers.get('location')).toBe('/profile');
    expect(jar.session()).toBeDefined();
    r.op.resetCounts();
    const profile = await jar.get('/profile');
    expect(profile.status).toBe(200);
    expect(await profile.json()).toMatchObject({ sub: OP_CLIENT.subject });
    expect(r.op.counts.userinfo).toBe(1);
  });

  for (const [what, how, check] of REFUSED) {
    test(`an ID token with ${what}: error page, no session, no userinfo call, one log line ("${check}")`, async () => {
      const jar = new Jar(r.app.url);
      r.logs.lines.length = 0;
      r.op.resetCounts();
      const callback = await loginWith(r, jar, how());
      expect(callback.status).toBe(400);
      expect(callback.headers.get('content-type')).toMatch(/^text\/html/);
      const page = await callback.text();
      expect(page).toContain('could not be verified');
      expect(page).not.toMatch(/eyJ[\w-]*\.[\w-]*/); // no JWT (nor part of one) on the page
      expect(page).not.toContain(OP_CLIENT.subject);
      // No session cookie was set, only the transaction's expired.
      expect(jar.seen.filter((l) => /^(__Host-)?oauth2_session/.test(l))).toEqual([]);
      expect(jar.session()).toBeUndefined();
      expect(r.op.counts.token).toBe(1);
      expect(r.op.counts.userinfo).toBe(0);
      const next = await jar.get('/profile');
      expect(next.status).toBe(302);
      expect(new URL(next.headers.get('location')!, r.app.url).pathname).toBe('/');
      expect(r.op.counts.userinfo).toBe(0);
      const log = r.logs.text();
      expect(log.match(/id token refused/g), 'one log line').toHaveLength(1);
      expect(log).toContain(`id token refused at login: ${check}`);
      expect(log).not.toMatch(/eyJ[\w-]{8,}/);
    });
  }
});

describe('a refreshed ID token naming another subject, through the app', () => {
  let r: Running;
  beforeAll(async () => {
    // Access tokens of 1 s: every request after the first second refreshes.
    r = await startRp('express', { lifetimeSeconds: 1 });
  });
  afterAll(async () => {
    r?.logs.stop();
    await r?.app.close();
    await r?.op.close();
  });

  test('the refresh is refused, the session ends (login redirect), userinfo is not called with its token', async () => {
    const jar = new Jar(r.app.url);
    expect((await loginWith(r, jar)).status).toBe(302);
    const session = jar.session();
    expect(session).toBeDefined();
    r.op.misbehave({ idToken: { claims: { sub: 'another-user' } } });
    r.op.resetCounts();
    const profile = await jar.get('/profile');
    expect(profile.status).toBe(302);
    expect(new URL(profile.headers.get('location')!, r.app.url).pathname).toBe('/');
    expect(r.op.counts.token).toBe(1);
    expect(r.op.counts.userinfo).toBe(0);
    expect(jar.session()).toBeUndefined(); // the cookie was cleared
    expect(r.logs.text()).toContain('id token refused at refresh: refresh');
    r.op.misbehave();
    const after = await jar.get('/profile');
    expect(after.status).toBe(302);
    expect(r.op.counts.userinfo).toBe(0);
  });
});
