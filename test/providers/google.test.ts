/**
 * The Google preset against an emulation of Google's documented OAuth 2.0 for web server
 * applications and OpenID Connect: offline access on a consent, `iss` on the callback, refresh
 * answers without a refresh token, revocation with the token alone, userinfo and ID tokens.
 */
import { decodeJwt } from 'jose';
import { MismatchingIssuerError } from 'oauth2-session';
import { OpenIDSession } from 'oauth2-session/oidc';
import { google, googleProvider, userRequest } from 'oauth2-session/providers';
import { describe, expect, it } from 'vitest';
import { GOOGLE_USER, startGoogle } from '../harness/emulators/google.js';
import { CLIENT, contractEmulator, eachEmulator, REGISTERED } from './emulated.js';
import { presetContract } from './preset-contract.js';

async function start(options: Parameters<typeof googleProvider>[0] = {}) {
  const emulator = await startGoogle([REGISTERED]);
  const preset = googleProvider({ ...options, baseUrl: emulator.http.origin });
  return contractEmulator(emulator, preset, { sub: GOOGLE_USER.sub, email: GOOGLE_USER.email });
}

presetContract('google (offline access)', { preset: google, refresh: true, start: () => start() });
presetContract('google (online access)', {
  preset: google,
  refresh: false,
  start: () => start({ accessType: 'online' }),
});

describe('googleProvider: what the contract does not see', () => {
  const live = eachEmulator(start);
  const { session, signIn } = live;

  it('google: the endpoints of Google’s discovery document, offline access with consent', () => {
    expect(google.server).toMatchObject({
      issuer: 'https://accounts.google.com',
      authorization_endpoint: 'https://accounts.google.com/o/oauth2/v2/auth',
      token_endpoint: 'https://oauth2.googleapis.com/token',
      revocation_endpoint: 'https://oauth2.googleapis.com/revoke',
      userinfo_endpoint: 'https://openidconnect.googleapis.com/v1/userinfo',
      jwks_uri: 'https://www.googleapis.com/oauth2/v3/certs',
    });
    expect(google.authorizationParams).toEqual({ access_type: 'offline', prompt: 'consent' });
    expect(googleProvider({ accessType: 'online' }).authorizationParams).toEqual({
      access_type: 'online',
    });
    expect(
      googleProvider({ prompt: 'select_account', hostedDomain: 'example.com' }).authorizationParams,
    ).toEqual({ access_type: 'offline', prompt: 'select_account', hd: 'example.com' });
  });

  it('fetchToken(): the callback’s iss is checked against the issuer before the code is spent', async () => {
    const { url, state, codeVerifier } = await session().authorizationUrl();
    const callback = new URL(await live.emulator.approve(url));
    expect(callback.searchParams.get('iss')).toBe(live.emulator.preset.server.issuer);
    const forged = new URL(callback);
    forged.searchParams.set('iss', 'https://accounts.example');
    const s = session({ state, codeVerifier });
    await expect(s.fetchToken({ authorizationResponse: forged.href })).rejects.toBeInstanceOf(
      MismatchingIssuerError,
    );
    expect(live.emulator.http.counts.token).toBe(0);
    await s.fetchToken({ authorizationResponse: callback.href });
    expect(s.token?.access_token).toMatch(/^ya29\./);
  });

  it('refreshToken(): the answer has no refresh token, and the session keeps the one it has', async () => {
    const s = await signIn();
    const first = s.token!;
    const renewed = await s.refreshToken();
    expect(live.emulator.http.requests.token.at(-1)?.form.get('refresh_token')).toBe(
      first.refresh_token,
    );
    expect(renewed.refresh_token).toBe(first.refresh_token);
    expect(renewed.access_token).not.toBe(first.access_token);
  });

  it('googleProvider({ prompt: false }): a returning user’s login gets no refresh token', async () => {
    const p = googleProvider({ baseUrl: live.emulator.http.origin, prompt: false });
    const first = await signIn({ provider: p });
    expect(first.token?.refresh_token).toEqual(expect.any(String));
    const again = await signIn({ provider: p });
    expect(again.token?.refresh_token).toBeUndefined();
    const consent = await signIn();
    expect(consent.token?.refresh_token).toEqual(expect.any(String));
  });

  it('revokeToken(): the token alone, no client credentials, to the revocation endpoint', async () => {
    const s = await signIn();
    const token = s.token!;
    await s.revokeToken();
    const sent = live.emulator.http.requests.revoke[0]!;
    expect([...sent.form.keys()]).toEqual(['token']);
    expect(sent.form.get('token')).toBe(token.refresh_token);
    expect(sent.headers.has('authorization')).toBe(false);
  });

  it('googleProvider({ hostedDomain }): hd in the URL and in the ID token', async () => {
    const p = googleProvider({ baseUrl: live.emulator.http.origin, hostedDomain: 'example.com' });
    const s = await signIn({ provider: p });
    expect(new URL(live.emulator.http.requests.authorize[0]!.url).searchParams.get('hd')).toBe(
      'example.com',
    );
    expect(decodeJwt(s.token!.id_token!)).toMatchObject({ hd: 'example.com' });
  });

  it('OpenIDSession({ provider, server }): the ID token verifies with the preset’s issuer and keys', async () => {
    const preset = live.emulator.preset;
    const rp = (extra: Record<string, unknown> = {}) =>
      new OpenIDSession({ ...CLIENT, provider: preset, server: preset.server, ...extra });
    const { url, state, codeVerifier, nonce } = await rp().authorizationUrl();
    const cb = rp({ state, codeVerifier, nonce });
    await cb.fetchToken({ authorizationResponse: await live.emulator.approve(url) });
    expect(cb.idTokenClaims).toMatchObject({ iss: preset.server.issuer, sub: GOOGLE_USER.sub });
    expect(await cb.userinfo()).toMatchObject({ email: GOOGLE_USER.email });
    await cb.refreshToken();
    expect(cb.idTokenClaims?.sub).toBe(GOOGLE_USER.sub);
    expect((await cb.fetch(...userRequest(preset))).status).toBe(200);
  });
});
