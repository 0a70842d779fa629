/**
 * The Linear preset against an emulation of Linear's documented OAuth 2.0: comma-separated
 * scopes, PKCE, rotating refresh tokens, Bearer revocation, the user as a GraphQL POST.
 */
import { InvalidGrantError, OAuth2Session } from 'oauth2-session';
import { linear, linearProvider, userRequest } from 'oauth2-session/providers';
import { describe, expect, it } from 'vitest';
import { LINEAR_VIEWER, startLinear } from '../harness/emulators/linear.js';
import { CLIENT, contractEmulator, eachEmulator, REGISTERED } from './emulated.js';
import { presetContract } from './preset-contract.js';

async function start() {
  const emulator = await startLinear([REGISTERED]);
  const origin = emulator.http.origin;
  const preset = linearProvider({ baseUrl: origin, apiUrl: origin });
  return contractEmulator(emulator, preset, { data: { viewer: LINEAR_VIEWER } });
}

presetContract('linear', { preset: linear, refresh: true, start });

describe('linearProvider: what the contract does not see', () => {
  const live = eachEmulator(start);
  const { session } = live;
  const signIn = (scope?: string[]) => live.signInFlow({ scope });

  it('authorizationUrl(): scopes comma-separated; the token answer lists them', async () => {
    const { s, url } = await signIn(['read', 'write']);
    expect(new URL(url).searchParams.get('scope')).toBe('read,write');
    expect(s.token?.scope).toEqual(['read', 'write']);
  });

  it('a space-separated scope (without the preset) is refused by Linear', async () => {
    const plain = new OAuth2Session({
      ...CLIENT,
      server: live.emulator.preset.server,
      scope: ['read', 'write'],
    });
    const answer = await fetch((await plain.authorizationUrl()).url, { redirect: 'manual' });
    expect(answer.status).toBe(400);
  });

  it('userRequest(linear): a GraphQL POST of the viewer query, as JSON', async () => {
    const { s } = await signIn();
    const [url, init] = userRequest(live.emulator.preset);
    expect(await (await s.fetch(url, init)).json()).toEqual({ data: { viewer: LINEAR_VIEWER } });
    const sent = live.emulator.http.requests.graphql[0]!;
    expect(sent.contentType).toBe('application/json');
    expect(sent.json).toEqual({ query: '{ viewer { id name email } }' });
  });

  it('refreshToken(): the refresh token rotates; the old one is refused', async () => {
    const { s } = await signIn();
    const first = s.token!;
    const renewed = await s.refreshToken();
    expect(renewed.refresh_token).not.toBe(first.refresh_token);
    await expect(session({ token: first }).refreshToken()).rejects.toBeInstanceOf(
      InvalidGrantError,
    );
  });

  it('revokeToken(): the access token as Bearer, no body', async () => {
    const { s } = await signIn();
    const token = s.token!;
    await s.revokeToken();
    const sent = live.emulator.http.requests.revoke[0]!;
    expect(sent.headers.get('authorization')).toBe(`Bearer ${token.access_token}`);
    expect(sent.text).toBe('');
  });

  it('linearProvider({ actor }): actor=app in every authorization URL', async () => {
    const p = linearProvider({
      baseUrl: live.emulator.http.origin,
      apiUrl: live.emulator.http.origin,
      actor: 'app',
    });
    const { url } = await new OAuth2Session({ ...CLIENT, provider: p }).authorizationUrl();
    expect(new URL(url).searchParams.get('actor')).toBe('app');
  });
});
