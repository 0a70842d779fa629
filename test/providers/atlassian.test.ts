/**
 * The Atlassian preset against an emulation of Atlassian's documented OAuth 2.0 (3LO):
 * `audience` and `prompt=consent` required, JSON token requests, rotating refresh tokens with
 * `offline_access`, 403 `invalid_grant`, accessible resources and `/me`.
 */
import { InvalidGrantError, OAuth2Session } from 'oauth2-session';
import { atlassian, atlassianProvider } from 'oauth2-session/providers';
import { describe, expect, it } from 'vitest';
import { ATLASSIAN_SITE, ATLASSIAN_USER, startAtlassian } from '../harness/emulators/atlassian.js';
import { CLIENT, contractEmulator, eachEmulator, REGISTERED } from './emulated.js';
import { presetContract } from './preset-contract.js';

async function start() {
  const emulator = await startAtlassian([REGISTERED]);
  const { origin } = emulator.http;
  const preset = atlassianProvider({ authUrl: origin, apiUrl: origin });
  return contractEmulator(emulator, preset, { account_id: ATLASSIAN_USER.account_id });
}

presetContract('atlassian', { preset: atlassian, refresh: true, pkce: false, start });

describe('atlassianProvider: what the contract does not see', () => {
  const live = eachEmulator(start);
  const { session, signIn } = live;

  it('authorizationUrl(): audience and prompt=consent, which Atlassian requires; without them it refuses', async () => {
    const { url } = await session().authorizationUrl();
    const q = new URL(url).searchParams;
    expect(q.get('audience')).toBe('api.atlassian.com');
    expect(q.get('prompt')).toBe('consent');
    const bare = new URL(url);
    bare.searchParams.delete('prompt');
    expect((await fetch(bare, { redirect: 'manual' })).status).toBe(400);
  });

  it('fetchToken(): a JSON body with the client credentials; a form body is refused without the hook', async () => {
    await signIn();
    const sent = live.emulator.http.requests.token[0]!;
    expect(sent.contentType).toBe('application/json');
    expect(sent.json).toMatchObject({
      grant_type: 'authorization_code',
      client_id: CLIENT.clientId,
      client_secret: CLIENT.clientSecret,
    });
    const { url, state, codeVerifier } = await session().authorizationUrl();
    const bare = new OAuth2Session({
      ...CLIENT,
      server: live.emulator.preset.server,
      state,
      codeVerifier,
    });
    await expect(
      bare.fetchToken({ authorizationResponse: await live.emulator.approve(url) }),
    ).rejects.toMatchObject({ error: 'invalid_request' });
  });

  it('refreshToken(): the refresh token rotates; the spent one is a 403 invalid_grant', async () => {
    const s = await signIn();
    const first = s.token!;
    await s.refreshToken();
    expect(s.token?.refresh_token).not.toBe(first.refresh_token);
    const spent = session({ token: first }).refreshToken();
    await expect(spent).rejects.toBeInstanceOf(InvalidGrantError);
    await expect(spent).rejects.toMatchObject({ status: 403 });
  });

  it('session.get(accessible-resources): the sites the token reaches, by cloud id', async () => {
    const s = await signIn();
    const res = await s.get(`${live.emulator.http.origin}/oauth/token/accessible-resources`);
    expect(await res.json()).toEqual([ATLASSIAN_SITE]);
  });
});
