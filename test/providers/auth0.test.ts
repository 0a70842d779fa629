/**
 * The Auth0 preset against an emulation of Auth0's documented Authentication API: the issuer's
 * trailing slash, `offline_access` for a refresh token, HTTP 403 `invalid_grant`, and
 * `/oauth/revoke` for refresh tokens only.
 */
import { decodeJwt } from 'jose';
import { InvalidGrantError, OAuth2Session } from 'oauth2-session';
import { auth0Provider, userRequest } from 'oauth2-session/providers';
import { describe, expect, it } from 'vitest';
import { AUTH0_USER, startAuth0 } from '../harness/emulators/auth0.js';
import { CLIENT, contractEmulator, eachEmulator, REGISTERED } from './emulated.js';
import { presetContract } from './preset-contract.js';

async function start(rotation = false) {
  const emulator = await startAuth0([REGISTERED], { rotation });
  const preset = auth0Provider({ domain: emulator.http.origin });
  return contractEmulator(emulator, preset, { sub: AUTH0_USER.sub, email: AUTH0_USER.email });
}

const shipped = auth0Provider({ domain: 'acme.us.auth0.com' });
const contract = { preset: shipped, refresh: true, revocationEndsAccess: false } as const;
presetContract('auth0', { ...contract, start: () => start() });
presetContract('auth0 (refresh token rotation)', { ...contract, start: () => start(true) });

describe('auth0Provider: what the contract does not see', () => {
  const live = eachEmulator(start);
  const { session, signIn } = live;

  it('auth0Provider({ domain }): the issuer keeps its trailing slash, as ID tokens carry it', async () => {
    expect(shipped.server.issuer).toBe('https://acme.us.auth0.com/');
    expect(shipped.server.revocation_endpoint).toBe('https://acme.us.auth0.com/oauth/revoke');
    const s = await signIn();
    expect(decodeJwt(s.token!.id_token!).iss).toBe(live.emulator.preset.server.issuer);
    expect(live.emulator.preset.server.issuer!.endsWith('/')).toBe(true);
    expect(() => auth0Provider({ domain: '' })).toThrow(
      expect.objectContaining({ code: 'ERR_MISSING_OPTION' }),
    );
  });

  it('auth0Provider({ audience }): the API goes into every authorization URL', async () => {
    const p = auth0Provider({
      domain: live.emulator.http.origin,
      audience: 'https://api.acme.example',
    });
    const { url } = await new OAuth2Session({ ...CLIENT, provider: p }).authorizationUrl();
    expect(new URL(url).searchParams.get('audience')).toBe('https://api.acme.example');
    expect(shipped.authorizationParams).toBeUndefined();
  });

  it('fetchToken(): no refresh token without offline_access; a spent code is a 403 invalid_grant', async () => {
    const without = await signIn({ scope: ['openid', 'profile'] });
    expect(without.token?.refresh_token).toBeUndefined();
    const { url, state, codeVerifier } = await session().authorizationUrl();
    const callback = await live.emulator.approve(url);
    await session({ state, codeVerifier }).fetchToken({ authorizationResponse: callback });
    const again = session({ state, codeVerifier }).fetchToken({ authorizationResponse: callback });
    await expect(again).rejects.toBeInstanceOf(InvalidGrantError);
    await expect(again).rejects.toMatchObject({ status: 403 });
  });

  it('revokeToken(): the refresh token is what is revoked; the access token lives until it expires', async () => {
    const s = await signIn();
    const token = s.token!;
    await s.revokeToken();
    const sent = live.emulator.http.requests.revoke[0]!;
    expect(sent.form.get('token')).toBe(token.refresh_token);
    expect(sent.form.get('token_type_hint')).toBe('refresh_token');
    const stale = session({ token });
    expect((await stale.fetch(...userRequest(live.emulator.preset))).status).toBe(200);
    await expect(stale.refreshToken()).rejects.toBeInstanceOf(InvalidGrantError);
  });
});
