/**
 * The Notion preset against an emulation of Notion's documented public integration OAuth: the
 * `owner=user` parameter, JSON token requests with Basic credentials, tokens without expiry and
 * rotating refresh tokens, Notion's error object, JSON revocation, `Notion-Version` everywhere.
 */
import { InvalidClientError, InvalidGrantError } from 'oauth2-session';
import { notion, notionProvider, userRequest } from 'oauth2-session/providers';
import { describe, expect, it } from 'vitest';
import { NOTION_BOT, NOTION_OWNER, startNotion } from '../harness/emulators/notion.js';
import { CLIENT, contractEmulator, eachEmulator, REGISTERED } from './emulated.js';
import { presetContract } from './preset-contract.js';

async function start(notionVersion?: string) {
  const emulator = await startNotion([REGISTERED]);
  const preset = notionProvider({ baseUrl: emulator.http.origin, notionVersion });
  return contractEmulator(emulator, preset, { id: NOTION_BOT.id, type: 'bot' });
}

presetContract('notion', {
  preset: notion,
  refresh: true,
  expires: false,
  pkce: false,
  start: () => start(),
});

describe('notionProvider: what the contract does not see', () => {
  const live = eachEmulator(start);
  const { session } = live;

  async function callback() {
    const { url, state, codeVerifier } = await session().authorizationUrl();
    return { url: await live.emulator.approve(url), state, codeVerifier };
  }

  async function signIn() {
    const { url, state, codeVerifier } = await callback();
    const s = session({ state, codeVerifier });
    await s.fetchToken({ authorizationResponse: url });
    return s;
  }

  it('fetchToken(): a JSON body with the documented fields, Basic credentials and Notion-Version', async () => {
    const s = await signIn();
    const sent = live.emulator.http.requests.token[0]!;
    expect(sent.contentType).toBe('application/json');
    expect(sent.json).toEqual({
      grant_type: 'authorization_code',
      code: expect.any(String),
      redirect_uri: CLIENT.redirectUri,
    });
    expect(sent.headers.get('authorization')).toMatch(/^Basic /);
    expect(sent.headers.get('notion-version')).toBe('2025-09-03');
    expect(s.token).toMatchObject({ token_type: 'bearer', owner: NOTION_OWNER });
    expect(s.token?.workspace_name).toBe(NOTION_BOT.bot.workspace_name);
    expect(new URL(live.emulator.http.requests.authorize[0]!.url).searchParams.get('owner')).toBe(
      'user',
    );
  });

  it("Notion's error object is the RFC's typed error: a used code, a wrong secret", async () => {
    const { url, state, codeVerifier } = await callback();
    await session({ state, codeVerifier }).fetchToken({ authorizationResponse: url });
    const again = session({ state, codeVerifier }).fetchToken({ authorizationResponse: url });
    await expect(again).rejects.toBeInstanceOf(InvalidGrantError);
    await expect(again).rejects.toMatchObject({ status: 400, errorDescription: 'Invalid code.' });
    const next = await callback();
    const wrong = session({ ...next, clientSecret: 'not-the-secret' });
    await expect(wrong.fetchToken({ authorizationResponse: next.url })).rejects.toBeInstanceOf(
      InvalidClientError,
    );
  });

  it('refreshToken(): the JSON refresh request; the rotated refresh token replaces the old one', async () => {
    const s = await signIn();
    const first = s.token!;
    await s.refreshToken();
    expect(live.emulator.http.requests.token.at(-1)?.json).toEqual({
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token,
    });
    expect(s.token?.refresh_token).not.toBe(first.refresh_token);
    await expect(session({ token: first }).refreshToken()).rejects.toBeInstanceOf(
      InvalidGrantError,
    );
  });

  it('revokeToken(): {"token"} as JSON with Basic credentials', async () => {
    const s = await signIn();
    const refresh = s.token!.refresh_token;
    await s.revokeToken();
    const sent = live.emulator.http.requests.revoke[0]!;
    expect(sent.json).toEqual({ token: refresh });
    expect(sent.headers.get('authorization')).toMatch(/^Basic /);
    expect(sent.headers.get('notion-version')).toBe('2025-09-03');
  });

  it('Notion-Version on API requests that have none, never on another host; a caller’s own wins', async () => {
    const s = await signIn();
    const [url] = userRequest(live.emulator.preset);
    await s.get(url, { headers: { 'notion-version': '2022-06-28' } });
    expect(live.emulator.http.requests.me[0]?.headers.get('notion-version')).toBe('2022-06-28');
    const other = await startNotion([REGISTERED]);
    try {
      await s.get(`${other.http.origin}/v1/users/me`);
      expect(other.http.requests.me[0]?.headers.has('notion-version')).toBe(false);
    } finally {
      await other.http.close();
    }
    const pinned = notionProvider({
      baseUrl: live.emulator.http.origin,
      notionVersion: '2022-06-28',
    });
    const p = session({ provider: pinned, token: s.token });
    expect((await p.fetch(...userRequest(pinned))).status).toBe(200);
    expect(live.emulator.http.requests.me.at(-1)?.headers.get('notion-version')).toBe('2022-06-28');
  });

  it('the emulator refuses an authorization URL without owner=user, and a token request without Notion-Version', async () => {
    const { url } = await session().authorizationUrl();
    const bare = new URL(url);
    bare.searchParams.delete('owner');
    expect((await fetch(bare, { redirect: 'manual' })).status).toBe(400);
    const res = await fetch(live.emulator.preset.server.token_endpoint!, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'authorization_code', code: 'x' }),
    });
    expect(await res.json()).toMatchObject({ code: 'missing_version' });
  });
});
