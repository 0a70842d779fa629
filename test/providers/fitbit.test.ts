/**
 * The Fitbit preset against an emulation of the Fitbit Web API's documented authorization: PKCE
 * S256 required, Basic for server applications with `client_id` in the body, single-use refresh
 * tokens, requests-oauthlib's fitbit fix for the `errors` list, revocation, Get Profile.
 */
import { InvalidClientError, InvalidGrantError, OAuth2Session } from 'oauth2-session';
import { fitbit, fitbitProvider, userRequest } from 'oauth2-session/providers';
import { describe, expect, it } from 'vitest';
import { FITBIT_USER, startFitbit } from '../harness/emulators/fitbit.js';
import { CLIENT, contractEmulator, eachEmulator, REGISTERED } from './emulated.js';
import { presetContract } from './preset-contract.js';

const CLIENT_APP = { clientId: '22942C', redirectUris: [CLIENT.redirectUri] };

async function start() {
  const emulator = await startFitbit([REGISTERED, CLIENT_APP]);
  const origin = emulator.http.origin;
  const preset = fitbitProvider({ baseUrl: origin, apiUrl: origin });
  return contractEmulator(emulator, preset, { user: { encodedId: FITBIT_USER.encodedId } });
}

presetContract('fitbit', { preset: fitbit, refresh: true, start });

describe('fitbitProvider: what the contract does not see', () => {
  const live = eachEmulator(start);
  const { session } = live;

  async function callback(extra: Record<string, unknown> = {}) {
    const { url, state, codeVerifier } = await session(extra).authorizationUrl();
    return { url: await live.emulator.approve(url), state, codeVerifier };
  }

  it('fetchToken(): Basic credentials and client_id in the body; user_id kept in the token', async () => {
    const { url, state, codeVerifier } = await callback();
    const s = session({ state, codeVerifier });
    await s.fetchToken({ authorizationResponse: url });
    const sent = live.emulator.http.requests.token[0]!;
    expect(sent.headers.get('authorization')).toMatch(/^Basic /);
    expect(sent.form.get('client_id')).toBe(CLIENT.clientId);
    expect(sent.form.has('client_secret')).toBe(false);
    expect(s.token?.user_id).toBe(FITBIT_USER.encodedId);
  });

  it('the fitbit fix: the errors list is the typed error, its message the description', async () => {
    const { url, state, codeVerifier } = await callback();
    await session({ state, codeVerifier }).fetchToken({ authorizationResponse: url });
    const again = session({ state, codeVerifier }).fetchToken({ authorizationResponse: url });
    await expect(again).rejects.toBeInstanceOf(InvalidGrantError);
    await expect(again).rejects.toMatchObject({
      status: 400,
      errorDescription: expect.stringMatching(/^Authorization code invalid: /),
    });
    const next = await callback();
    const wrong = session({ ...next, clientSecret: 'not-the-secret' });
    await expect(wrong.fetchToken({ authorizationResponse: next.url })).rejects.toBeInstanceOf(
      InvalidClientError,
    );
  });

  it('refreshToken(): a refresh token works once; the old one is then an InvalidGrantError', async () => {
    const { url, state, codeVerifier } = await callback();
    const s = session({ state, codeVerifier });
    const first = await s.fetchToken({ authorizationResponse: url });
    await s.refreshToken();
    expect(s.token?.refresh_token).not.toBe(first.refresh_token);
    await expect(session({ token: first }).refreshToken()).rejects.toBeInstanceOf(
      InvalidGrantError,
    );
  });

  it('a client application (no secret) signs in with client_id and PKCE alone', async () => {
    const options = { clientId: CLIENT_APP.clientId, redirectUri: CLIENT.redirectUri };
    const provider = live.emulator.preset;
    const first = new OAuth2Session({ ...options, provider });
    const { url, state, codeVerifier } = await first.authorizationUrl();
    const s = new OAuth2Session({ ...options, provider, state, codeVerifier });
    await s.fetchToken({ authorizationResponse: await live.emulator.approve(url) });
    expect(live.emulator.http.requests.token[0]?.headers.has('authorization')).toBe(false);
    expect((await s.fetch(...userRequest(provider))).status).toBe(200);
    await s.revokeToken();
    expect(live.emulator.http.requests.revoke[0]?.form.get('client_id')).toBe(CLIENT_APP.clientId);
  });

  it('PKCE is required: an authorization URL without a challenge is refused', async () => {
    const { url } = await session({ pkce: false }).authorizationUrl();
    await expect(live.emulator.approve(url)).rejects.toThrow(/answered 400/);
  });
});
