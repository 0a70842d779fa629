/**
 * The Reddit preset against an emulation of Reddit's documented OAuth2: `duration=permanent`,
 * Basic client authentication only (an installed app with an empty password), the User-Agent
 * rule, errors with HTTP 200 and a numeric 401.
 */
import { InvalidClientError, OAuth2Session } from 'oauth2-session';
import { reddit, redditProvider, userRequest } from 'oauth2-session/providers';
import { describe, expect, it } from 'vitest';
import { REDDIT_USER, startReddit } from '../harness/emulators/reddit.js';
import { CLIENT, contractEmulator, eachEmulator, REGISTERED } from './emulated.js';
import { presetContract } from './preset-contract.js';

const INSTALLED = { clientId: 'installed-app', redirectUris: [CLIENT.redirectUri] };

async function start(options: { duration?: 'temporary' | undefined } = {}) {
  const emulator = await startReddit([REGISTERED, INSTALLED]);
  const origin = emulator.http.origin;
  const preset = redditProvider({ baseUrl: origin, apiUrl: origin, ...options });
  return contractEmulator(emulator, preset, { name: REDDIT_USER.name, id: REDDIT_USER.id });
}

presetContract('reddit (duration=permanent)', {
  preset: reddit,
  refresh: true,
  pkce: false,
  start,
});
presetContract('reddit (duration=temporary)', {
  preset: reddit,
  refresh: false,
  pkce: false,
  start: () => start({ duration: 'temporary' }),
});

describe('redditProvider: what the contract does not see', () => {
  const live = eachEmulator(start);
  const { session } = live;

  it('authorizationUrl(): duration=permanent by default, the option otherwise', async () => {
    const { url } = await session().authorizationUrl();
    expect(new URL(url).searchParams.get('duration')).toBe('permanent');
    const temporary = redditProvider({ duration: 'temporary' });
    expect(temporary.authorizationParams).toEqual({ duration: 'temporary' });
  });

  it('every request carries the User-Agent and the token request Basic credentials', async () => {
    const { url, state, codeVerifier } = await session().authorizationUrl();
    const s = session({ state, codeVerifier });
    await s.fetchToken({ authorizationResponse: await live.emulator.approve(url) });
    await s.fetch(...userRequest(live.emulator.preset));
    await s.revokeToken();
    const sent = [
      ...live.emulator.http.requests.token,
      ...live.emulator.http.requests.me,
      ...live.emulator.http.requests.revoke,
    ];
    expect(sent.map((r) => r.headers.get('user-agent'))).toEqual(
      Array(3).fill('web:oauth2-session:v0.1'),
    );
    expect(live.emulator.http.requests.token[0]?.headers.get('authorization')).toMatch(/^Basic /);
    expect(live.emulator.http.requests.token[0]?.form.has('client_secret')).toBe(false);
  });

  it('without the User-Agent (node fetch default) Reddit throttles: 429', async () => {
    const { url, state, codeVerifier } = await session().authorizationUrl();
    const plain = new OAuth2Session({
      ...CLIENT,
      state,
      codeVerifier,
      server: live.emulator.preset.server,
    });
    await expect(
      plain.fetchToken({ authorizationResponse: await live.emulator.approve(url) }),
    ).rejects.toMatchObject({
      status: 429,
    });
  });

  it('an installed app (no secret) authenticates as Basic with an empty password', async () => {
    const options = {
      clientId: INSTALLED.clientId,
      redirectUri: CLIENT.redirectUri,
      provider: live.emulator.preset,
    };
    const { url, state, codeVerifier } = await new OAuth2Session(options).authorizationUrl();
    const s = new OAuth2Session({ ...options, state, codeVerifier });
    await s.fetchToken({ authorizationResponse: await live.emulator.approve(url) });
    const basic = live.emulator.http.requests.token[0]?.headers.get('authorization') ?? '';
    expect(Buffer.from(basic.replace('Basic ', ''), 'base64').toString()).toBe('installed-app:');
    expect(live.emulator.http.requests.token[0]?.form.has('client_id')).toBe(false);
    expect((await s.fetch(...userRequest(live.emulator.preset))).status).toBe(200);
  });

  it('bad client credentials: the 401 whose error is a number is InvalidClientError', async () => {
    const { url, state, codeVerifier } = await session().authorizationUrl();
    const s = session({ state, codeVerifier, clientSecret: 'wrong' });
    const e = await s
      .fetchToken({ authorizationResponse: await live.emulator.approve(url) })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InvalidClientError);
    expect(e).toMatchObject({ status: 401, errorDescription: 'Unauthorized' });
  });

  it('refreshToken(): Reddit answers no new refresh token; the session keeps its own', async () => {
    const { url, state, codeVerifier } = await session().authorizationUrl();
    const s = session({ state, codeVerifier });
    const first = await s.fetchToken({ authorizationResponse: await live.emulator.approve(url) });
    const renewed = await s.refreshToken();
    expect(renewed.refresh_token).toBe(first.refresh_token);
    expect(renewed.token_type).toBe('bearer');
    await s.refreshToken();
    expect(live.emulator.http.counts.token).toBe(3);
  });
});
