import { bitbucket, bitbucketProvider } from 'oauth2-session/providers';
import { describe, expect, it } from 'vitest';
import { BITBUCKET_USER, startBitbucket } from '../harness/emulators/bitbucket.js';
import { contractEmulator, eachEmulator, REGISTERED } from './emulated.js';
import { presetContract } from './preset-contract.js';

async function start() {
  const emulator = await startBitbucket([REGISTERED]);
  const origin = emulator.http.origin;
  const preset = bitbucketProvider({ baseUrl: origin, apiUrl: origin });
  return contractEmulator(emulator, preset, { account_id: BITBUCKET_USER.account_id });
}

presetContract('bitbucket', { preset: bitbucket, refresh: true, pkce: false, start });

describe('bitbucketProvider: what the contract does not see', () => {
  const live = eachEmulator(start);
  const { session } = live;

  it("fetchToken(): Basic consumer credentials; the answer's scopes become the token's scope", async () => {
    const { url, state, codeVerifier } = await session().authorizationUrl();
    expect(new URL(url).searchParams.has('scope')).toBe(false);
    const s = session({ state, codeVerifier });
    const token = await s.fetchToken({ authorizationResponse: await live.emulator.approve(url) });
    expect(token).toMatchObject({
      scope: ['account'],
      scopes: 'account',
      token_type: 'bearer',
      state: 'authorization_code',
    });
    const sent = live.emulator.http.requests.token[0]!;
    expect(sent.headers.get('authorization')).toMatch(/^Basic /);
    expect(sent.form.has('client_secret')).toBe(false);
  });

  it('refreshToken(): the same refresh token comes back and stays valid', async () => {
    const { url, state, codeVerifier } = await session().authorizationUrl();
    const s = session({ state, codeVerifier });
    const first = await s.fetchToken({ authorizationResponse: await live.emulator.approve(url) });
    const renewed = await s.refreshToken();
    expect(renewed.refresh_token).toBe(first.refresh_token);
    expect(renewed.state).toBe('refresh_token');
    await expect(session({ token: first }).refreshToken()).resolves.toMatchObject({
      scope: ['account'],
    });
  });

  it('bitbucket: no scope asked for and no revocation endpoint, as Bitbucket documents', () => {
    expect(bitbucket.scope).toBeUndefined();
    expect(bitbucket.server.revocation_endpoint).toBeUndefined();
    expect(bitbucket.user?.url).toBe('https://api.bitbucket.org/2.0/user');
  });
});
