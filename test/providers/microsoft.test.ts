/**
 * The Microsoft preset against an emulation of the Microsoft identity platform's documented v2.0
 * endpoints and Microsoft Graph: tenants, `offline_access` (never echoed in `scope`), rotating
 * refresh tokens, `AADSTS` errors, per-tenant issuers, Graph's `/me`.
 */
import { InvalidGrantError } from 'oauth2-session';
import { OpenIDSession } from 'oauth2-session/oidc';
import { microsoft, microsoftProvider, userRequest } from 'oauth2-session/providers';
import { describe, expect, it, vi } from 'vitest';
import {
  MICROSOFT_TENANT,
  MICROSOFT_USER,
  startMicrosoft,
} from '../harness/emulators/microsoft.js';
import { CLIENT, contractEmulator, eachEmulator, REGISTERED } from './emulated.js';
import { presetContract } from './preset-contract.js';

async function start(tenant?: string) {
  const emulator = await startMicrosoft([REGISTERED]);
  const origin = emulator.http.origin;
  const preset = microsoftProvider({ baseUrl: origin, graphUrl: origin, tenant });
  return contractEmulator(emulator, preset, { id: MICROSOFT_USER.id, mail: MICROSOFT_USER.mail });
}

presetContract('microsoft (common)', { preset: microsoft, refresh: true, start: () => start() });
presetContract('microsoft (one directory)', {
  preset: microsoftProvider({ tenant: MICROSOFT_TENANT.id }),
  refresh: true,
  start: () => start(MICROSOFT_TENANT.id),
});

describe('microsoftProvider: what the contract does not see', () => {
  const live = eachEmulator(start);
  const { session, signIn } = live;

  it('microsoftProvider({ tenant }): the endpoints under the tenant, an issuer only where one directory signs', () => {
    expect(microsoft.server).toMatchObject({
      authorization_endpoint: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
      token_endpoint: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
      jwks_uri: 'https://login.microsoftonline.com/common/discovery/v2.0/keys',
      userinfo_endpoint: 'https://graph.microsoft.com/oidc/userinfo',
      end_session_endpoint: 'https://login.microsoftonline.com/common/oauth2/v2.0/logout',
    });
    expect(microsoft.user?.url).toBe('https://graph.microsoft.com/v1.0/me');
    const issuer = (tenant: string) => microsoftProvider({ tenant }).server.issuer;
    expect(issuer('common')).toBeUndefined();
    expect(issuer('organizations')).toBeUndefined();
    expect(issuer('contoso.onmicrosoft.com')).toBeUndefined();
    expect(issuer('consumers')).toBe(
      'https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0',
    );
    expect(issuer('4A7C2D9E-3B1F-4E8A-9C6D-2F5B8E1A7C3D')).toBe(
      `https://login.microsoftonline.com/${MICROSOFT_TENANT.id}/v2.0`,
    );
    const usGov = microsoftProvider({
      tenant: 'organizations',
      baseUrl: 'https://login.microsoftonline.us/',
      graphUrl: 'https://graph.microsoft.us',
    });
    expect(usGov.server.token_endpoint).toBe(
      'https://login.microsoftonline.us/organizations/oauth2/v2.0/token',
    );
    expect(usGov.user?.url).toBe('https://graph.microsoft.us/v1.0/me');
  });

  it('fetchToken(): offline_access is missing from the answer’s scope, read as granted with the refresh token', async () => {
    const onScopeChanged = vi.fn();
    const s = await signIn({ onScopeChanged });
    expect(live.emulator.http.requests.token[0]?.headers.get('authorization')).toMatch(/^Basic /);
    expect(s.token?.refresh_token).toEqual(expect.any(String));
    expect(s.token?.scope).toEqual(['openid', 'profile', 'email', 'User.Read', 'offline_access']);
    expect(onScopeChanged).not.toHaveBeenCalled();
    await s.refreshToken();
    expect(s.token?.scope).toContain('offline_access');
    expect(onScopeChanged).not.toHaveBeenCalled();
  });

  it('without offline_access there is no refresh token, and the answer’s scope is read as is', async () => {
    const onScopeChanged = vi.fn();
    const s = await signIn({ scope: ['openid', 'User.Read'], onScopeChanged });
    expect(s.token?.refresh_token).toBeUndefined();
    expect(s.token?.scope).toEqual(['openid', 'User.Read']);
    expect(onScopeChanged).not.toHaveBeenCalled();
  });

  it('refreshToken(): the rotated refresh token replaces the old one, which is refused afterwards', async () => {
    const s = await signIn();
    const first = s.token!;
    await s.refreshToken();
    expect(s.token?.refresh_token).not.toBe(first.refresh_token);
    const stale = session({ token: first });
    const e = await stale.refreshToken().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InvalidGrantError);
    expect((e as InvalidGrantError).errorDescription).toMatch(/^AADSTS9002313:/);
  });

  it('a redeemed code is InvalidGrantError naming AADSTS54005', async () => {
    const { url, state, codeVerifier } = await session().authorizationUrl();
    const callback = await live.emulator.approve(url);
    await session({ state, codeVerifier }).fetchToken({ authorizationResponse: callback });
    const again = session({ state, codeVerifier }).fetchToken({ authorizationResponse: callback });
    await expect(again).rejects.toBeInstanceOf(InvalidGrantError);
    await expect(again).rejects.toMatchObject({
      errorDescription: expect.stringMatching(/^AADSTS54005:/),
    });
  });

  it('userRequest(microsoft): Graph /me; a bad token is a 401 without an invalid_token challenge, so no refresh is tried', async () => {
    const s = await signIn();
    expect(await (await s.fetch(...userRequest(live.emulator.preset))).json()).toMatchObject({
      userPrincipalName: MICROSOFT_USER.userPrincipalName,
    });
    const forged = session({ token: { ...s.token!, access_token: 'not-a-token' } });
    const refused = await forged.fetch(...userRequest(live.emulator.preset));
    expect(refused.status).toBe(401);
    expect(live.emulator.http.counts.token).toBe(1);
  });

  it('OpenIDSession: verifies the ID token with a directory’s preset; the common tenant has no issuer to verify against', async () => {
    const origin = live.emulator.http.origin;
    const preset = microsoftProvider({
      baseUrl: origin,
      graphUrl: origin,
      tenant: MICROSOFT_TENANT.id,
    });
    const rp = (extra: Record<string, unknown> = {}) =>
      new OpenIDSession({ ...CLIENT, provider: preset, server: preset.server, ...extra });
    const { url, state, codeVerifier, nonce } = await rp().authorizationUrl();
    const cb = rp({ state, codeVerifier, nonce });
    await cb.fetchToken({ authorizationResponse: await live.emulator.approve(url) });
    expect(cb.idTokenClaims).toMatchObject({ tid: MICROSOFT_TENANT.id, oid: MICROSOFT_USER.id });
    expect(await cb.userinfo()).toMatchObject({ email: MICROSOFT_USER.mail });
    expect(
      () =>
        new OpenIDSession({
          ...CLIENT,
          provider: live.emulator.preset,
          server: live.emulator.preset.server,
        }),
    ).toThrow(/issuer/);
  });

  it('an unknown tenant is refused at the authorization endpoint', async () => {
    const origin = live.emulator.http.origin;
    const p = microsoftProvider({ baseUrl: origin, graphUrl: origin, tenant: 'fabrikam.example' });
    const { url } = await session({ provider: p }).authorizationUrl();
    await expect(live.emulator.approve(url)).rejects.toThrow(/AADSTS90002/);
  });
});
