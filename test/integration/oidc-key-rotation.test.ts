/**
 * OpenIDSession across a signing key rotation at a real OpenID Provider (node-oidc-provider on
 * loopback, restarted on the same issuer with a new key, the old one gone). The provider's
 * count of JWK Set requests is the oracle for the cache's refetches.
 */
import type { AuthorizationServer } from 'oauth2-session';
import {
  discover,
  IdTokenError,
  OpenIDSession,
  type OpenIDSessionOptions,
  RemoteJwks,
  validateIdToken,
} from 'oauth2-session/oidc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  completeLogin,
  defaultClients,
  type OidcProviderHandle,
  REDIRECT_URI,
  startOidcProvider,
} from '../harness/oidc-provider.js';

const client = defaultClients[1]!;

let op: OidcProviderHandle;
let server: AuthorizationServer;

beforeAll(async () => {
  op = await startOidcProvider({ accessTokenTtl: 300 });
  server = await discover(op.issuer);
});
afterAll(async () => {
  await op?.close();
});

async function authorize(jwks: RemoteJwks) {
  const options: OpenIDSessionOptions = {
    clientId: client.client_id,
    clientSecret: client.client_secret,
    clientAuth: client.token_endpoint_auth_method,
    redirectUri: REDIRECT_URI,
    server,
    jwks,
  };
  const { url, state, codeVerifier, nonce } = await new OpenIDSession(options).authorizationUrl();
  const callback = await completeLogin(url);
  const rp = new OpenIDSession({ ...options, state, codeVerifier, nonce });
  return { rp, callback };
}

async function login(jwks: RemoteJwks): Promise<OpenIDSession> {
  const { rp, callback } = await authorize(jwks);
  await rp.fetchToken({ authorizationResponse: callback });
  return rp;
}

function kidOf(jwt: string | undefined): string | undefined {
  const header = JSON.parse(Buffer.from(jwt?.split('.')[0] ?? '', 'base64url').toString('utf8'));
  return (header as { kid?: string | undefined }).kid;
}

async function servedKids(): Promise<string[]> {
  const set = (await (await fetch(op.jwksUrl)).json()) as { keys: { kid: string }[] };
  return set.keys.map((k) => k.kid);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('RemoteJwks shared by OpenIDSessions across a key rotation', () => {
  it('RemoteJwks refetches once on the unknown kid after the cooldown, and refuses it within the cooldown without a request', async () => {
    const fast = new RemoteJwks(server.jwks_uri as string, { cooldownMs: 50 });
    const slow = new RemoteJwks(server.jwks_uri as string, { cooldownMs: 60_000 });
    op.resetCounts();

    const [oldKid] = op.kids();
    const a = await login(fast);
    const b = await login(slow);
    expect(kidOf(a.token?.id_token)).toBe(oldKid);
    expect(kidOf(b.token?.id_token)).toBe(oldKid);
    expect(op.counts.jwks).toBe(2);

    await op.rotateKeys();
    const [newKid] = op.kids();
    expect(newKid).not.toBe(oldKid);
    const served = await servedKids();
    expect(served).toEqual([newKid]);
    const afterRotation = op.counts.jwks ?? 0;
    await sleep(100);

    // Within its cooldown, the unknown kid costs the provider nothing and is refused.
    const refused = await authorize(slow);
    const error = await refused.rp
      .fetchToken({ authorizationResponse: refused.callback })
      .catch((e) => e);
    expect(error).toBeInstanceOf(IdTokenError);
    expect((error as IdTokenError).check).toBe('kid');
    expect(refused.rp.token).toBeUndefined();
    expect(op.counts.jwks).toBe(afterRotation);

    // After the cooldown: one refetch finds the new key.
    const c = await login(fast);
    expect(kidOf(c.token?.id_token)).toBe(newKid);
    expect(c.idTokenClaims?.sub).toBe('alice');
    expect(op.counts.jwks).toBe(afterRotation + 1);

    // The new set is cached: a further login with another session makes no request.
    const d = await login(fast);
    expect(d.idTokenClaims?.sub).toBe('alice');
    expect(op.counts.jwks).toBe(afterRotation + 1);
  });

  it('RemoteJwks: concurrent verifications of a token signed with a new key all wait for the one refetch (regression: all but the first were refused with check kid)', async () => {
    const shared = new RemoteJwks(server.jwks_uri as string, { cooldownMs: 50 });
    await login(shared);
    await op.rotateKeys();
    // A token signed with the new key, obtained by a session with keys of its own.
    const fresh = await login(new RemoteJwks(server.jwks_uri as string));
    const idToken = fresh.token?.id_token as string;
    const expected = {
      issuer: op.issuer,
      clientId: client.client_id,
      keys: shared,
      nonce: fresh.idTokenClaims?.nonce,
    };
    await sleep(100);
    op.resetCounts();

    // The first verification starts the refetch; the others arrive while it is under way.
    const first = validateIdToken(idToken, expected);
    await new Promise((resolve) => setImmediate(resolve));
    const later = Array.from({ length: 4 }, () => validateIdToken(idToken, expected));
    const results = await Promise.allSettled([first, ...later]);
    const refused = results.filter((r) => r.status === 'rejected');
    expect(refused.map((r) => (r.reason as IdTokenError).check)).toEqual([]);
    expect(results.map((r) => r.status === 'fulfilled' && r.value.sub)).toEqual(
      Array(5).fill('alice'),
    );
    expect(op.counts.jwks).toBe(1);
  });
});
