/**
 * The Box preset against an emulation of Box's documented OAuth 2.0: the secret in the body,
 * 30-second codes, `restricted_to`, single-use refresh tokens, revocation with the client's
 * credentials, the `invalid_token` challenge of `/2.0/users/me`.
 */
import { InvalidClientError, InvalidGrantError } from 'oauth2-session';
import { box, boxProvider, userRequest } from 'oauth2-session/providers';
import { describe, expect, it } from 'vitest';
import { BOX_USER, startBox } from '../harness/emulators/box.js';
import { CLIENT, contractEmulator, eachEmulator, REGISTERED } from './emulated.js';
import { presetContract } from './preset-contract.js';

async function start() {
  const emulator = await startBox([REGISTERED]);
  const origin = emulator.http.origin;
  const preset = boxProvider({ baseUrl: origin, apiUrl: origin });
  return contractEmulator(emulator, preset, { id: BOX_USER.id, login: BOX_USER.login });
}

presetContract('box', { preset: box, refresh: true, pkce: false, start });

describe('boxProvider: what the contract does not see', () => {
  const live = eachEmulator(start);
  const { session } = live;

  async function callback() {
    const { url, state, codeVerifier } = await session().authorizationUrl();
    return { url: await live.emulator.approve(url), state, codeVerifier };
  }

  it('fetchToken(): the secret in the form, never Basic; restricted_to kept', async () => {
    const { url, state, codeVerifier } = await callback();
    const s = session({ state, codeVerifier });
    await s.fetchToken({ authorizationResponse: url });
    const sent = live.emulator.http.requests.token[0]!;
    expect(sent.headers.has('authorization')).toBe(false);
    expect(sent.form.get('client_secret')).toBe(CLIENT.clientSecret);
    expect(s.token).toMatchObject({ token_type: 'bearer', restricted_to: [] });
    const next = await callback();
    const wrong = session({ ...next, clientSecret: 'not-the-secret' });
    await expect(wrong.fetchToken({ authorizationResponse: next.url })).rejects.toBeInstanceOf(
      InvalidClientError,
    );
  });

  it('a code exchanged after 30 seconds is an InvalidGrantError', async () => {
    const { url, state, codeVerifier } = await callback();
    const now = Date.now();
    live.emulator.authority.now = () => now + 31_000;
    await expect(
      session({ state, codeVerifier }).fetchToken({ authorizationResponse: url }),
    ).rejects.toBeInstanceOf(InvalidGrantError);
  });

  it('fetch(): a 401 invalid_token challenge makes the session refresh once and retry', async () => {
    const { url, state, codeVerifier } = await callback();
    const s = session({ state, codeVerifier });
    const first = await s.fetchToken({ authorizationResponse: url });
    live.emulator.authority.endAccess(first.access_token);
    const res = await s.fetch(...userRequest(live.emulator.preset));
    expect(res.status).toBe(200);
    expect(live.emulator.http.counts.me).toBe(2);
    expect(s.token?.access_token).not.toBe(first.access_token);
    expect(s.token?.refresh_token).not.toBe(first.refresh_token);
  });

  it('revokeToken(): the token with client_id and client_secret in the form', async () => {
    const { url, state, codeVerifier } = await callback();
    const s = session({ state, codeVerifier });
    await s.fetchToken({ authorizationResponse: url });
    const refresh = s.token!.refresh_token;
    await s.revokeToken();
    const sent = live.emulator.http.requests.revoke[0]!;
    expect(sent.form.get('token')).toBe(refresh);
    expect(sent.form.get('client_id')).toBe(CLIENT.clientId);
    expect(sent.form.get('client_secret')).toBe(CLIENT.clientSecret);
  });
});
