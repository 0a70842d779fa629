/**
 * The Discord preset against an emulation of Discord's documented OAuth2 (week-long tokens,
 * rotating refresh tokens, revocation of the whole authorization, the User-Agent rule).
 */
import { OAuth2Session } from 'oauth2-session';
import { discord, discordProvider, userRequest } from 'oauth2-session/providers';
import { describe, expect, it } from 'vitest';
import { DISCORD_USER, startDiscord } from '../harness/emulators/discord.js';
import { CLIENT, contractEmulator, eachEmulator, REGISTERED } from './emulated.js';
import { presetContract } from './preset-contract.js';

async function start() {
  const emulator = await startDiscord([REGISTERED]);
  const preset = discordProvider({ baseUrl: emulator.http.origin });
  return contractEmulator(emulator, preset, { id: DISCORD_USER.id, username: 'nelly' });
}

presetContract('discord', { preset: discord, refresh: true, pkce: false, start });

describe('discordProvider: what the contract does not see', () => {
  const live = eachEmulator(start);
  const { session, signIn } = live;

  it('every API request carries the DiscordBot User-Agent, unless the caller set one', async () => {
    const s = await signIn();
    const [url, init] = userRequest(live.emulator.preset);
    expect((await s.fetch(url, init)).status).toBe(200);
    await s.revokeToken();
    const agents = [live.emulator.http.requests.token, live.emulator.http.requests.user]
      .flat()
      .concat(live.emulator.http.requests.revoke)
      .map((r) => r.headers.get('user-agent'));
    expect(agents).toEqual(Array(3).fill(expect.stringMatching(/^DiscordBot \(/)));
    const mine = discordProvider({
      baseUrl: live.emulator.http.origin,
      userAgent: 'DiscordBot (https://app.example, 2.1)',
    });
    const t = new OAuth2Session({ ...CLIENT, provider: mine });
    const { url: auth, state, codeVerifier } = await t.authorizationUrl();
    const u = new OAuth2Session({ ...CLIENT, provider: mine, state, codeVerifier });
    await u.fetchToken({ authorizationResponse: await live.emulator.approve(auth) });
    expect(live.emulator.http.requests.token.at(-1)?.headers.get('user-agent')).toBe(
      'DiscordBot (https://app.example, 2.1)',
    );
  });

  it('without the preset hooks, the emulator refuses the request as Discord documents', async () => {
    const { url, state, codeVerifier } = await session().authorizationUrl();
    const plain = new OAuth2Session({
      ...CLIENT,
      state,
      codeVerifier,
      server: live.emulator.preset.server,
    });
    await expect(
      plain.fetchToken({ authorizationResponse: await live.emulator.approve(url) }),
    ).rejects.toMatchObject({ code: 'OAUTH_HTTP_ERROR', status: 400 });
  });

  it('revokeToken(): one revocation ends the access token and the refresh token', async () => {
    const s = await signIn();
    const token = s.token!;
    await s.revokeToken(undefined, { tokenTypeHint: 'access_token' });
    expect(live.emulator.http.requests.revoke[0]?.form.get('token_type_hint')).toBe('access_token');
    await expect(session({ token }).refreshToken()).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });
});
