/**
 * The Keycloak preset against an emulation of a Keycloak realm's documented OpenID Connect
 * endpoints: `/realms/{realm}/protocol/openid-connect/`, refresh tokens in every answer (single
 * use with "Revoke Refresh Token" on), RFC 7009 revocation, userinfo that needs `openid`.
 */
import { decodeJwt } from 'jose';
import { InvalidClientError, OAuth2Session } from 'oauth2-session';
import { keycloakProvider, userRequest } from 'oauth2-session/providers';
import { describe, expect, it } from 'vitest';
import { KEYCLOAK_USER, startKeycloak } from '../harness/emulators/keycloak.js';
import { CLIENT, contractEmulator, eachEmulator, REGISTERED } from './emulated.js';
import { presetContract } from './preset-contract.js';

async function start() {
  const emulator = await startKeycloak([REGISTERED], 'acme');
  const preset = keycloakProvider({ baseUrl: emulator.http.origin, realm: 'acme' });
  return contractEmulator(emulator, preset, { sub: KEYCLOAK_USER.sub });
}

const shipped = keycloakProvider({ baseUrl: 'https://sso.example.com', realm: 'acme' });
presetContract('keycloak', { preset: shipped, refresh: true, start });

describe('keycloakProvider: what the contract does not see', () => {
  const live = eachEmulator(start);
  const { session, signIn } = live;

  it('keycloakProvider({ baseUrl, realm }): the realm issuer and its openid-connect endpoints, /auth kept', () => {
    const old = keycloakProvider({ baseUrl: 'https://sso.example.com/auth/', realm: 'master' });
    expect(old.server.issuer).toBe('https://sso.example.com/auth/realms/master');
    expect(old.server.token_endpoint).toBe(
      'https://sso.example.com/auth/realms/master/protocol/openid-connect/token',
    );
    expect(shipped.server.end_session_endpoint).toBe(
      'https://sso.example.com/realms/acme/protocol/openid-connect/logout',
    );
    expect(() => keycloakProvider({ baseUrl: 'https://sso.example.com', realm: '' })).toThrow(
      expect.objectContaining({ code: 'ERR_MISSING_OPTION' }),
    );
  });

  it('fetchToken(): Keycloak fields kept as sent, an ID token from the realm', async () => {
    const s = await signIn();
    expect(s.token).toMatchObject({
      refresh_expires_in: 1800,
      'not-before-policy': 0,
      session_state: expect.any(String),
    });
    expect(decodeJwt(s.token!.id_token!)).toMatchObject({
      iss: live.emulator.preset.server.issuer,
      azp: CLIENT.clientId,
    });
  });

  it('refreshToken(): with "Revoke Refresh Token" on, the old refresh token is spent', async () => {
    const s = await signIn();
    const first = s.token!;
    await s.refreshToken();
    expect(s.token?.refresh_token).not.toBe(first.refresh_token);
    await expect(session({ token: first }).refreshToken()).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it("fetchToken(): Keycloak's 401 unauthorized_client for a wrong secret is an InvalidClientError; without the hook it is not", async () => {
    const { url, state, codeVerifier } = await session().authorizationUrl();
    const callback = await live.emulator.approve(url);
    const wrong = session({ state, codeVerifier, clientSecret: 'not-the-secret' });
    const e = await wrong.fetchToken({ authorizationResponse: callback }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InvalidClientError);
    expect(e).toMatchObject({ status: 401 });
    const { url: u2, state: s2, codeVerifier: v2 } = await session().authorizationUrl();
    const bare = new OAuth2Session({
      ...CLIENT,
      clientSecret: 'not-the-secret',
      server: live.emulator.preset.server,
      state: s2,
      codeVerifier: v2,
    });
    const raw = await bare
      .fetchToken({ authorizationResponse: await live.emulator.approve(u2) })
      .catch((x: unknown) => x);
    expect(raw).not.toBeInstanceOf(InvalidClientError);
    expect(raw).toMatchObject({ error: 'unauthorized_client' });
  });

  it('userRequest(): userinfo needs the openid scope, which the default scopes carry', async () => {
    const s = await signIn({ scope: ['profile'] });
    const res = await s.fetch(...userRequest(live.emulator.preset));
    expect(res.status).toBe(403);
    expect(live.emulator.preset.scope).toContain('openid');
  });
});
