import { createHash } from 'node:crypto';
import { createLocalJWKSet, type JSONWebKeySet, type JWTPayload, jwtVerify } from 'jose';
import type { DevProvider, DevUser } from 'oauth2-session/dev-provider';
import { authorizeAndApprove, CLIENT, pkcePair, tokenRequest } from './helpers.js';

/** The test app, registered for RP-Initiated Logout too. */
export const OIDC_CLIENT = {
  ...CLIENT,
  postLogoutRedirectUris: ['http://127.0.0.1:5999/logged-out'],
};
export const LOGGED_OUT = OIDC_CLIENT.postLogoutRedirectUris[0]!;

export const ALICE: DevUser = {
  login: 'alice',
  id: 7,
  name: 'Alice Liddell',
  email: 'alice@example.test',
  avatar_url: 'https://example.test/alice.png',
};

/** A controllable clock for the provider, in milliseconds. */
export function testClock(start = Date.UTC(2026, 0, 1)) {
  const clock = { now: start, read: () => clock.now };
  return clock;
}

/** The provider's discovery document. */
export async function discovery(provider: DevProvider): Promise<Record<string, unknown>> {
  const res = await fetch(`${provider.origin}/.well-known/openid-configuration`);
  if (res.status !== 200) throw new Error(`discovery answered ${res.status}`);
  return (await res.json()) as Record<string, unknown>;
}

/** The JWKS the discovery document points at. */
export async function publishedJwks(provider: DevProvider): Promise<JSONWebKeySet> {
  const res = await fetch((await discovery(provider)).jwks_uri as string);
  return (await res.json()) as JSONWebKeySet;
}

/** Verifies an ID token against the provider's published JWKS, issuer and the test client. */
export async function verifyIdToken(
  provider: DevProvider,
  idToken: string,
  at: number,
): Promise<{ payload: JWTPayload; header: Record<string, unknown> }> {
  const keys = createLocalJWKSet(await publishedJwks(provider));
  const { payload, protectedHeader } = await jwtVerify(idToken, keys, {
    issuer: provider.origin,
    audience: CLIENT.clientId,
    currentDate: new Date(at),
  });
  return { payload, header: protectedHeader };
}

/** OpenID Connect Core 1.0 section 3.1.3.6, computed independently of the provider. */
export function expectedAtHash(accessToken: string, alg: string): string {
  const hash = createHash(alg === 'EdDSA' ? 'sha512' : 'sha256')
    .update(accessToken)
    .digest();
  return hash.subarray(0, hash.length / 2).toString('base64url');
}

/** Authorize with PKCE (and consent), then redeem the code; answers the callback and token fields. */
export async function oidcLogin(
  provider: DevProvider,
  params: Record<string, string> = {},
  login?: string,
): Promise<{ callback: URL; fields: Record<string, unknown> }> {
  const { verifier, challenge } = pkcePair();
  const callback = await authorizeAndApprove(
    provider,
    {
      client_id: CLIENT.clientId,
      response_type: 'code',
      scope: 'openid profile email',
      state: 'st-1',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      ...params,
    },
    login,
  );
  const code = callback.searchParams.get('code');
  if (!code) throw new Error(`no code in the callback: ${callback.search}`);
  const { fields } = await tokenRequest(
    provider,
    { grant_type: 'authorization_code', code, code_verifier: verifier },
    { json: true },
  );
  return { callback, fields };
}

/** Calls the userinfo endpoint with an Authorization header (none when undefined). */
export function getUserinfo(
  provider: DevProvider,
  authorization?: string,
  method: 'GET' | 'POST' = 'GET',
): Promise<Response> {
  const headers: Record<string, string> = {};
  if (authorization !== undefined) headers.authorization = authorization;
  return fetch(provider.oidc!.userinfoUrl, { method, headers });
}
