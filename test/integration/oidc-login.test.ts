/**
 * OpenIDSession against a real OpenID Provider (node-oidc-provider on loopback), configured
 * from discovery alone: ID tokens signed with each algorithm a client can register, pairwise
 * subjects, and the ID token a refresh answers.
 */
import type { AuthorizationServer } from 'oauth2-session';
import {
  discover,
  IdTokenError,
  type KeySource,
  OpenIDSession,
  type OpenIDSessionOptions,
  RemoteJwks,
} from 'oauth2-session/oidc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  completeLogin,
  type HarnessClient,
  type OidcProviderHandle,
  REDIRECT_URI,
  type SigningAlg,
  startOidcProvider,
} from '../harness/oidc-provider.js';

const ALGS: SigningAlg[] = ['RS256', 'ES256', 'PS256', 'EdDSA'];

function algClient(alg: SigningAlg): HarnessClient {
  return {
    client_id: `${alg.toLowerCase()}-client`,
    client_secret: `${alg.toLowerCase()}-client-secret`,
    token_endpoint_auth_method: 'client_secret_basic',
    id_token_signed_response_alg: alg,
  };
}

// The sector of a pairwise client is its redirect URI's host, port included.
function pairwiseClient(id: string, port: number): HarnessClient {
  return {
    client_id: id,
    client_secret: `${id}-secret`,
    token_endpoint_auth_method: 'client_secret_post',
    subject_type: 'pairwise',
    redirect_uris: [`http://127.0.0.1:${port}/callback`],
  };
}

const pairwiseA = pairwiseClient('pairwise-a', 9);
const pairwiseB = pairwiseClient('pairwise-b', 10);

let op: OidcProviderHandle;
let server: AuthorizationServer;

beforeAll(async () => {
  op = await startOidcProvider({
    signingAlgs: ALGS,
    pairwise: true,
    accessTokenTtl: 300,
    clients: [...ALGS.map(algClient), pairwiseA, pairwiseB],
  });
  server = await discover(op.issuer);
});
afterAll(async () => {
  await op?.close();
});

function sessionOptions(c: HarnessClient): OpenIDSessionOptions {
  return {
    clientId: c.client_id,
    clientSecret: c.client_secret,
    clientAuth: c.token_endpoint_auth_method,
    redirectUri: c.redirect_uris?.[0] ?? REDIRECT_URI,
    server,
    idTokenSignedResponseAlg: c.id_token_signed_response_alg,
  };
}

/**
 * The browser part of the code flow; answers the callback session (state, verifier and nonce
 * kept, as a web app would restore them) with the callback URL, and the nonce sent.
 */
async function authorize(c: HarnessClient, extra: Partial<OpenIDSessionOptions> = {}) {
  const options = { ...sessionOptions(c), ...extra };
  const { url, state, codeVerifier, nonce } = await new OpenIDSession(options).authorizationUrl();
  const callback = await completeLogin(url, { redirectUri: options.redirectUri });
  const rp = new OpenIDSession({ ...options, state, codeVerifier, nonce });
  return { rp, callback, nonce };
}

async function login(c: HarnessClient, extra: Partial<OpenIDSessionOptions> = {}) {
  const { rp, callback, nonce } = await authorize(c, extra);
  await rp.fetchToken({ authorizationResponse: callback });
  return { rp, nonce };
}

function headerOf(jwt: string): { alg?: string | undefined; kid?: string | undefined } {
  return JSON.parse(Buffer.from(jwt.split('.')[0] ?? '', 'base64url').toString('utf8'));
}

describe.each(ALGS)('OpenIDSession with ID tokens signed %s', (alg) => {
  const c = algClient(alg);

  it('OpenIDSession.fetchToken verifies the ID token; userinfo() answers the same sub', async () => {
    const { rp, nonce } = await login(c);
    const idToken = rp.token?.id_token;
    expect(typeof idToken).toBe('string');
    expect(headerOf(idToken as string).alg).toBe(alg);
    const claims = rp.idTokenClaims;
    expect(claims?.iss).toBe(op.issuer);
    expect(claims?.sub).toBe('alice');
    expect([claims?.aud].flat()).toContain(c.client_id);
    expect(claims?.nonce).toBe(nonce);
    const me = await rp.userinfo();
    expect(me.sub).toBe(claims?.sub);
  });

  it('OpenIDSession.fetchToken refuses it with check alg when the session expects another algorithm, and keeps no token', async () => {
    const other = ALGS[(ALGS.indexOf(alg) + 1) % ALGS.length];
    const { rp, callback } = await authorize(c, { idTokenSignedResponseAlg: other });
    const error = await rp.fetchToken({ authorizationResponse: callback }).catch((e) => e);
    expect(error).toBeInstanceOf(IdTokenError);
    expect((error as IdTokenError).check).toBe('alg');
    expect((error as IdTokenError).message).not.toContain('eyJ');
    expect(rp.token).toBeUndefined();
    expect(rp.idTokenClaims).toBeUndefined();
    expect(rp.authorized).toBe(false);
  });
});

describe('OpenIDSession with pairwise subjects', () => {
  it('OpenIDSession.idTokenClaims.sub differs between two sectors for one user; each userinfo sub matches its own ID token', async () => {
    const a = (await login(pairwiseA)).rp;
    const b = (await login(pairwiseB)).rp;
    const subA = a.idTokenClaims?.sub;
    const subB = b.idTokenClaims?.sub;
    expect(subA).toMatch(/^[0-9a-f]{64}$/);
    expect(subB).toMatch(/^[0-9a-f]{64}$/);
    expect(subA).not.toBe(subB);
    expect(subA).not.toBe('alice');
    expect((await a.userinfo()).sub).toBe(subA);
    expect((await b.userinfo()).sub).toBe(subB);
  });

  it('OpenIDSession.idTokenClaims.sub is stable: a second login of the same user in the same sector answers the same sub', async () => {
    const first = (await login(pairwiseA)).rp.idTokenClaims?.sub;
    const second = (await login(pairwiseA)).rp.idTokenClaims?.sub;
    expect(first).toEqual(expect.any(String));
    expect(second).toBe(first);
  });
});

/** The keys of a provider, counting each key lookup (one per ID token verified). */
function countingKeys(): { keys: KeySource; lookups: () => number } {
  const remote = new RemoteJwks(server.jwks_uri as string);
  let lookups = 0;
  return {
    keys: {
      getKey: (header, token) => {
        lookups += 1;
        return remote.getKey(header, token);
      },
    },
    lookups: () => lookups,
  };
}

describe('OpenIDSession.refreshToken with a new ID token', () => {
  it('OpenIDSession.refreshToken verifies the new ID token and updates idTokenClaims (new iat, same sub)', async () => {
    const counter = countingKeys();
    const c = algClient('ES256');
    const { rp } = await login(c, { jwks: counter.keys });
    const before = rp.idTokenClaims;
    const firstIdToken = rp.token?.id_token;
    expect(counter.lookups()).toBe(1);
    // iat has a resolution of one second.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const refreshed = await rp.refreshToken();
    expect(refreshed.id_token).toEqual(expect.any(String));
    expect(refreshed.id_token).not.toBe(firstIdToken);
    expect(counter.lookups()).toBe(2);
    const after = rp.idTokenClaims;
    expect(after).not.toBe(before);
    expect(after?.sub).toBe(before?.sub);
    expect(after?.iss).toBe(op.issuer);
    expect(after?.iat).toBeGreaterThan(before?.iat as number);
    expect(after?.auth_time).toBe(before?.auth_time);
    expect((await rp.userinfo()).sub).toBe(after?.sub);
  });
});
