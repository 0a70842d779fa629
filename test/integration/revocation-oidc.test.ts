/**
 * OAuth2Session.revokeToken (RFC 7009) against node-oidc-provider's real revocation endpoint:
 * the revoked token stops working at the provider, and the session forgets it.
 */
import {
  InvalidClientError,
  InvalidGrantError,
  type OAuth2SessionOptions,
  type Token,
} from 'oauth2-session';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clientSession,
  completeLogin,
  defaultClients,
  type OidcProviderHandle,
  startOidcProvider,
} from '../harness/oidc-provider.js';

let op: OidcProviderHandle;
beforeAll(async () => {
  op = await startOidcProvider({ accessTokenTtl: 300 });
});
afterAll(async () => {
  await op?.close();
});

const basic = defaultClients.find((c) => c.client_id === 'basic-client')!;

const sessionFor = (extra: Partial<OAuth2SessionOptions> = {}) => clientSession(basic, extra);

async function freshToken(): Promise<Token> {
  const start = sessionFor();
  const { url } = await start.authorizationUrl(op.authorizeUrl);
  return start.fetchToken(op.tokenUrl, { authorizationResponse: await completeLogin(url) });
}

async function userinfoStatus(token: Token): Promise<number> {
  const response = await sessionFor({ token }).get(op.userinfoUrl);
  await response.body?.cancel();
  return response.status;
}

describe('OAuth2Session.revokeToken against node-oidc-provider', () => {
  it('revokes the refresh token by default: the grant ends, refresh and userinfo are refused', async () => {
    const token = await freshToken();
    expect(await userinfoStatus(token)).toBe(200);
    const session = sessionFor({ token });
    const before = op.counts.revocation ?? 0;
    await session.revokeToken(op.revocationUrl);
    expect(op.counts.revocation).toBe(before + 1);
    expect(session.token).toBeUndefined();
    // node-oidc-provider ends the whole grant when its refresh token is revoked (RFC 7009 2.1).
    await expect(sessionFor({ token }).refreshToken(op.tokenUrl)).rejects.toBeInstanceOf(
      InvalidGrantError,
    );
    expect(await userinfoStatus(token)).toBe(401);
  });

  it('revokes the access token when asked: userinfo refuses it', async () => {
    const token = await freshToken();
    await sessionFor({ token }).revokeToken(op.revocationUrl, { tokenTypeHint: 'access_token' });
    expect(await userinfoStatus(token)).toBe(401);
  });

  it('revoking a token the server no longer knows is not an error (RFC 7009 2.2)', async () => {
    const token = await freshToken();
    await sessionFor({ token }).revokeToken(op.revocationUrl);
    await expect(sessionFor({ token }).revokeToken(op.revocationUrl)).resolves.toBeUndefined();
  });

  it('a wrong client secret is InvalidClientError and the session keeps its token', async () => {
    const token = await freshToken();
    const session = sessionFor({ token, clientSecret: 'wrong-secret' });
    await expect(session.revokeToken(op.revocationUrl)).rejects.toBeInstanceOf(InvalidClientError);
    expect(session.token).toEqual(token);
    expect(await userinfoStatus(token)).toBe(200);
  });
});
