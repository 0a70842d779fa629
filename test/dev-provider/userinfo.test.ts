import { type DevProvider, startDevProvider } from 'oauth2-session/dev-provider';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getUser } from './helpers.js';
import { ALICE, getUserinfo, OIDC_CLIENT, oidcLogin, verifyIdToken } from './oidc-helpers.js';

let provider: DevProvider;

beforeEach(async () => {
  provider = await startDevProvider({
    clients: [OIDC_CLIENT],
    users: [ALICE, { login: 'hubot', id: 480938, name: 'Hubot', email: null }],
    oidc: true,
  });
});
afterEach(async () => {
  await provider.close();
});

async function accessToken(scope: string, login?: string): Promise<string> {
  return (await oidcLogin(provider, { scope }, login)).fields.access_token as string;
}

describe('OIDC mode: /userinfo', () => {
  it("answers the ID token's sub and the claims the scope releases", async () => {
    const { fields } = await oidcLogin(provider, { scope: 'openid profile email' });
    const { payload } = await verifyIdToken(provider, fields.id_token as string, Date.now());
    const res = await getUserinfo(provider, `Bearer ${fields.access_token as string}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const claims = (await res.json()) as Record<string, unknown>;
    expect(claims.sub).toBe(payload.sub);
    expect(claims).toEqual({
      sub: '7',
      name: 'Alice Liddell',
      preferred_username: 'alice',
      picture: 'https://example.test/alice.png',
      email: 'alice@example.test',
      email_verified: true,
    });
    expect(provider.counts.userinfo).toBe(1);
  });

  it('answers only sub for openid alone, and email claims without profile', async () => {
    const bare = await getUserinfo(provider, `Bearer ${await accessToken('openid')}`);
    expect(await bare.json()).toEqual({ sub: '7' });
    const email = await getUserinfo(provider, `Bearer ${await accessToken('openid email')}`);
    expect(await email.json()).toEqual({
      sub: '7',
      email: 'alice@example.test',
      email_verified: true,
    });
  });

  it("leaves out a user's missing email, and gives GitHub's avatar URL by default", async () => {
    const token = await accessToken('openid profile email', 'hubot');
    expect(await (await getUserinfo(provider, `Bearer ${token}`)).json()).toEqual({
      sub: '480938',
      name: 'Hubot',
      preferred_username: 'hubot',
      picture: 'https://avatars.githubusercontent.com/u/480938?v=4',
    });
  });

  it('takes POST too (OpenID Connect Core 1.0 section 5.3.1)', async () => {
    const res = await getUserinfo(provider, `Bearer ${await accessToken('openid')}`, 'POST');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ sub: '7' });
  });

  it('401 with WWW-Authenticate: Bearer error="invalid_token" for a bad token', async () => {
    const token = await accessToken('openid');
    for (const auth of ['Bearer gho_nope', `Basic ${token}`, `Bearer ${token} extra`]) {
      const res = await getUserinfo(provider, auth);
      expect(res.status, auth).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
      expect(await res.json()).toMatchObject({ error: 'invalid_token' });
    }
  });

  it('401 with a bare Bearer challenge (no error code) when no token is sent', async () => {
    const res = await getUserinfo(provider);
    expect(res.status).toBe(401);
    const challenge = res.headers.get('www-authenticate');
    expect(challenge).toMatch(/^Bearer /);
    expect(challenge).not.toContain('error=');
  });

  it('401 once the token is revoked', async () => {
    const token = await accessToken('openid');
    provider.revokeAll();
    const res = await getUserinfo(provider, `Bearer ${token}`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('403 insufficient_scope for a token granted without openid', async () => {
    const token = await accessToken('read:user');
    const res = await getUserinfo(provider, `Bearer ${token}`);
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    // The same token still reads GitHub's /user.
    expect((await getUser(provider, `Bearer ${token}`)).status).toBe(200);
  });
});
