/**
 * The X (Twitter) preset against an emulation of X's documented OAuth 2.0 Authorization Code
 * Flow with PKCE: PKCE required, Basic for confidential clients, `offline.access`, X's
 * `invalid_request` for bad grants, revocation, `/2/users/me`.
 */
import { InvalidClientError, InvalidGrantError, OAuth2Session } from 'oauth2-session';
import { twitter, twitterProvider, userRequest } from 'oauth2-session/providers';
import { describe, expect, it } from 'vitest';
import { startTwitter, X_USER } from '../harness/emulators/twitter.js';
import { CLIENT, contractEmulator, eachEmulator, REGISTERED } from './emulated.js';
import { presetContract } from './preset-contract.js';

const PUBLIC = { clientId: 'x-public-app', redirectUris: [CLIENT.redirectUri] };

async function start() {
  const emulator = await startTwitter([REGISTERED, PUBLIC]);
  const origin = emulator.http.origin;
  const preset = twitterProvider({ baseUrl: origin, apiUrl: origin });
  return contractEmulator(emulator, preset, { data: { id: X_USER.id } });
}

presetContract('twitter', { preset: twitter, refresh: true, start });

describe('twitterProvider: what the contract does not see', () => {
  const live = eachEmulator(start);
  const { session } = live;

  async function callback(extra: Record<string, unknown> = {}) {
    const { url, state, codeVerifier } = await session(extra).authorizationUrl();
    return { url: await live.emulator.approve(url), state, codeVerifier };
  }

  async function signIn(extra: Record<string, unknown> = {}) {
    const { url, state, codeVerifier } = await callback(extra);
    const s = session({ state, codeVerifier, ...extra });
    await s.fetchToken({ authorizationResponse: url });
    return s;
  }

  it('twitter: the endpoints at x.com and api.x.com', () => {
    expect(twitter.server).toMatchObject({
      authorization_endpoint: 'https://x.com/i/oauth2/authorize',
      token_endpoint: 'https://api.x.com/2/oauth2/token',
      revocation_endpoint: 'https://api.x.com/2/oauth2/revoke',
    });
    expect(twitter.user?.url).toBe('https://api.x.com/2/users/me');
    expect(twitter.scope).toContain('offline.access');
  });

  it('a confidential client authenticates by Basic; X refuses its secret in the body', async () => {
    const s = await signIn();
    const sent = live.emulator.http.requests.token[0]!;
    expect(sent.headers.get('authorization')).toMatch(/^Basic /);
    expect(sent.form.has('client_secret')).toBe(false);
    const { url, state, codeVerifier } = await callback();
    const post = session({ state, codeVerifier, clientAuth: 'client_secret_post' });
    await expect(post.fetchToken({ authorizationResponse: url })).rejects.toBeInstanceOf(
      InvalidClientError,
    );
    expect(s.token?.token_type).toBe('bearer');
  });

  it('a public client signs in with its id and PKCE alone', async () => {
    const options = { clientId: PUBLIC.clientId, redirectUri: CLIENT.redirectUri };
    const provider = live.emulator.preset;
    const { url, state, codeVerifier } = await new OAuth2Session({
      ...options,
      provider,
    }).authorizationUrl();
    const s = new OAuth2Session({ ...options, provider, state, codeVerifier });
    await s.fetchToken({ authorizationResponse: await live.emulator.approve(url) });
    const sent = live.emulator.http.requests.token[0]!;
    expect(sent.headers.has('authorization')).toBe(false);
    expect(sent.form.get('client_id')).toBe(PUBLIC.clientId);
    await s.refreshToken();
    expect((await s.fetch(...userRequest(provider))).status).toBe(200);
  });

  it('PKCE is required: an authorization URL without a challenge is refused', async () => {
    const { url } = await session({ pkce: false }).authorizationUrl();
    await expect(live.emulator.approve(url)).rejects.toThrow(/answered 400/);
  });

  it("X's invalid_request for a used code is an InvalidGrantError", async () => {
    const { url, state, codeVerifier } = await callback();
    await session({ state, codeVerifier }).fetchToken({ authorizationResponse: url });
    const again = session({ state, codeVerifier }).fetchToken({ authorizationResponse: url });
    await expect(again).rejects.toBeInstanceOf(InvalidGrantError);
    await expect(again).rejects.toMatchObject({
      status: 400,
      errorDescription: 'Value passed for the authorization code was invalid.',
    });
  });

  it('without offline.access there is no refresh token', async () => {
    const s = await signIn({ scope: ['tweet.read', 'users.read'] });
    expect(s.token?.refresh_token).toBeUndefined();
    expect((await s.fetch(...userRequest(live.emulator.preset))).status).toBe(200);
  });

  it('revokeToken(): the refresh token, hinted, with the client’s Basic credentials', async () => {
    const s = await signIn();
    const refresh = s.token!.refresh_token;
    await s.revokeToken();
    const sent = live.emulator.http.requests.revoke[0]!;
    expect(sent.form.get('token')).toBe(refresh);
    expect(sent.form.get('token_type_hint')).toBe('refresh_token');
    expect(sent.headers.get('authorization')).toMatch(/^Basic /);
  });
});
