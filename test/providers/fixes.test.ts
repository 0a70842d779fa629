/**
 * `fixes.*`: requests-oauthlib's compliance fixes as hooks for any session, for providers without
 * a preset here (douban, ebay, instagram, plentymarkets, weibo) and for sessions built without
 * the preset (facebook, fitbit, mailchimp, slack), each shown against a small canned answer: the
 * quirk without the fix, then with it.
 */
import {
  InvalidClientError,
  InvalidGrantError,
  OAuth2Error,
  OAuth2Session,
  type Token,
} from 'oauth2-session';
import { fixes } from 'oauth2-session/providers';
import { describe, expect, it } from 'vitest';

const TOKEN_URL = 'https://provider.example/oauth/token';
const CLIENT = { clientId: 'app', clientSecret: 's', redirectUri: 'https://app.example/cb' };

/** A `fetch` that answers every request with `body` and records the requests. */
function canned(body: unknown) {
  const sent: { url: string; headers: Headers }[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    sent.push({ url: String(input), headers: new Headers(init?.headers) });
    return Response.json(body);
  };
  return { fetch, sent };
}

async function exchange(body: unknown, hooks?: (typeof fixes)[keyof typeof fixes]) {
  const { fetch } = canned(body);
  const session = new OAuth2Session({ ...CLIENT, fetch, pkce: false, ...(hooks ? { hooks } : {}) });
  return session.fetchToken(TOKEN_URL, { code: 'c' });
}

const signedIn = (hooks: (typeof fixes)[keyof typeof fixes], body: unknown = { ok: true }) => {
  const { fetch, sent } = canned(body);
  const token: Token = { access_token: 'at-1', token_type: 'Bearer' };
  return { session: new OAuth2Session({ ...CLIENT, fetch, token, hooks }), sent };
};

describe('fixes.douban', () => {
  const answer = { access_token: 'a', expires_in: 3600, refresh_token: 'r', douban_user_id: '1' };

  it('fixes.douban: the answer has no token_type; the fix states Bearer in its fields, which later hooks see', async () => {
    const seen: unknown[] = [];
    const observe = (fields: Record<string, unknown>) => void seen.push(fields['token_type']);
    await exchange(answer, { 'token.parsed': observe });
    const token = await exchange(answer, {
      'token.parsed': [...[fixes.douban['token.parsed']!].flat(), observe],
    });
    expect(seen).toEqual([undefined, 'Bearer']);
    // The core itself reads a missing token_type as Bearer, as requests-oauthlib's fix does.
    expect(token).toMatchObject({ access_token: 'a', token_type: 'Bearer', douban_user_id: '1' });
  });

  it('fixes.douban: a token_type that is there is left as it is', async () => {
    const token = await exchange({ ...answer, token_type: 'bearer' }, fixes.douban);
    expect(token.token_type).toBe('bearer');
  });
});

describe('fixes.ebay', () => {
  it('fixes.ebay: "User Access Token" is refused without the fix, Bearer with it', async () => {
    const answer = { access_token: 'v^1.1#i^1', expires_in: 7200, token_type: 'User Access Token' };
    await expect(exchange(answer)).rejects.toThrow();
    expect((await exchange(answer, fixes.ebay)).token_type).toBe('Bearer');
    const app = { ...answer, token_type: 'Application Access Token' };
    expect((await exchange(app, fixes.ebay)).token_type).toBe('Bearer');
  });
});

describe('fixes.plentymarkets', () => {
  it('fixes.plentymarkets: a camelCase answer has no access_token without the fix; read under RFC names with it', async () => {
    const answer = { tokenType: 'Bearer', expiresIn: 86400, accessToken: 'a', refreshToken: 'r' };
    await expect(exchange(answer)).rejects.toThrow();
    const token = await exchange(answer, fixes.plentymarkets);
    expect(token).toMatchObject({ access_token: 'a', token_type: 'Bearer', refresh_token: 'r' });
    expect(token.expires_at).toEqual(expect.any(Number));
    expect(token).not.toHaveProperty('accessToken');
  });
});

describe('fixes.weibo', () => {
  it('fixes.weibo: a token answer without token_type is stated Bearer in its fields', async () => {
    const answer = { access_token: 'a', expires_in: 157679999, remind_in: '157679999', uid: '1' };
    const seen: unknown[] = [];
    const observe = (fields: Record<string, unknown>) => void seen.push(fields['token_type']);
    const fix = [fixes.weibo['token.parsed']!].flat();
    const token = await exchange(answer, { 'token.parsed': [...fix, observe] });
    expect(seen).toEqual(['Bearer']);
    expect(token).toMatchObject({ token_type: 'Bearer', uid: '1' });
  });

  it('fixes.weibo: the token as access_token in the query on api.weibo.com only', async () => {
    const { session, sent } = signedIn(fixes.weibo);
    await session.get('https://api.weibo.com/2/users/show.json?uid=1');
    expect(new URL(sent[0]!.url).searchParams.get('access_token')).toBe('at-1');
    expect(new URL(sent[0]!.url).searchParams.get('uid')).toBe('1');
    await session.get('https://elsewhere.example/2/users/show.json');
    expect(new URL(sent[1]!.url).searchParams.has('access_token')).toBe(false);
  });
});

describe('fixes.instagram', () => {
  it('fixes.instagram: without the fix the token is only a header; with it, also access_token on Instagram hosts', async () => {
    const bare = signedIn({});
    await bare.session.get('https://graph.instagram.com/me?fields=id,username');
    expect(new URL(bare.sent[0]!.url).searchParams.has('access_token')).toBe(false);
    const { session, sent } = signedIn(fixes.instagram);
    await session.get('https://graph.instagram.com/me?fields=id,username');
    const url = new URL(sent[0]!.url);
    expect(url.searchParams.get('access_token')).toBe('at-1');
    expect(url.searchParams.get('fields')).toBe('id,username');
    await session.get('https://graph.instagram.com/me?access_token=given');
    expect(new URL(sent[1]!.url).searchParams.getAll('access_token')).toEqual(['given']);
    await session.get('https://cdn.example/me');
    expect(new URL(sent[2]!.url).searchParams.has('access_token')).toBe(false);
  });
});

/** A session whose every request is answered by `answer()`, with `hooks` when given. */
function answered(answer: () => Response, hooks?: (typeof fixes)[keyof typeof fixes]) {
  const fetch = async () => answer();
  const token: Token = { access_token: 'at-1', token_type: 'Bearer', refresh_token: 'rt-1' };
  return new OAuth2Session({
    ...CLIENT,
    fetch,
    pkce: false,
    token,
    server: { token_endpoint: TOKEN_URL, revocation_endpoint: 'https://provider.example/revoke' },
    ...(hooks ? { hooks } : {}),
  });
}

describe('fixes.facebook', () => {
  const legacy = () =>
    new Response('access_token=EAAB&expires=5183999', {
      status: 200,
      headers: { 'content-type': 'text/plain; charset=UTF-8' },
    });

  it('fixes.facebook: a text/plain form answer is refused without the fix, a Bearer token with expires_in from expires with it', async () => {
    await expect(answered(legacy).fetchToken(TOKEN_URL, { code: 'c' })).rejects.toBeInstanceOf(
      OAuth2Error,
    );
    const before = Math.floor(Date.now() / 1000);
    const token = await answered(legacy, fixes.facebook).fetchToken(TOKEN_URL, { code: 'c' });
    expect(token).toMatchObject({ access_token: 'EAAB', token_type: 'Bearer' });
    expect(token.expires_at).toBeGreaterThanOrEqual(before + 5183999);
    expect(token.expires_at).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 5183999);
  });

  it('fixes.facebook: a JSON answer (the current Graph API) is left as it is', async () => {
    const json = () =>
      Response.json({ access_token: 'EAAC', token_type: 'bearer', expires_in: 60 });
    const token = await answered(json, fixes.facebook).fetchToken(TOKEN_URL, { code: 'c' });
    expect(token).toMatchObject({ access_token: 'EAAC', token_type: 'bearer' });
  });

  it('fixes.facebook: a text/plain error answer (not a 200) stays an error', async () => {
    const refused = () =>
      new Response('error=invalid_grant', {
        status: 400,
        headers: { 'content-type': 'text/plain' },
      });
    await expect(
      answered(refused, fixes.facebook).fetchToken(TOKEN_URL, { code: 'c' }),
    ).rejects.toBeInstanceOf(OAuth2Error);
  });
});

describe('fixes.fitbit', () => {
  const errors = (errorType: string, message: string) => () =>
    Response.json({ errors: [{ errorType, message }], success: false }, { status: 400 });

  it('fixes.fitbit: an errors list is an untyped failure without the fix, the first errorType as the typed error with it', async () => {
    const expired = errors('invalid_grant', 'Refresh token invalid: rt-1.');
    const plain = await answered(expired)
      .refreshToken()
      .catch((e: unknown) => e);
    expect(plain).toBeInstanceOf(OAuth2Error);
    expect(plain).not.toBeInstanceOf(InvalidGrantError);
    const fixed = await answered(expired, fixes.fitbit)
      .refreshToken()
      .catch((e: unknown) => e);
    expect(fixed).toBeInstanceOf(InvalidGrantError);
    expect((fixed as InvalidGrantError).errorDescription).toBe('Refresh token invalid: rt-1.');
  });

  it('fixes.fitbit: at the revocation endpoint too', async () => {
    const refused = errors('invalid_client', 'Invalid authorization header format.');
    await expect(answered(refused, fixes.fitbit).revokeToken()).rejects.toBeInstanceOf(
      InvalidClientError,
    );
  });

  it('fixes.fitbit: an RFC 6749 error is left as it is', async () => {
    const rfc = () => Response.json({ error: 'invalid_grant', errors: [{}] }, { status: 400 });
    const e = await answered(rfc, fixes.fitbit)
      .refreshToken()
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InvalidGrantError);
  });
});

describe('fixes.mailchimp', () => {
  const answer = () =>
    Response.json({ access_token: 'mc-1', token_type: 'bearer', expires_in: 0, scope: null });

  it('fixes.mailchimp: a null scope is refused without the fix and dropped with it', async () => {
    await expect(answered(answer).fetchToken(TOKEN_URL, { code: 'c' })).rejects.toBeInstanceOf(
      OAuth2Error,
    );
    const token = await answered(answer, fixes.mailchimp).fetchToken(TOKEN_URL, { code: 'c' });
    expect(token.access_token).toBe('mc-1');
    expect('scope' in token).toBe(false);
  });

  it('fixes.mailchimp: expires_in 0 makes a token already due without the fix, one without expiry with it', async () => {
    const zero = () => Response.json({ access_token: 'mc-1', token_type: 'bearer', expires_in: 0 });
    const plain = await answered(zero).fetchToken(TOKEN_URL, { code: 'c' });
    expect(plain.expires_at).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
    const token = await answered(zero, fixes.mailchimp).fetchToken(TOKEN_URL, { code: 'c' });
    expect(token.expires_at).toBeUndefined();
    expect('expires_in' in token).toBe(false);
  });

  it('fixes.mailchimp: an expires_in other than 0 and a scope that is set are kept', async () => {
    const other = () =>
      Response.json({ access_token: 'mc-2', token_type: 'bearer', expires_in: 60, scope: 'x' });
    const token = await answered(other, fixes.mailchimp).fetchToken(TOKEN_URL, { code: 'c' });
    expect(token.expires_at).toEqual(expect.any(Number));
    expect(token.scope).toEqual(['x']);
  });
});
