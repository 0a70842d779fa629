/**
 * The Twitch preset against an emulation of Twitch's documented authorization code flow: the
 * `Client-Id` header on Helix, scopes as a JSON list, Twitch's error shape, revocation of the
 * access token with `client_id` alone.
 */
import { InvalidClientError, InvalidGrantError, OAuth2Session } from 'oauth2-session';
import { twitch, twitchProvider, userRequest } from 'oauth2-session/providers';
import { describe, expect, it } from 'vitest';
import { json, route, startEmulator } from '../harness/emulators/toolkit.js';
import { startTwitch, TWITCH_USER } from '../harness/emulators/twitch.js';
import { CLIENT, contractEmulator, eachEmulator, REGISTERED } from './emulated.js';
import { presetContract } from './preset-contract.js';

async function start() {
  const emulator = await startTwitch([REGISTERED]);
  const origin = emulator.http.origin;
  const preset = twitchProvider({ baseUrl: origin, apiUrl: origin });
  return contractEmulator(emulator, preset, {
    data: [{ id: TWITCH_USER.id, email: TWITCH_USER.email }],
  });
}

presetContract('twitch', {
  preset: twitch,
  refresh: true,
  pkce: false,
  revokesGrant: false,
  start,
});

describe('twitchProvider: what the contract does not see', () => {
  const live = eachEmulator(start);
  const { session, signIn } = live;

  it('fetchToken(): scope as a JSON list and a lowercase bearer are read as a token', async () => {
    const s = await signIn();
    expect(s.token).toMatchObject({ token_type: 'bearer', scope: ['user:read:email'] });
    expect(live.emulator.http.requests.token[0]?.form.get('client_secret')).toBe(
      CLIENT.clientSecret,
    );
  });

  it('Helix requests carry Client-Id; without the preset Twitch refuses them', async () => {
    const s = await signIn();
    const [url, init] = userRequest(live.emulator.preset);
    expect((await s.fetch(url, init)).status).toBe(200);
    expect(live.emulator.http.requests.users[0]?.headers.get('client-id')).toBe(CLIENT.clientId);
    const plain = new OAuth2Session({ ...CLIENT, token: s.token });
    const refused = await plain.fetch(url, init);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({
      message: 'Client ID and OAuth token do not match',
    });
    const elsewhere = await startEmulator({ any: route('GET', '/x', () => json(200, {})) });
    try {
      await s.fetch(elsewhere.url('/x'));
      expect(elsewhere.requests.any[0]?.headers.has('client-id')).toBe(false);
    } finally {
      await elsewhere.close();
    }
  });

  it("Twitch's error shape is read as the RFC's typed errors", async () => {
    const s = await signIn();
    const stale = session({ token: { ...s.token!, refresh_token: 'nope' } });
    const e = await stale.refreshToken().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InvalidGrantError);
    expect(e).toMatchObject({ status: 400, errorDescription: 'Invalid refresh token' });
    const { url, state, codeVerifier } = await session().authorizationUrl();
    const wrong = session({ state, codeVerifier, clientSecret: 'wrong' });
    await expect(
      wrong.fetchToken({ authorizationResponse: await live.emulator.approve(url) }),
    ).rejects.toBeInstanceOf(InvalidClientError);
  });

  it('revokeToken(): client_id and the access token only; the refresh token still works', async () => {
    const s = await signIn();
    const token = s.token!;
    await s.revokeToken();
    const sent = live.emulator.http.requests.revoke[0]!;
    expect(Object.fromEntries(sent.form)).toEqual({
      client_id: CLIENT.clientId,
      token: token.access_token,
    });
    expect(sent.headers.has('authorization')).toBe(false);
    await expect(session({ token }).refreshToken()).resolves.toMatchObject({
      token_type: 'bearer',
    });
  });
});
