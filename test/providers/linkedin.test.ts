/**
 * The LinkedIn preset against an emulation of Sign In with LinkedIn using OpenID Connect and
 * LinkedIn's documented OAuth 2.0: the secret in the body, comma-separated scopes, `invalid_request`
 * for a bad code, partner refresh tokens, revocation, userinfo and ID tokens.
 */
import { InvalidGrantError, OAuth2Session } from 'oauth2-session';
import { OpenIDSession } from 'oauth2-session/oidc';
import { linkedin, linkedinProvider, userRequest } from 'oauth2-session/providers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LINKEDIN_USER, startLinkedIn } from '../harness/emulators/linkedin.js';
import { CLIENT, contractEmulator, REGISTERED } from './emulated.js';
import { presetContract } from './preset-contract.js';

async function start(refreshTokens = false) {
  const emulator = await startLinkedIn([REGISTERED], { refreshTokens });
  const origin = emulator.http.origin;
  const preset = linkedinProvider({ baseUrl: origin, apiUrl: origin });
  return contractEmulator(emulator, preset, { sub: LINKEDIN_USER.sub, email: LINKEDIN_USER.email });
}

/** LinkedIn refuses with its own body and a 401. */
const rejected = ({ status, body }: { status: number; body: unknown }) =>
  status === 401 && /"serviceErrorCode":6560\d/.test(String(body));

presetContract('linkedin', { preset: linkedin, refresh: false, pkce: false, rejected, start });
presetContract('linkedin (an app approved for refresh tokens)', {
  preset: linkedin,
  refresh: true,
  pkce: false,
  rejected,
  start: () => start(true),
});

describe('linkedinProvider: what the contract does not see', () => {
  let emulator: Awaited<ReturnType<typeof start>>;
  beforeEach(async () => {
    emulator = await start(true);
  });
  afterEach(() => emulator.close());

  const session = (extra: Record<string, unknown> = {}) =>
    new OAuth2Session({ ...CLIENT, provider: emulator.preset, ...extra });

  async function signIn() {
    const { url, state, codeVerifier } = await session().authorizationUrl();
    const s = session({ state, codeVerifier });
    await s.fetchToken({ authorizationResponse: await emulator.approve(url) });
    return s;
  }

  it('linkedin: the endpoints of LinkedIn’s discovery document and its revoke and introspect', () => {
    expect(linkedin.server).toMatchObject({
      issuer: 'https://www.linkedin.com/oauth',
      authorization_endpoint: 'https://www.linkedin.com/oauth/v2/authorization',
      token_endpoint: 'https://www.linkedin.com/oauth/v2/accessToken',
      revocation_endpoint: 'https://www.linkedin.com/oauth/v2/revoke',
      introspection_endpoint: 'https://www.linkedin.com/oauth/v2/introspectToken',
      userinfo_endpoint: 'https://api.linkedin.com/v2/userinfo',
      jwks_uri: 'https://www.linkedin.com/oauth/openid/jwks',
    });
  });

  it('fetchToken(): the secret in the form, never Basic; the comma-separated scope read as a list', async () => {
    const s = await signIn();
    const sent = emulator.http.requests.token[0]!;
    expect(sent.headers.has('authorization')).toBe(false);
    expect(sent.form.get('client_secret')).toBe(CLIENT.clientSecret);
    expect(s.token?.scope).toEqual(['openid', 'profile', 'email']);
    expect(s.token?.expires_in).toBe(5184000);
  });

  it("LinkedIn's invalid_request for a used code is an InvalidGrantError", async () => {
    const { url, state, codeVerifier } = await session().authorizationUrl();
    const callback = await emulator.approve(url);
    await session({ state, codeVerifier }).fetchToken({ authorizationResponse: callback });
    const again = session({ state, codeVerifier }).fetchToken({ authorizationResponse: callback });
    await expect(again).rejects.toBeInstanceOf(InvalidGrantError);
    await expect(again).rejects.toMatchObject({
      status: 400,
      errorDescription: expect.stringMatching(/^Unable to retrieve access token/),
    });
  });

  it('refreshToken(): the same refresh token comes back, and its lifetime is not renewed', async () => {
    const s = await signIn();
    const first = s.token!;
    expect(first.refresh_token_expires_in).toEqual(expect.any(Number));
    const renewed = await s.refreshToken();
    expect(renewed.refresh_token).toBe(first.refresh_token);
    expect(renewed.access_token).not.toBe(first.access_token);
  });

  it('userRequest(linkedin): userinfo, its locale an object; a revoked token draws serviceErrorCode 65601', async () => {
    const s = await signIn();
    const me = await (await s.fetch(...userRequest(emulator.preset))).json();
    expect(me.locale).toEqual({ country: 'US', language: 'en' });
    const token = s.token!;
    await s.revokeToken();
    const sent = emulator.http.requests.revoke[0]!;
    expect(sent.form.get('client_id')).toBe(CLIENT.clientId);
    expect(sent.form.get('client_secret')).toBe(CLIENT.clientSecret);
    const stale = await session({ token }).fetch(...userRequest(emulator.preset));
    expect(stale.status).toBe(401);
    expect(await stale.json()).toMatchObject({ serviceErrorCode: 65601 });
  });

  it('OpenIDSession({ provider, server }): the ID token verifies with the preset’s issuer and keys', async () => {
    const preset = emulator.preset;
    const rp = (extra: Record<string, unknown> = {}) =>
      new OpenIDSession({ ...CLIENT, provider: preset, server: preset.server, ...extra });
    const { url, state, codeVerifier, nonce } = await rp().authorizationUrl();
    const cb = rp({ state, codeVerifier, nonce });
    await cb.fetchToken({ authorizationResponse: await emulator.approve(url) });
    expect(cb.idTokenClaims).toMatchObject({ iss: preset.server.issuer, sub: LINKEDIN_USER.sub });
    expect(await cb.userinfo()).toMatchObject({ email: LINKEDIN_USER.email });
  });
});
