/**
 * The Cognito preset against an emulation of an Amazon Cognito user pool's documented
 * endpoints: the domain's `/oauth2/*`, the `cognito-idp` issuer, Basic for clients with a
 * secret, refresh answers without a refresh token, revocation of refresh tokens only.
 */
import { decodeJwt } from 'jose';
import { cognitoProvider } from 'oauth2-session/providers';
import { describe, expect, it } from 'vitest';
import { COGNITO_USER, startCognito } from '../harness/emulators/cognito.js';
import { contractEmulator, eachEmulator, REGISTERED } from './emulated.js';
import { presetContract } from './preset-contract.js';

async function start(rotation = false) {
  const emulator = await startCognito([REGISTERED], { rotation });
  const { origin } = emulator.http;
  const preset = cognitoProvider({
    domain: origin,
    region: 'us-east-1',
    userPoolId: emulator.pool,
    idpUrl: origin,
  });
  return contractEmulator(emulator, preset, { sub: COGNITO_USER.sub });
}

const shipped = cognitoProvider({
  domain: 'acme.auth.us-east-1.amazoncognito.com',
  region: 'us-east-1',
  userPoolId: 'us-east-1_EXAMPLE',
});
presetContract('cognito', { preset: shipped, refresh: true, start: () => start() });
presetContract('cognito (refresh token rotation)', {
  preset: shipped,
  refresh: true,
  start: () => start(true),
});

describe('cognitoProvider: what the contract does not see', () => {
  const live = eachEmulator(start);
  const { session, signIn } = live;

  it('cognitoProvider(): endpoints on the domain, the issuer and keys on cognito-idp', () => {
    expect(shipped.server.token_endpoint).toBe(
      'https://acme.auth.us-east-1.amazoncognito.com/oauth2/token',
    );
    expect(shipped.server.issuer).toBe(
      'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_EXAMPLE',
    );
    expect(shipped.server.jwks_uri).toBe(
      'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_EXAMPLE/.well-known/jwks.json',
    );
    expect(shipped.user?.url).toBe('https://acme.auth.us-east-1.amazoncognito.com/oauth2/userInfo');
    expect(() => cognitoProvider({ domain: 'x.example', region: '', userPoolId: 'p' })).toThrow(
      expect.objectContaining({ code: 'ERR_MISSING_OPTION' }),
    );
  });

  it('fetchToken(): Basic for a client with a secret (the body is refused); an ID token from the pool', async () => {
    const s = await signIn();
    expect(live.emulator.http.requests.token[0]?.headers.get('authorization')).toMatch(/^Basic /);
    expect(decodeJwt(s.token!.id_token!)).toMatchObject({
      iss: live.emulator.preset.server.issuer,
    });
    const { url, state, codeVerifier } = await session().authorizationUrl();
    const post = session({ state, codeVerifier, clientAuth: 'client_secret_post' });
    await expect(
      post.fetchToken({ authorizationResponse: await live.emulator.approve(url) }),
    ).rejects.toMatchObject({ error: 'invalid_client' });
  });

  it('refreshToken(): the answer has no refresh token, and the session keeps the one it has', async () => {
    const s = await signIn();
    const first = s.token!;
    const renewed = await s.refreshToken();
    expect(live.emulator.http.requests.token.length).toBe(2);
    expect(renewed.refresh_token).toBe(first.refresh_token);
    expect(renewed.id_token).toEqual(expect.any(String));
  });

  it('revokeToken(): the refresh token is revoked; an access token is not a token Cognito revokes', async () => {
    const s = await signIn();
    const token = s.token!;
    const access = session({ token });
    await expect(
      access.revokeToken(undefined, { tokenTypeHint: 'access_token' }),
    ).rejects.toMatchObject({
      error: 'unsupported_token_type',
    });
    await s.revokeToken();
    expect(live.emulator.http.requests.revoke.at(-1)?.form.get('token')).toBe(token.refresh_token);
  });
});
