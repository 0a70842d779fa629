/**
 * OAuth2Session against a real authorization server: node-oidc-provider on loopback, with PKCE
 * required, refresh tokens rotated on every use and short access tokens. The provider's request
 * counters are the oracle for "how many calls were made".
 */
import {
  InvalidClientError,
  InvalidGrantError,
  InvalidRequestError,
  type OAuth2Session,
  type Token,
  TokenExpiredError,
} from 'oauth2-session';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  clientSession,
  completeLogin,
  defaultClients,
  type HarnessClient,
  type OidcProviderHandle,
  startOidcProvider,
} from '../harness/oidc-provider.js';

let op: OidcProviderHandle;

beforeAll(async () => {
  op = await startOidcProvider({ accessTokenTtl: 300, clientCredentialsTtl: 600 });
});
afterAll(async () => {
  await op?.close();
});
beforeEach(() => op.resetCounts());

function client(id: string): HarnessClient {
  const found = defaultClients.find((c) => c.client_id === id);
  if (!found) throw new Error(`no harness client ${id}`);
  return found;
}

const basic = client('basic-client');
const post = client('post-client');
const publicClient = client('public-client');

const sessionFor = clientSession;

/** Runs the browser part of the code flow; answers the callback URL and what the session kept. */
async function authorize(c: HarnessClient) {
  const start = sessionFor(c);
  const { url, state, codeVerifier } = await start.authorizationUrl(op.authorizeUrl);
  const callback = await completeLogin(url);
  return { start, callback, state, codeVerifier };
}

/** Code flow through to a token, the way a web app does it (a new session in the callback). */
async function codeFlowToken(c: HarnessClient): Promise<Token> {
  const { callback, state, codeVerifier } = await authorize(c);
  const cb = sessionFor(c, { state, codeVerifier });
  return cb.fetchToken(op.tokenUrl, { authorizationResponse: callback });
}

/** A copy of the token that the client believes expired ten seconds ago. */
function expired(token: Token): Token {
  return { ...token, expires_at: Math.floor(Date.now() / 1000) - 10 };
}

async function userinfo(session: OAuth2Session): Promise<{ sub: string }> {
  const response = await session.get(op.userinfoUrl);
  expect(response.status).toBe(200);
  return (await response.json()) as { sub: string };
}

describe('authorization code flow with PKCE', () => {
  it('sends an S256 challenge and a fresh state in the authorization URL', async () => {
    const { url, state, codeVerifier } = await sessionFor(basic).authorizationUrl(op.authorizeUrl);
    const params = new URL(url).searchParams;
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(params.get('state')).toBe(state);
    expect(codeVerifier).toMatch(/^[\w.~-]{43,128}$/);
  });

  it('exchanges the code (client_secret_basic with a secret that needs encoding) and reads userinfo', async () => {
    const token = await codeFlowToken(basic);
    expect(token.token_type.toLowerCase()).toBe('bearer');
    expect(token.access_token).toEqual(expect.any(String));
    expect(token.refresh_token).toEqual(expect.any(String));
    expect(token.scope).toEqual(['openid']);
    const now = Date.now() / 1000;
    expect(token.expires_at).toBeGreaterThan(now + 290);
    expect(token.expires_at).toBeLessThanOrEqual(now + 301);

    const me = await userinfo(sessionFor(basic, { token }));
    expect(me.sub).toBe('alice');
    expect(op.counts['token:authorization_code']).toBe(1);
    expect(op.counts.userinfo).toBe(1);
  });

  it('lets the session that built the URL exchange the code itself (state and verifier kept)', async () => {
    const { start, callback } = await authorize(post);
    const token = await start.fetchToken(op.tokenUrl, { authorizationResponse: callback });
    expect(start.token).toEqual(token);
    expect(start.authorized).toBe(true);
    expect((await userinfo(start)).sub).toBe('alice');
  });

  it('works for a public client (clientAuth none, PKCE only)', async () => {
    const token = await codeFlowToken(publicClient);
    const api = sessionFor(publicClient, { token });
    expect((await userinfo(api)).sub).toBe('alice');
    const refreshed = await api.refreshToken(op.tokenUrl);
    expect(refreshed.refresh_token).not.toBe(token.refresh_token);
  });

  it('without PKCE the provider refuses the request, and the callback error becomes a typed error', async () => {
    const start = sessionFor(basic, { pkce: false });
    const { url } = await start.authorizationUrl(op.authorizeUrl);
    expect(new URL(url).searchParams.has('code_challenge')).toBe(false);
    const callback = await completeLogin(url);
    expect(new URL(callback).searchParams.get('error')).toBe('invalid_request');
    await expect(
      start.fetchToken(op.tokenUrl, { authorizationResponse: callback }),
    ).rejects.toBeInstanceOf(InvalidRequestError);
    expect(op.counts.token).toBeUndefined();
  });

  it('a reused code is invalid_grant (InvalidGrantError), and the error does not carry the code', async () => {
    const { callback, state, codeVerifier } = await authorize(basic);
    const code = new URL(callback).searchParams.get('code')!;
    await sessionFor(basic, { state, codeVerifier }).fetchToken(op.tokenUrl, {
      authorizationResponse: callback,
    });
    const again = sessionFor(basic, { state, codeVerifier }).fetchToken(op.tokenUrl, {
      authorizationResponse: callback,
    });
    const error = await again.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidGrantError);
    expect((error as InvalidGrantError).error).toBe('invalid_grant');
    expect(String((error as Error).message)).not.toContain(code);
    expect(op.counts['token:authorization_code']).toBe(2);
  });

  it.each([
    ['client_secret_basic', basic],
    ['client_secret_post', post],
  ] as const)('a wrong secret with %s is invalid_client (InvalidClientError)', async (_, c) => {
    const { callback, state, codeVerifier } = await authorize(c);
    const cb = sessionFor(c, { state, codeVerifier, clientSecret: 'not-the-secret' });
    const error = await cb
      .fetchToken(op.tokenUrl, { authorizationResponse: callback })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidClientError);
    expect((error as InvalidClientError).status).toBe(401);
    expect(String((error as Error).message)).not.toContain('not-the-secret');
  });
});

describe('refresh with rotation', () => {
  it('stores the rotated refresh token, calls onToken, and the spent one is invalid_grant', async () => {
    const first = await codeFlowToken(basic);
    const seen: Token[] = [];
    const api = sessionFor(basic, { token: first, onToken: (t: Token) => void seen.push(t) });
    const second = await api.refreshToken(op.tokenUrl);

    expect(second.refresh_token).toEqual(expect.any(String));
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.access_token).not.toBe(first.access_token);
    expect(api.token?.refresh_token).toBe(second.refresh_token);
    expect(seen.map((t) => t.access_token)).toEqual([second.access_token]);
    expect((await userinfo(api)).sub).toBe('alice');

    const stale = sessionFor(basic, { token: first });
    await expect(stale.refreshToken(op.tokenUrl)).rejects.toBeInstanceOf(InvalidGrantError);
    expect(op.counts['token:refresh_token']).toBe(2);
  });

  it('a wrong secret on refresh is invalid_client', async () => {
    const token = await codeFlowToken(post);
    const api = sessionFor(post, { token, clientSecret: 'wrong' });
    await expect(api.refreshToken(op.tokenUrl)).rejects.toBeInstanceOf(InvalidClientError);
  });
});

describe('client credentials', () => {
  it.each([
    ['client_secret_basic', basic],
    ['client_secret_post', post],
  ] as const)('gets a token with %s', async (_, c) => {
    const session = sessionFor(c, { scope: undefined, redirectUri: undefined });
    const token = await session.fetchClientCredentialsToken(op.tokenUrl);
    expect(token.access_token).toEqual(expect.any(String));
    expect(token.refresh_token).toBeUndefined();
    expect(token.expires_at).toBeGreaterThan(Date.now() / 1000);
    expect(op.counts['token:client_credentials']).toBe(1);
  });

  it('a wrong secret is invalid_client', async () => {
    const session = sessionFor(basic, { clientSecret: 'wrong', scope: undefined });
    await expect(session.fetchClientCredentialsToken(op.tokenUrl)).rejects.toBeInstanceOf(
      InvalidClientError,
    );
  });

  it('fetches a new token the same way once the first one expires (no refresh token)', async () => {
    let now = Date.now();
    const session = sessionFor(post, { scope: undefined, clock: () => now });
    const first = await session.fetchClientCredentialsToken(op.tokenUrl);
    const resource = `${op.issuer}/.well-known/openid-configuration`;
    expect((await session.get(resource)).status).toBe(200);
    expect(op.counts['token:client_credentials']).toBe(1);

    now += 3600_000;
    expect((await session.get(resource)).status).toBe(200);
    expect(op.counts['token:client_credentials']).toBe(2);
    expect(session.accessToken).not.toBe(first.access_token);
  });
});

describe('expired access tokens', () => {
  it('are refreshed before the request with autoRefreshUrl; onToken gets the new token', async () => {
    const token = await codeFlowToken(basic);
    op.resetCounts();
    const seen: Token[] = [];
    const api = sessionFor(basic, {
      token: expired(token),
      autoRefreshUrl: op.tokenUrl,
      onToken: (t: Token) => void seen.push(t),
    });
    expect((await userinfo(api)).sub).toBe('alice');
    expect(op.counts['token:refresh_token']).toBe(1);
    expect(op.counts.userinfo).toBe(1);
    expect(seen).toHaveLength(1);
    expect(api.token?.refresh_token).toBe(seen[0]!.refresh_token);
    expect(api.token?.refresh_token).not.toBe(token.refresh_token);
  });

  it('concurrent requests share one refresh (a second one would spend a rotated token)', async () => {
    const token = await codeFlowToken(basic);
    op.resetCounts();
    const seen: Token[] = [];
    const api = sessionFor(basic, {
      token: expired(token),
      autoRefreshUrl: op.tokenUrl,
      onToken: (t: Token) => void seen.push(t),
    });
    const answers = await Promise.all(Array.from({ length: 25 }, () => api.get(op.userinfoUrl)));
    expect(answers.map((r) => r.status)).toEqual(Array(25).fill(200));
    expect(op.counts['token:refresh_token']).toBe(1);
    expect(op.counts.userinfo).toBe(25);
    expect(seen).toHaveLength(1);
  });

  it('an access token the provider refuses (401 invalid_token) is refreshed once and the request retried', async () => {
    // Revoking at the provider would revoke the whole grant (refresh token included), so the
    // client holds an access token the provider never issued, next to a valid refresh token.
    const token = await codeFlowToken(post);
    op.resetCounts();
    const seen: Token[] = [];
    const api = sessionFor(post, {
      token: { ...token, access_token: 'not-issued-by-this-provider' },
      autoRefreshUrl: op.tokenUrl,
      onToken: (t: Token) => void seen.push(t),
    });
    expect((await userinfo(api)).sub).toBe('alice');
    expect(op.counts.userinfo).toBe(2);
    expect(op.counts['token:refresh_token']).toBe(1);
    expect(seen).toHaveLength(1);
  });

  it('a real short-lived token (TTL under the leeway) is refreshed before use', async () => {
    const shortLived = await startOidcProvider({ accessTokenTtl: 5 });
    try {
      const start = sessionFor(basic);
      const { url } = await start.authorizationUrl(shortLived.authorizeUrl);
      const token = await start.fetchToken(shortLived.tokenUrl, {
        authorizationResponse: await completeLogin(url),
      });
      expect(token.expires_in).toBe(5);
      const api = sessionFor(basic, { token, autoRefreshUrl: shortLived.tokenUrl });
      const response = await api.get(shortLived.userinfoUrl);
      expect(response.status).toBe(200);
      expect(shortLived.counts['token:refresh_token']).toBe(1);
    } finally {
      await shortLived.close();
    }
  });

  it('without autoRefreshUrl give TokenExpiredError and send nothing', async () => {
    const token = await codeFlowToken(basic);
    op.resetCounts();
    const api = sessionFor(basic, { token: expired(token) });
    await expect(api.get(op.userinfoUrl)).rejects.toBeInstanceOf(TokenExpiredError);
    expect(op.counts).toEqual({});
  });

  it('a refresh that fails with invalid_grant surfaces once and is not retried', async () => {
    const token = await codeFlowToken(basic);
    await sessionFor(basic, { token }).refreshToken(op.tokenUrl); // spends token.refresh_token
    op.resetCounts();
    const api = sessionFor(basic, { token: expired(token), autoRefreshUrl: op.tokenUrl });
    await expect(api.get(op.userinfoUrl)).rejects.toBeInstanceOf(InvalidGrantError);
    expect(op.counts['token:refresh_token']).toBe(1);
    expect(op.counts.userinfo).toBeUndefined();
  });
});
