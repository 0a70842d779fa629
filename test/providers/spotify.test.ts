/**
 * The Spotify preset against an emulation of Spotify's documented authorization code flow:
 * Basic for a confidential client, PKCE alone for a public one, refresh answers that keep the
 * refresh token, no revocation.
 */
import { OAuth2Session } from 'oauth2-session';
import { spotify, spotifyProvider, userRequest } from 'oauth2-session/providers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SPOTIFY_USER, startSpotify } from '../harness/emulators/spotify.js';
import { CLIENT, contractEmulator, REGISTERED } from './emulated.js';
import { presetContract } from './preset-contract.js';

const PUBLIC = { clientId: 'pkce-app', redirectUris: [CLIENT.redirectUri] };

async function start() {
  const emulator = await startSpotify([REGISTERED, PUBLIC]);
  const origin = emulator.http.origin;
  const preset = spotifyProvider({ baseUrl: origin, apiUrl: origin });
  return contractEmulator(emulator, preset, { id: SPOTIFY_USER.id, email: SPOTIFY_USER.email });
}

presetContract('spotify', { preset: spotify, refresh: true, start });

describe('spotifyProvider: what the contract does not see', () => {
  let emulator: Awaited<ReturnType<typeof start>>;
  beforeEach(async () => {
    emulator = await start();
  });
  afterEach(() => emulator.close());

  const signIn = async (options: {
    clientId: string;
    clientSecret?: string | undefined;
    redirectUri: string;
  }) => {
    const base = { ...options, provider: emulator.preset };
    const { url, state, codeVerifier } = await new OAuth2Session(base).authorizationUrl();
    const s = new OAuth2Session({ ...base, state, codeVerifier });
    await s.fetchToken({ authorizationResponse: await emulator.approve(url) });
    return s;
  };

  it('a confidential client authenticates by Basic, never with its secret in the body', async () => {
    const s = await signIn(CLIENT);
    await s.refreshToken();
    for (const sent of emulator.http.requests.token) {
      expect(sent.headers.get('authorization')).toMatch(/^Basic /);
      expect(sent.form.has('client_secret')).toBe(false);
    }
  });

  it('a public client signs in with PKCE alone and refreshes, keeping its refresh token', async () => {
    const s = await signIn({ clientId: PUBLIC.clientId, redirectUri: CLIENT.redirectUri });
    const first = s.token!;
    const renewed = await s.refreshToken();
    expect(renewed.refresh_token).toBe(first.refresh_token);
    expect(emulator.http.requests.token[0]?.form.get('client_id')).toBe(PUBLIC.clientId);
    expect(await (await s.fetch(...userRequest(emulator.preset))).json()).toEqual(SPOTIFY_USER);
  });

  it('a wrong PKCE verifier is refused as Spotify documents it', async () => {
    const options = {
      clientId: PUBLIC.clientId,
      redirectUri: CLIENT.redirectUri,
      provider: emulator.preset,
    };
    const { url, state } = await new OAuth2Session(options).authorizationUrl();
    const s = new OAuth2Session({ ...options, state, codeVerifier: 'v'.repeat(43) });
    await expect(
      s.fetchToken({ authorizationResponse: await emulator.approve(url) }),
    ).rejects.toMatchObject({
      error: 'invalid_grant',
      errorDescription: 'code_verifier was incorrect',
    });
  });

  it('spotify: no revocation endpoint, as Spotify documents none', () => {
    expect(spotify.server.revocation_endpoint).toBeUndefined();
    expect(spotify.user?.url).toBe('https://api.spotify.com/v1/me');
  });
});
