/**
 * The Figma preset against an emulation of Figma's documented OAuth 2: Basic credentials only,
 * the refresh endpoint beside the token endpoint, granular scopes, Figma's error payloads,
 * `/v1/me`.
 */
import { InvalidClientError, InvalidGrantError } from 'oauth2-session';
import { figma, figmaProvider, userRequest } from 'oauth2-session/providers';
import { describe, expect, it } from 'vitest';
import { FIGMA_USER, startFigma } from '../harness/emulators/figma.js';
import { CLIENT, contractEmulator, eachEmulator, REGISTERED } from './emulated.js';
import { presetContract } from './preset-contract.js';

async function start() {
  const emulator = await startFigma([REGISTERED]);
  const origin = emulator.http.origin;
  const preset = figmaProvider({ baseUrl: origin, apiUrl: origin });
  return contractEmulator(emulator, preset, { id: FIGMA_USER.id, email: FIGMA_USER.email });
}

presetContract('figma', { preset: figma, refresh: true, start });

describe('figmaProvider: what the contract does not see', () => {
  const live = eachEmulator(start);
  const { session } = live;
  const signIn = (scope?: string[]) => live.signInFlow({ scope });

  it('figma: www.figma.com/oauth, the token endpoint under api.figma.com/v1, current_user:read by default', () => {
    expect(figma.server.authorization_endpoint).toBe('https://www.figma.com/oauth');
    expect(figma.server.token_endpoint).toBe('https://api.figma.com/v1/oauth/token');
    expect(figma.user?.url).toBe('https://api.figma.com/v1/me');
    expect(figma.scope).toEqual(['current_user:read']);
    expect(figma.server.revocation_endpoint).toBeUndefined();
  });

  it('fetchToken(): the credentials as Basic, none among the form parameters', async () => {
    await signIn();
    const sent = live.emulator.http.requests.token[0]!;
    const basic = Buffer.from(`${CLIENT.clientId}:${CLIENT.clientSecret}`).toString('base64');
    expect(sent.headers.get('authorization')).toBe(`Basic ${basic}`);
    expect(sent.contentType).toBe('application/x-www-form-urlencoded');
    expect(sent.form.has('client_secret')).toBe(false);
    expect(sent.form.get('grant_type')).toBe('authorization_code');
    expect(sent.form.get('redirect_uri')).toBe(CLIENT.redirectUri);
  });

  it('fetchToken(): the answer keeps user_id; the token is Bearer at /v1/me', async () => {
    const { s } = await signIn();
    expect(s.token?.['user_id']).toBe(FIGMA_USER.id);
    const res = await s.fetch(...userRequest(live.emulator.preset));
    expect(await res.json()).toEqual(FIGMA_USER);
    expect(live.emulator.http.requests.me[0]!.headers.get('authorization')).toBe(
      `Bearer ${s.token!.access_token}`,
    );
  });

  it('refreshToken(): sent to /v1/oauth/refresh with Basic; the refresh token is kept', async () => {
    const { s } = await signIn();
    const first = s.token!;
    const renewed = await s.refreshToken();
    expect(live.emulator.http.counts.token).toBe(1);
    expect(live.emulator.http.counts.refresh).toBe(1);
    const sent = live.emulator.http.requests.refresh[0]!;
    expect(sent.headers.get('authorization')).toMatch(/^Basic /);
    expect(sent.form.get('refresh_token')).toBe(first.refresh_token);
    expect(renewed.access_token).not.toBe(first.access_token);
    expect(renewed.refresh_token).toBe(first.refresh_token);
  });

  it('a refused code is InvalidGrantError with Figma message as its description', async () => {
    const { url, state, codeVerifier } = await session().authorizationUrl();
    const callback = new URL(await live.emulator.approve(url));
    callback.searchParams.set('code', 'not-a-code');
    const e = await session({ state, codeVerifier })
      .fetchToken({ authorizationResponse: callback.href })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InvalidGrantError);
    expect((e as InvalidGrantError).errorDescription).toBe('Invalid code');
  });

  it('a wrong client secret is InvalidClientError (Figma answers 401 with error: true)', async () => {
    const { url, state, codeVerifier } = await session().authorizationUrl();
    const callback = await live.emulator.approve(url);
    const wrong = session({ state, codeVerifier, clientSecret: 'wrong' });
    await expect(wrong.fetchToken({ authorizationResponse: callback })).rejects.toBeInstanceOf(
      InvalidClientError,
    );
  });

  it('authorizationUrl(): asked scopes are space-separated; an unknown scope is refused', async () => {
    const { url } = await signIn(['current_user:read', 'file_content:read']);
    expect(new URL(url).searchParams.get('scope')).toBe('current_user:read file_content:read');
    const odd = await session({ scope: ['file_read'] }).authorizationUrl();
    const back = new URL(await live.emulator.approve(odd.url));
    expect(back.searchParams.get('error')).toBe('invalid_scope');
  });

  it('userRequest(figma): an ended token is a 403 with Figma err payload', async () => {
    const { s } = await signIn();
    live.emulator.authority.endAccess(s.token!.access_token);
    const res = await s.fetch(...userRequest(live.emulator.preset));
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ status: 403, err: 'Invalid token' });
  });
});
