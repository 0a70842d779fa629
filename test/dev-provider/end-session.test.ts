import { DEFAULT_CLIENT, type DevProvider, startDevProvider } from 'oauth2-session/dev-provider';
import { afterEach, describe, expect, it } from 'vitest';
import { CLIENT } from './helpers.js';
import { ALICE, LOGGED_OUT, OIDC_CLIENT, oidcLogin, testClock } from './oidc-helpers.js';

const started: DevProvider[] = [];

async function start(options: Parameters<typeof startDevProvider>[0] = {}): Promise<DevProvider> {
  const provider = await startDevProvider({
    clients: [OIDC_CLIENT, { clientId: 'other', clientSecret: 's', redirectUris: [] }],
    users: [ALICE],
    oidc: true,
    ...options,
  });
  started.push(provider);
  return provider;
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((p) => p.close()));
});

function endSession(provider: DevProvider, params: Record<string, string>): Promise<Response> {
  const url = new URL(provider.oidc!.endSessionUrl);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return fetch(url, { redirect: 'manual' });
}

async function idToken(provider: DevProvider): Promise<string> {
  return (await oidcLogin(provider, { scope: 'openid' })).fields.id_token as string;
}

describe('OIDC mode: RP-Initiated Logout at end_session_endpoint', () => {
  it('redirects to a registered post_logout_redirect_uri with state, given an id_token_hint', async () => {
    const provider = await start();
    const res = await endSession(provider, {
      id_token_hint: await idToken(provider),
      post_logout_redirect_uri: LOGGED_OUT,
      state: 'bye-1',
    });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(`${LOGGED_OUT}?state=bye-1`);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(provider.counts.end_session).toBe(1);
  });

  it('takes client_id instead of the hint, and keeps the query of the registered URI', async () => {
    const withQuery = `${LOGGED_OUT}?from=op`;
    const provider = await start({
      clients: [{ ...OIDC_CLIENT, postLogoutRedirectUris: [withQuery] }],
    });
    const res = await endSession(provider, {
      client_id: CLIENT.clientId,
      post_logout_redirect_uri: withQuery,
      state: 's',
    });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(`${LOGGED_OUT}?from=op&state=s`);
  });

  it('takes the POST form too', async () => {
    const provider = await start();
    const res = await fetch(provider.oidc!.endSessionUrl, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: CLIENT.clientId,
        post_logout_redirect_uri: LOGGED_OUT,
      }),
    });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(LOGGED_OUT);
  });

  it('takes an expired id_token_hint', async () => {
    const clock = testClock();
    const provider = await start({ clock: clock.read });
    const hint = await idToken(provider);
    clock.now += 2 * 3600 * 1000;
    const res = await endSession(provider, {
      id_token_hint: hint,
      post_logout_redirect_uri: LOGGED_OUT,
    });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(LOGGED_OUT);
  });

  it('shows a signed-out page when no post_logout_redirect_uri is given', async () => {
    const provider = await start();
    const res = await endSession(provider, { id_token_hint: await idToken(provider), state: 'x' });
    expect(res.status).toBe(200);
    expect(res.headers.get('location')).toBeNull();
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(await res.text()).toContain('id="signed-out"');
  });

  it.each([
    ['an unregistered URI', 'http://127.0.0.1:5999/elsewhere'],
    ['the registered URI on another port (no loopback rule)', 'http://127.0.0.1:6000/logged-out'],
    ['a callback, which is not a logout URI', CLIENT.redirectUris[0]!],
    ['the origin of a callback', 'http://127.0.0.1:5999/'],
    ['an attacker', 'https://evil.example/'],
  ])('refuses %s with a 400 page and no redirect', async (_name, uri) => {
    const provider = await start();
    const res = await endSession(provider, {
      id_token_hint: await idToken(provider),
      post_logout_redirect_uri: uri,
      state: 's',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).toContain('not registered');
  });

  it('refuses a post_logout_redirect_uri of another client', async () => {
    const provider = await start();
    const res = await endSession(provider, {
      client_id: 'other',
      post_logout_redirect_uri: LOGGED_OUT,
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
  });

  it('refuses a post_logout_redirect_uri without client_id or id_token_hint', async () => {
    const provider = await start();
    const res = await endSession(provider, { post_logout_redirect_uri: LOGGED_OUT });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).toContain('needs a client_id or an id_token_hint');
  });

  it('refuses an id_token_hint signed by another provider, or not a JWT', async () => {
    const provider = await start();
    const other = await start();
    for (const hint of [await idToken(other), 'not.a.jwt']) {
      const res = await endSession(provider, {
        id_token_hint: hint,
        post_logout_redirect_uri: LOGGED_OUT,
      });
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
      expect(await res.text()).toContain('not issued by this provider');
    }
  });

  it('refuses a client_id that is not the audience of the id_token_hint', async () => {
    const provider = await start();
    const res = await endSession(provider, {
      id_token_hint: await idToken(provider),
      client_id: 'other',
      post_logout_redirect_uri: LOGGED_OUT,
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
  });

  it('the default client may return to the example app at port 5000, nowhere else', async () => {
    const provider = await startDevProvider({ oidc: true });
    started.push(provider);
    expect(DEFAULT_CLIENT.postLogoutRedirectUris).toEqual([
      'http://127.0.0.1:5000/logged-out',
      'http://localhost:5000/logged-out',
    ]);
    for (const uri of DEFAULT_CLIENT.postLogoutRedirectUris!) {
      const res = await endSession(provider, {
        client_id: DEFAULT_CLIENT.clientId,
        post_logout_redirect_uri: uri,
        state: 'z',
      });
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe(`${uri}?state=z`);
    }
    for (const uri of ['http://127.0.0.1:5000/', 'http://127.0.0.1:5001/logged-out']) {
      const res = await endSession(provider, {
        client_id: DEFAULT_CLIENT.clientId,
        post_logout_redirect_uri: uri,
      });
      expect(res.status, uri).toBe(400);
    }
  });
});
