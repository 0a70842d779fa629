/**
 * `fixes.*`: requests-oauthlib's compliance fixes for providers without a preset here (douban,
 * ebay, instagram, plentymarkets, weibo), each shown against a small canned answer: the quirk
 * without the fix, then with it.
 */
import { OAuth2Session, type Token } from 'oauth2-session';
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
