/**
 * The callback as a form POST (OAuth 2.0 Form Post Response Mode) through createOAuthHandlers,
 * against the Sign in with Apple emulator: the provider's page posts the answer to the
 * callback; the handlers read it from a bounded urlencoded form, check state as for a GET,
 * answer 303, and refuse a POST for a login that did not ask for form_post. The transaction
 * cookie of a form_post login is SameSite=None (it must reach a cross-site POST); every other
 * cookie stays Lax.
 */
import { generateKeyPairSync } from 'node:crypto';
import { openidLogin } from 'oauth2-session/oidc';
import { appleProvider, definePreset, type ProviderPreset } from 'oauth2-session/providers';
import {
  createOAuthHandlers,
  LoginTransactions,
  MAX_RETURN_PATH_BYTES,
  MAX_TRANSACTION_COOKIE_BYTES,
  type OAuthEvent,
  type OAuthHandlers,
  Sealer,
  silentLogger,
} from 'oauth2-session/web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPLE_USER, approveFormPost, startApple } from '../harness/emulators/apple.js';
import { CookieJar } from './helpers/cookie-jar.js';

const SECRET = 'form-post-callback-secret-0123456789-abc';
const TEAM = 'A1B2C3D4E5';
const KID = 'XYZ123ABCD';
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const HTTP_APP = 'http://127.0.0.1:5998';
const HTTPS_APP = 'https://app.example';
const CLIENT_ID = 'com.example.web';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

let emulator: Awaited<ReturnType<typeof startApple>>;
let preset: ProviderPreset;
beforeAll(async () => {
  emulator = await startApple(
    [
      {
        clientId: CLIENT_ID,
        clientSecret: 'unused',
        redirectUris: [`${HTTP_APP}/callback`, `${HTTPS_APP}/callback`],
      },
    ],
    { teamId: TEAM, keyId: KID, publicKey },
  );
  preset = appleProvider({
    baseUrl: emulator.http.origin,
    teamId: TEAM,
    keyId: KID,
    privateKey: PEM,
  });
});
afterAll(() => emulator.http.close());

function handlersFor(
  app: string,
  provider: ProviderPreset = preset,
  events: OAuthEvent[] = [],
): OAuthHandlers {
  return createOAuthHandlers({
    clientId: CLIENT_ID,
    provider,
    appUrl: app,
    redirectUri: `${app}/callback`,
    session: { secrets: SECRET },
    // The plain logins are OAuth 2.0 only: an OpenID login asks for scope openid, which Apple
    // answers with a form_post only.
    ...(provider === preset ? { openid: openidLogin({ idTokenSignedResponseAlg: 'RS256' }) } : {}),
    allowInsecureTransport: true,
    logger: silentLogger,
    onEvent: (event) => void events.push(event),
  });
}

const get = (app: string, path: string, jar: CookieJar) =>
  new Request(new URL(path, app), { headers: { cookie: jar.header() } });

/** The form the provider's page posts, sent to the callback as a browser would. */
function post(app: string, jar: CookieJar, body: string, headers: Record<string, string> = FORM) {
  return new Request(`${app}/callback`, {
    method: 'POST',
    headers: { ...headers, cookie: jar.header(), origin: 'null', 'sec-fetch-site': 'cross-site' },
    body,
  });
}

/** Login, then the provider's form_post page: the fields it would post, as a form body. */
async function toFormPost(handlers: OAuthHandlers, app: string, jar: CookieJar) {
  const login = await handlers.login(get(app, '/login?return_to=/home', jar));
  jar.applyResponse(login);
  const posted = new URL(await approveFormPost(login.headers.get('location')!));
  return { login, body: posted.searchParams.toString(), fields: posted.searchParams };
}

describe('callback: form_post (Sign in with Apple)', () => {
  it('happy path: the POSTed form logs in, with a 303 to the return path and the verified claims', async () => {
    const handlers = handlersFor(HTTP_APP);
    const jar = new CookieJar();
    const { body, fields } = await toFormPost(handlers, HTTP_APP, jar);
    expect(fields.get('id_token')).toBeTruthy(); // what Apple posts, besides code and state
    const answer = await handlers.callback(post(HTTP_APP, jar, body));
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toBe('/home');
    jar.applyResponse(answer);
    expect(jar.names('oauth2_tx_')).toEqual([]); // the transaction cookie is gone
    const claims = await handlers.claims(get(HTTP_APP, '/', jar));
    expect(claims).toMatchObject({ sub: APPLE_USER.sub, email: APPLE_USER.email });
    expect(claims?.iss).toBe(emulator.http.origin);
  });

  it('wrong state: refused with the 400 page, no session', async () => {
    const handlers = handlersFor(HTTP_APP);
    const jar = new CookieJar();
    const { fields } = await toFormPost(handlers, HTTP_APP, jar);
    fields.set('state', 'x'.repeat(43));
    const answer = await handlers.callback(post(HTTP_APP, jar, fields.toString()));
    expect(answer.status).toBe(400);
    expect(await answer.text()).toContain('transaction_missing');
    jar.applyResponse(answer);
    expect(await handlers.claims(get(HTTP_APP, '/', jar))).toBeUndefined();
  });

  it('replay: the same form posted again with the same cookie is refused', async () => {
    const handlers = handlersFor(HTTP_APP);
    const jar = new CookieJar();
    const { body } = await toFormPost(handlers, HTTP_APP, jar);
    const replayJar = jar.clone();
    expect((await handlers.callback(post(HTTP_APP, jar, body))).status).toBe(303);
    const replay = await handlers.callback(post(HTTP_APP, replayJar, body));
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain('transaction_replayed');
  });

  it('another content type, or none, is refused before the transaction is touched', async () => {
    const events: OAuthEvent[] = [];
    const handlers = handlersFor(HTTP_APP, preset, events);
    const jar = new CookieJar();
    const { body } = await toFormPost(handlers, HTTP_APP, jar);
    for (const type of ['application/json', 'multipart/form-data; boundary=x', 'text/plain']) {
      const answer = await handlers.callback(post(HTTP_APP, jar, body, { 'content-type': type }));
      expect(answer.status).toBe(400);
      expect(await answer.text()).toContain('callback_form_type');
    }
    const untyped = new Request(`${HTTP_APP}/callback`, {
      method: 'POST',
      headers: { cookie: jar.header() },
      body: new Blob([body]), // a Blob without a type: no content-type header
    });
    expect((await handlers.callback(untyped)).status).toBe(400);
    expect(events.filter((e) => e.type === 'login.failed').map((e) => e.code)).toEqual([
      'callback_form_type',
      'callback_form_type',
      'callback_form_type',
      'callback_form_type',
    ]);
    // The transaction was left alone: the right form still logs in.
    expect((await handlers.callback(post(HTTP_APP, jar, body))).status).toBe(303);
  });

  it('a body over 16 KiB is refused, by its Content-Length or as it is read', async () => {
    const handlers = handlersFor(HTTP_APP);
    const jar = new CookieJar();
    const { body } = await toFormPost(handlers, HTTP_APP, jar);
    const big = `${body}&pad=${'a'.repeat(16 * 1024)}`;
    const declared = await handlers.callback(post(HTTP_APP, jar, big));
    expect(declared.status).toBe(400);
    expect(await declared.text()).toContain('callback_form_too_large');
    // Streamed, without a length: refused when the read passes the bound.
    const chunks = [body, '&pad=', ...Array.from({ length: 10 }, () => 'a'.repeat(10_000))];
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next === undefined) controller.close();
        else controller.enqueue(new TextEncoder().encode(next));
      },
    });
    const streamed = await handlers.callback(
      new Request(`${HTTP_APP}/callback`, {
        method: 'POST',
        headers: { ...FORM, cookie: jar.header() },
        body: stream,
        duplex: 'half',
      } as RequestInit),
    );
    expect(streamed.status).toBe(400);
    expect(await streamed.text()).toContain('callback_form_too_large');
    expect(chunks.length).toBeGreaterThan(0); // cancelled before the end
    // Just under the bound is read.
    const padded = `${body}&pad=${'a'.repeat(16 * 1024 - body.length - 5)}`;
    expect(new TextEncoder().encode(padded).byteLength).toBe(16 * 1024);
    expect((await handlers.callback(post(HTTP_APP, jar, padded))).status).toBe(303);
  });

  it('a POST callback for a login that did not ask for form_post is refused, and uses the transaction up', async () => {
    // Apple's endpoints without its form_post parameter or scopes: a plain query callback.
    const plain = definePreset({
      id: 'plain-apple',
      server: preset.server,
      ...(preset.clientAuth ? { clientAuth: preset.clientAuth } : {}),
    });
    const handlers = handlersFor(HTTP_APP, plain);
    const jar = new CookieJar();
    const login = await handlers.login(get(HTTP_APP, '/login', jar));
    expect(new URL(login.headers.get('location')!).searchParams.has('response_mode')).toBe(false);
    jar.applyResponse(login);
    const redirect = await fetch(login.headers.get('location')!, { redirect: 'manual' });
    const callbackUrl = new URL(redirect.headers.get('location')!);
    expect(callbackUrl.searchParams.get('code')).toBeTruthy();
    const refused = await handlers.callback(
      post(HTTP_APP, jar.clone(), callbackUrl.searchParams.toString()),
    );
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('callback_method_refused');
    const then = await handlers.callback(get(HTTP_APP, callbackUrl.href, jar));
    expect(then.status).toBe(400);
    expect(await then.text()).toContain('transaction_replayed');
  });

  it('GET callbacks are unchanged: a plain login calls back with a 302', async () => {
    const plain = definePreset({
      id: 'plain-apple',
      server: preset.server,
      ...(preset.clientAuth ? { clientAuth: preset.clientAuth } : {}),
    });
    const handlers = handlersFor(HTTP_APP, plain);
    const jar = new CookieJar();
    const login = await handlers.login(get(HTTP_APP, '/login', jar));
    jar.applyResponse(login);
    const redirect = await fetch(login.headers.get('location')!, { redirect: 'manual' });
    const answer = await handlers.callback(get(HTTP_APP, redirect.headers.get('location')!, jar));
    expect(answer.status).toBe(302);
  });

  it('cookies: the form_post transaction cookie is __Host-, Secure, SameSite=None; the session cookie stays Lax', async () => {
    const handlers = handlersFor(HTTPS_APP);
    const jar = new CookieJar();
    const { login, body } = await toFormPost(handlers, HTTPS_APP, jar);
    const [tx] = login.headers.getSetCookie();
    expect(tx).toMatch(/^__Host-oauth2_tx_[\w-]+=/);
    expect(tx).toMatch(/; Secure/);
    expect(tx).toMatch(/; SameSite=None/);
    expect(tx).toMatch(/; HttpOnly/);
    expect(tx).toMatch(/; Path=\//);
    expect(tx).not.toMatch(/Domain=/i);
    const answer = await handlers.callback(post(HTTPS_APP, jar, body));
    expect(answer.status).toBe(303);
    const set = answer.headers.getSetCookie();
    const session = set.filter((c) => !c.startsWith('__Host-oauth2_tx_'));
    expect(session.length).toBeGreaterThan(0);
    for (const cookie of session) expect(cookie).toMatch(/; SameSite=Lax/);
    expect(set.some((c) => /^__Host-oauth2_tx_[\w-]+=;/.test(c) && /Max-Age=0/.test(c))).toBe(true);
  });

  it('cookies: a login without form_post keeps its transaction cookie Lax; on plain http a form_post one is Lax too', async () => {
    const plain = definePreset({
      id: 'plain-apple',
      server: preset.server,
      ...(preset.clientAuth ? { clientAuth: preset.clientAuth } : {}),
    });
    const secure = await handlersFor(HTTPS_APP, plain).login(
      get(HTTPS_APP, '/login', new CookieJar()),
    );
    expect(secure.headers.getSetCookie()[0]).toMatch(/^__Host-oauth2_tx_.*; SameSite=Lax/);
    // A browser refuses SameSite=None without Secure; on loopback http the provider's page
    // and the app are the same site anyway.
    const http = await handlersFor(HTTP_APP).login(get(HTTP_APP, '/login', new CookieJar()));
    const [tx] = http.headers.getSetCookie();
    expect(tx).toMatch(/^oauth2_tx_.*; SameSite=Lax/);
    expect(tx).not.toMatch(/Secure/);
  });

  it('the largest form_post transaction (512-byte path, 128-character verifier, nonce) fits MAX_TRANSACTION_COOKIE_BYTES', async () => {
    const tx = new LoginTransactions({ sealer: new Sealer({ secrets: SECRET }), secure: true });
    const line = await tx.begin({
      state: 's'.repeat(43),
      codeVerifier: 'v'.repeat(128),
      nonce: 'n'.repeat(43),
      returnTo: `/${'a'.repeat(MAX_RETURN_PATH_BYTES - 1)}`,
      formPost: true,
    });
    expect(line).toMatch(/; SameSite=None/);
    expect(line.split(';')[0]!.length).toBeLessThanOrEqual(MAX_TRANSACTION_COOKIE_BYTES);
  });

  it('a sealed transaction whose formPost is not a boolean is refused as invalid', async () => {
    const sealer = new Sealer({ secrets: SECRET });
    const tx = new LoginTransactions({ sealer, secure: false });
    const state = 's'.repeat(43);
    const line = await tx.begin({ state, codeVerifier: undefined, returnTo: '/', formPost: true });
    const name = line.slice(0, line.indexOf('='));
    const open = async (formPost: unknown) => {
      const sealed = await sealer.seal(name, { state, returnTo: '/', formPost }, 600);
      const jar = new CookieJar().apply([`${name}=${sealed}`]);
      return (await tx.open(get(HTTP_APP, '/callback', jar), state)).status;
    };
    expect(await open('yes')).toBe('invalid');
    expect(await open(1)).toBe('invalid');
    expect(await open(true)).toBe('ok');
  });
});
