/**
 * The Strava preset against an emulation of Strava's documented authentication: comma-delimited
 * scopes, the athlete in the token answer, rotating refresh tokens (and the same access token
 * while it has an hour left), Strava's own error shape, deauthorization.
 */
import { InvalidClientError, InvalidGrantError, OAuth2Session } from 'oauth2-session';
import { strava, stravaProvider, userRequest } from 'oauth2-session/providers';
import { describe, expect, it } from 'vitest';
import { STRAVA_ATHLETE, startStrava } from '../harness/emulators/strava.js';
import { CLIENT, contractEmulator, eachEmulator, REGISTERED } from './emulated.js';
import { presetContract } from './preset-contract.js';

async function start(accessTokenSeconds?: number) {
  const emulator = await startStrava([REGISTERED], { accessTokenSeconds });
  const preset = stravaProvider({ baseUrl: emulator.http.origin });
  return contractEmulator(emulator, preset, {
    id: STRAVA_ATHLETE.id,
    username: STRAVA_ATHLETE.username,
  });
}

// Tokens of 50 minutes: every refresh is one Strava answers with a new access token.
presetContract('strava', { preset: strava, refresh: true, pkce: false, start: () => start(3000) });

describe('stravaProvider: what the contract does not see', () => {
  const live = eachEmulator(start);
  const { session } = live;

  async function signIn(scope?: string[]) {
    const { url, state, codeVerifier } = await session({ scope }).authorizationUrl();
    const callback = await live.emulator.approve(url);
    const s = session({ state, codeVerifier, scope });
    await s.fetchToken({ authorizationResponse: callback });
    return { s, url, callback };
  }

  it('authorizationUrl(): several scopes are comma-delimited; the callback echoes the accepted ones', async () => {
    const { url, callback, s } = await signIn(['read', 'activity:read_all']);
    expect(new URL(url).searchParams.get('scope')).toBe('read,activity:read_all');
    expect(new URL(callback).searchParams.get('scope')).toBe('read,activity:read_all');
    expect(s.token?.scope).toEqual(['read', 'activity:read_all']);
  });

  it('a space-separated scope (a session without the preset) is refused by Strava', async () => {
    const plain = new OAuth2Session({
      ...CLIENT,
      server: live.emulator.preset.server,
      scope: ['read', 'activity:read'],
    });
    const { url } = await plain.authorizationUrl();
    const answer = await fetch(url, { redirect: 'manual' });
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({
      errors: [{ resource: 'Authorize', field: 'scope' }],
    });
  });

  it('fetchToken(): the athlete comes with the token, which is also read from /athlete', async () => {
    const { s } = await signIn();
    expect(s.token?.athlete).toEqual(STRAVA_ATHLETE);
    expect(s.token?.expires_at).toEqual(expect.any(Number));
    expect(live.emulator.http.requests.token[0]?.form.get('client_secret')).toBe(
      CLIENT.clientSecret,
    );
    expect(await (await s.fetch(...userRequest(live.emulator.preset))).json()).toEqual(
      STRAVA_ATHLETE,
    );
  });

  it('refreshToken(): with hours left, Strava answers the same access token; a superseded refresh token is refused', async () => {
    const { s } = await signIn();
    const first = s.token!;
    const same = await s.refreshToken();
    expect(same.access_token).toBe(first.access_token);
    expect(same.athlete).toBeUndefined();
    live.emulator.authority.now = () => Date.now() + 5.5 * 3600 * 1000;
    const renewed = await s.refreshToken();
    expect(renewed.access_token).not.toBe(first.access_token);
    expect(renewed.refresh_token).not.toBe(first.refresh_token);
    const e = await session({ token: first })
      .refreshToken()
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InvalidGrantError);
    expect(e).toMatchObject({ status: 400, errorDescription: 'Bad Request (refresh_token)' });
  });

  it("errors in Strava's shape are the RFC's typed errors: a wrong secret is InvalidClientError", async () => {
    const { url, state, codeVerifier } = await session().authorizationUrl();
    const wrong = session({ state, codeVerifier, clientSecret: 'wrong' });
    await expect(
      wrong.fetchToken({ authorizationResponse: await live.emulator.approve(url) }),
    ).rejects.toBeInstanceOf(InvalidClientError);
  });

  it('revokeToken(): POST /oauth/deauthorize with the access token only', async () => {
    const { s } = await signIn();
    const token = s.token!;
    await s.revokeToken();
    const sent = live.emulator.http.requests.deauthorize[0]!;
    expect([...sent.form.keys()]).toEqual(['access_token']);
    expect(sent.form.get('access_token')).toBe(token.access_token);
  });
});
