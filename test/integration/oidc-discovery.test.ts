/**
 * discover and MetadataCache against a real OpenID Provider (node-oidc-provider on loopback);
 * the provider's count of discovery requests is the oracle for the cache.
 */
import { discover, MetadataCache, OpenIDSession } from 'oauth2-session/oidc';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  completeLogin,
  defaultClients,
  type OidcProviderHandle,
  REDIRECT_URI,
  startOidcProvider,
} from '../harness/oidc-provider.js';

let op: OidcProviderHandle;

beforeAll(async () => {
  op = await startOidcProvider({ signingAlgs: ['RS256', 'ES256'] });
});
afterAll(async () => {
  await op?.close();
});
beforeEach(() => op.resetCounts());

describe('discover against the provider', () => {
  it("discover answers the provider's issuer, endpoints and algorithms in one request", async () => {
    const server = await discover(op.issuer);
    expect(server.issuer).toBe(op.issuer);
    expect(server.authorization_endpoint).toBe(op.authorizeUrl);
    expect(server.token_endpoint).toBe(op.tokenUrl);
    expect(server.userinfo_endpoint).toBe(op.userinfoUrl);
    expect(server.revocation_endpoint).toBe(op.revocationUrl);
    expect(server.jwks_uri).toBe(op.jwksUrl);
    expect(server.end_session_endpoint).toBe(`${op.issuer}/session/end`);
    expect(server.id_token_signing_alg_values_supported).toEqual(
      expect.arrayContaining(['RS256', 'ES256']),
    );
    expect(server.code_challenge_methods_supported).toContain('S256');
    expect(Object.isFrozen(server)).toBe(true);
    expect(op.counts.discovery).toBe(1);
  });

  it('discover answers a description an OpenIDSession logs in with, with no other URL configured', async () => {
    const c = defaultClients[0]!;
    const options = {
      clientId: c.client_id,
      clientSecret: c.client_secret,
      redirectUri: REDIRECT_URI,
      server: await discover(op.issuer),
    };
    const { url, state, codeVerifier, nonce } = await new OpenIDSession(options).authorizationUrl();
    expect(url.startsWith(`${op.authorizeUrl}?`)).toBe(true);
    const rp = new OpenIDSession({ ...options, state, codeVerifier, nonce });
    await rp.fetchToken({ authorizationResponse: await completeLogin(url) });
    expect(rp.idTokenClaims?.iss).toBe(op.issuer);
    expect(op.counts['token:authorization_code']).toBe(1);
    expect(op.counts.jwks).toBe(1);
  });
});

describe('MetadataCache against the provider', () => {
  it('MetadataCache.get shares one discovery request among 20 concurrent callers', async () => {
    const cache = new MetadataCache();
    const servers = await Promise.all(Array.from({ length: 20 }, () => cache.get(op.issuer)));
    expect(op.counts.discovery).toBe(1);
    expect(new Set(servers).size).toBe(1);
    expect(servers[0]?.token_endpoint).toBe(op.tokenUrl);
    // Fresh within the TTL: no further request.
    expect(await cache.get(op.issuer)).toBe(servers[0]);
    expect(op.counts.discovery).toBe(1);
  });

  it('MetadataCache.get asks the provider again once the TTL has passed', async () => {
    let now = 1_000_000;
    const cache = new MetadataCache({ ttlMs: 60_000, clock: () => now });
    const first = await cache.get(op.issuer);
    now += 60_000;
    const second = await cache.get(op.issuer);
    expect(second).not.toBe(first);
    expect(second.issuer).toBe(op.issuer);
    expect(op.counts.discovery).toBe(2);
  });
});
