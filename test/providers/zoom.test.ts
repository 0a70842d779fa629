/**
 * The Zoom preset against an emulation of Zoom's documented OAuth for General apps: Basic only,
 * PKCE, scopes on the app, rotating refresh tokens, Zoom's `{"reason", "error"}` errors,
 * revocation, `/v2/users/me`.
 */
import { InvalidClientError, InvalidGrantError } from 'oauth2-session';
import { userRequest, zoom, zoomProvider } from 'oauth2-session/providers';
import { describe, expect, it } from 'vitest';
import { startZoom, ZOOM_USER } from '../harness/emulators/zoom.js';
import { contractEmulator, eachEmulator, REGISTERED } from './emulated.js';
import { presetContract } from './preset-contract.js';

async function start() {
  const emulator = await startZoom([REGISTERED]);
  const origin = emulator.http.origin;
  const preset = zoomProvider({ baseUrl: origin, apiUrl: origin });
  return contractEmulator(emulator, preset, { id: ZOOM_USER.id, email: ZOOM_USER.email });
}

presetContract('zoom', { preset: zoom, refresh: true, start });

describe('zoomProvider: what the contract does not see', () => {
  const live = eachEmulator(start);
  const { session } = live;

  async function callback() {
    const { url, state, codeVerifier } = await session().authorizationUrl();
    return { url: await live.emulator.approve(url), state, codeVerifier };
  }

  it('fetchToken(): Basic credentials, no scope asked for; the scope and api_url of the answer kept', async () => {
    const { url, state, codeVerifier } = await callback();
    expect(new URL(live.emulator.http.requests.authorize[0]!.url).searchParams.has('scope')).toBe(
      false,
    );
    const s = session({ state, codeVerifier });
    await s.fetchToken({ authorizationResponse: url });
    const sent = live.emulator.http.requests.token[0]!;
    expect(sent.headers.get('authorization')).toMatch(/^Basic /);
    expect(sent.form.has('client_secret')).toBe(false);
    expect(s.token).toMatchObject({
      token_type: 'bearer',
      scope: ['user:read:user'],
      api_url: live.emulator.http.origin,
    });
  });

  it('Zoom’s errors are the typed errors, the reason their description', async () => {
    const { url, state, codeVerifier } = await callback();
    const s = session({ state, codeVerifier });
    const first = await s.fetchToken({ authorizationResponse: url });
    await s.refreshToken();
    const stale = session({ token: first }).refreshToken();
    await expect(stale).rejects.toBeInstanceOf(InvalidGrantError);
    await expect(stale).rejects.toMatchObject({
      status: 400,
      error: 'invalid_grant',
      errorDescription: 'Invalid Token!',
    });
    const again = session({ state, codeVerifier }).fetchToken({ authorizationResponse: url });
    await expect(again).rejects.toBeInstanceOf(InvalidGrantError);
    await expect(again).rejects.toMatchObject({
      errorDescription: expect.stringMatching(/^Invalid authorization code /),
    });
    const next = await callback();
    const wrong = session({ ...next, clientSecret: 'not-the-secret' });
    await expect(wrong.fetchToken({ authorizationResponse: next.url })).rejects.toBeInstanceOf(
      InvalidClientError,
    );
  });

  it('revokeToken(): the token in a form with Basic credentials', async () => {
    const { url, state, codeVerifier } = await callback();
    const s = session({ state, codeVerifier });
    await s.fetchToken({ authorizationResponse: url });
    const token = s.token!;
    await s.revokeToken();
    const sent = live.emulator.http.requests.revoke[0]!;
    expect(sent.form.get('token')).toBe(token.refresh_token);
    expect(sent.headers.get('authorization')).toMatch(/^Basic /);
    const stale = await session({ token }).fetch(...userRequest(live.emulator.preset));
    expect(stale.status).toBe(401);
    expect(await stale.json()).toEqual({ code: 124, message: 'Invalid access token.' });
  });
});
