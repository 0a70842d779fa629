/**
 * The Facebook preset against an emulation of Facebook Login's documented manual flow and the
 * Graph API: the version in every path, the secret as a parameter, PKCE, requests-oauthlib's
 * facebook fix for the first versions' `text/plain` token answers, Graph error objects,
 * `DELETE /me/permissions` as the revocation, `appsecret_proof`.
 */
import { createHmac } from 'node:crypto';
import { InvalidClientError, InvalidGrantError, OAuth2Session } from 'oauth2-session';
import { facebook, facebookProvider, userRequest } from 'oauth2-session/providers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FACEBOOK_USER, startFacebook } from '../harness/emulators/facebook.js';
import { CLIENT, contractEmulator, REGISTERED } from './emulated.js';
import { presetContract } from './preset-contract.js';

type EmulatorOptions = Parameters<typeof startFacebook>[1];

async function start(options: EmulatorOptions = {}, appSecretProof?: string) {
  const emulator = await startFacebook([REGISTERED], options);
  const origin = emulator.http.origin;
  const preset = facebookProvider({ baseUrl: origin, graphUrl: origin, appSecretProof });
  return contractEmulator(emulator, preset, FACEBOOK_USER);
}

/** The Graph API refuses a bad token with HTTP 400 and code 190. */
const rejected = ({ status, body }: { status: number; body: unknown }) =>
  status === 400 && /"code":190\b/.test(String(body));

presetContract('facebook', { preset: facebook, refresh: false, rejected, start: () => start() });
presetContract('facebook (the first versions’ text/plain token answers)', {
  preset: facebook,
  refresh: false,
  rejected,
  start: () => start({ legacyAnswers: true }),
});
presetContract('facebook (Require App Secret)', {
  preset: facebook,
  refresh: false,
  rejected,
  start: () => start({ requireAppSecretProof: true }, CLIENT.clientSecret),
});

describe('facebookProvider: what the contract does not see', () => {
  let emulator: Awaited<ReturnType<typeof start>>;
  const begin = async (options: EmulatorOptions = {}, proof?: string) => {
    emulator = await start(options, proof);
  };
  afterEach(() => emulator.close());

  const session = (extra: Record<string, unknown> = {}) =>
    new OAuth2Session({ ...CLIENT, provider: emulator.preset, ...extra });

  async function callback() {
    const { url, state, codeVerifier } = await session().authorizationUrl();
    return { url: await emulator.approve(url), state, codeVerifier };
  }

  async function signIn() {
    const { url, state, codeVerifier } = await callback();
    const s = session({ state, codeVerifier });
    await s.fetchToken({ authorizationResponse: url });
    return s;
  }

  describe('with current answers', () => {
    beforeEach(() => begin());

    it('facebookProvider({ version }): the version in every path, the one this release was built on by default', async () => {
      expect(facebook.server).toMatchObject({
        authorization_endpoint: 'https://www.facebook.com/v26.0/dialog/oauth',
        token_endpoint: 'https://graph.facebook.com/v26.0/oauth/access_token',
        revocation_endpoint: 'https://graph.facebook.com/v26.0/me/permissions',
      });
      expect(facebook.user?.url).toBe('https://graph.facebook.com/v26.0/me?fields=id,name,email');
      const origin = emulator.http.origin;
      const older = facebookProvider({ baseUrl: origin, graphUrl: origin, version: 'v24.0' });
      const { url, state, codeVerifier } = await session({ provider: older }).authorizationUrl();
      const s = session({ provider: older, state, codeVerifier });
      await s.fetchToken({ authorizationResponse: await emulator.approve(url) });
      await s.fetch(...userRequest(older));
      expect(emulator.versions).toEqual(['v24.0', 'v24.0', 'v24.0']);
    });

    it('fetchToken(): the secret as a parameter, never Basic; the JSON answer read as is', async () => {
      const s = await signIn();
      const sent = emulator.http.requests.token[0]!;
      expect(sent.headers.has('authorization')).toBe(false);
      expect(sent.form.get('client_secret')).toBe(CLIENT.clientSecret);
      expect(sent.form.get('code_verifier')).toEqual(expect.any(String));
      expect(s.token).toMatchObject({ token_type: 'bearer', expires_in: 5183944 });
    });

    it('Graph error objects are the RFC’s typed errors: a used code, a wrong secret', async () => {
      const { url, state, codeVerifier } = await callback();
      await session({ state, codeVerifier }).fetchToken({ authorizationResponse: url });
      const again = session({ state, codeVerifier }).fetchToken({ authorizationResponse: url });
      await expect(again).rejects.toBeInstanceOf(InvalidGrantError);
      await expect(again).rejects.toMatchObject({
        errorDescription: 'This authorization code has been used.',
      });
      const next = await callback();
      const wrong = session({ ...next, clientSecret: 'not-the-secret' });
      await expect(wrong.fetchToken({ authorizationResponse: next.url })).rejects.toBeInstanceOf(
        InvalidClientError,
      );
    });

    it('revokeToken(): DELETE /me/permissions with the access token as Bearer, no body', async () => {
      const s = await signIn();
      const token = s.token!;
      await s.revokeToken();
      const sent = emulator.http.requests.permissions[0]!;
      expect(sent.method).toBe('DELETE');
      expect(sent.headers.get('authorization')).toBe(`Bearer ${token.access_token}`);
      expect(sent.text).toBe('');
    });

    it('userRequest(facebook): /me with the fields asked for; email only with the email permission', async () => {
      const { url, state, codeVerifier } = await session({
        scope: ['public_profile'],
      }).authorizationUrl();
      const s = session({ state, codeVerifier });
      await s.fetchToken({ authorizationResponse: await emulator.approve(url) });
      expect(await (await s.fetch(...userRequest(emulator.preset))).json()).toEqual({
        id: FACEBOOK_USER.id,
        name: FACEBOOK_USER.name,
      });
    });
  });

  it('the facebook fix: a text/plain form answer is read as the token, expires as expires_in', async () => {
    await begin({ legacyAnswers: true });
    const s = await signIn();
    expect(s.token).toMatchObject({ token_type: 'Bearer', expires_in: 5183944 });
    expect(s.token?.expires_at).toEqual(expect.any(Number));
    expect(s.token?.expires).toBe('5183944');
  });

  it('facebookProvider({ appSecretProof }): every Graph call carries the HMAC of its token; without it Graph refuses', async () => {
    await begin({ requireAppSecretProof: true }, CLIENT.clientSecret);
    const s = await signIn();
    const res = await s.fetch(...userRequest(emulator.preset));
    expect(res.status).toBe(200);
    const proof = new URL(emulator.http.requests.me[0]!.url).searchParams.get('appsecret_proof');
    const hmac = createHmac('sha256', CLIENT.clientSecret).update(s.token!.access_token);
    expect(proof).toBe(hmac.digest('hex'));
    const origin = emulator.http.origin;
    const bare = session({
      token: s.token,
      provider: facebookProvider({ baseUrl: origin, graphUrl: origin }),
    });
    const refused = await bare.fetch(...userRequest(emulator.preset));
    expect(refused.status).toBe(400);
    expect(await refused.text()).toMatch(/appsecret_proof/);
    expect(facebook.hooks['resource.request']).toBeUndefined();
  });
});
