/**
 * Token attachment as a strategy: Bearer by default, any `TokenAttachment` in its place, and
 * one `token_type` check against the strategy's `tokenTypes`: a type the client cannot send is
 * refused before the token is stored, and before a request is sent with it.
 */
import {
  bearer,
  OAuth2Session,
  type OAuth2SessionOptions,
  type ResourceRequest,
  type Token,
  type TokenAttachment,
  UnsupportedTokenTypeError,
} from 'oauth2-session';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Recorded, type Reply, startServer, type TestServer } from './helpers/server.js';

let server: TestServer;
let tokenType = 'Bearer';
beforeEach(async () => {
  tokenType = 'Bearer';
  server = await startServer((req: Recorded): Reply => {
    if (req.path === '/token')
      return { body: { access_token: 'at-new', token_type: tokenType, refresh_token: 'rt-2' } };
    return {
      body: { auth: req.headers.authorization ?? null, key: req.headers['x-api-key'] ?? null },
    };
  });
});
afterEach(() => server.close());

/** Sends the token in `X-Api-Key` and accepts `ApiKey` tokens (plus Bearer ones). */
const apiKey: TokenAttachment = {
  tokenTypes: ['apikey', 'bearer'],
  async attach(request: ResourceRequest, token: Token) {
    await new Promise((r) => setTimeout(r, 5));
    request.headers.set('x-api-key', `${token.token_type}:${token.access_token}`);
  },
};
/** Accepts only `ApiKey` tokens. */
const apiKeyOnly: TokenAttachment = { ...apiKey, tokenTypes: ['apikey'] };

const session = (extra: Partial<OAuth2SessionOptions> = {}) =>
  new OAuth2Session({
    clientId: 'client',
    clientSecret: 'secret',
    pkce: false,
    server: { token_endpoint: `${server.url}/token` },
    ...extra,
  });

describe('OAuth2Session.fetch: the default attachment', () => {
  it('bearer: Authorization: Bearer <access_token>, token_type compared case-insensitively', async () => {
    expect(bearer.tokenTypes).toEqual(['bearer']);
    for (const type of ['Bearer', 'bearer', 'BEARER']) {
      const s = session({ token: { access_token: 'at-1', token_type: type } });
      expect(await (await s.get(`${server.url}/api`)).json()).toEqual({
        auth: 'Bearer at-1',
        key: null,
      });
    }
  });

  it('a stored token of a type bearer cannot send is refused before any request', async () => {
    const s = session({ token: { access_token: 'at-1', token_type: 'mac' } });
    await expect(s.get(`${server.url}/api`)).rejects.toBeInstanceOf(UnsupportedTokenTypeError);
    await expect(s.get(`${server.url}/api`)).rejects.toMatchObject({
      code: 'OAUTH_UNSUPPORTED_TOKEN_TYPE',
    });
    expect(server.count()).toBe(0);
  });
});

describe('OAuth2Session tokenAttachment: a custom strategy', () => {
  it('fetch: sends its own header (awaited), and no Authorization header', async () => {
    const s = session({
      tokenAttachment: apiKey,
      token: { access_token: 'k-1', token_type: 'ApiKey' },
    });
    const res = await s.get(`${server.url}/api`);
    expect(await res.json()).toEqual({ auth: null, key: 'ApiKey:k-1' });
  });

  it('fetch: accepts the token types it names, and refuses others before sending', async () => {
    const ok = session({
      tokenAttachment: apiKey,
      token: { access_token: 'b', token_type: 'bearer' },
    });
    expect(await (await ok.get(`${server.url}/api`)).json()).toEqual({
      auth: null,
      key: 'bearer:b',
    });
    const refused = session({
      tokenAttachment: apiKeyOnly,
      token: { access_token: 'b', token_type: 'Bearer' },
    });
    await expect(refused.get(`${server.url}/api`)).rejects.toBeInstanceOf(
      UnsupportedTokenTypeError,
    );
    expect(server.count('/api')).toBe(1);
  });

  it('fetch: a resource.request hook runs after the strategy and sees its header', async () => {
    let seen: string | null = null;
    const s = session({
      tokenAttachment: apiKey,
      token: { access_token: 'k-1', token_type: 'ApiKey' },
      hooks: {
        'resource.request': ({ headers }) => {
          seen = headers.get('x-api-key');
        },
      },
    });
    await s.get(`${server.url}/api`);
    expect(seen).toBe('ApiKey:k-1');
  });

  it('fetch: an attachment that throws fails the call, and nothing is sent', async () => {
    const failure = new Error('no key material');
    const s = session({
      tokenAttachment: {
        tokenTypes: ['bearer'],
        attach: () => {
          throw failure;
        },
      },
      token: { access_token: 'k-1', token_type: 'Bearer' },
    });
    await expect(s.get(`${server.url}/api`)).rejects.toBe(failure);
    expect(server.count()).toBe(0);
  });
});

describe('OAuth2Session token calls: an unknown token type is refused before it is stored', () => {
  it('fetchToken: token_type mac with bearer: UnsupportedTokenTypeError, no token, no onToken', async () => {
    tokenType = 'mac';
    const saved: Token[] = [];
    const s = session({ onToken: (t) => void saved.push(t) });
    await expect(s.fetchToken({ code: 'c' })).rejects.toBeInstanceOf(UnsupportedTokenTypeError);
    expect(s.token).toBeUndefined();
    expect(saved).toEqual([]);
    expect(server.count('/token')).toBe(1);
  });

  it('refreshToken: an answer of an unknown type keeps the old token', async () => {
    tokenType = 'N_A';
    const old = { access_token: 'at-old', token_type: 'Bearer', refresh_token: 'rt-1' };
    const saved: Token[] = [];
    const s = session({ token: old, onToken: (t) => void saved.push(t) });
    await expect(s.refreshToken()).rejects.toBeInstanceOf(UnsupportedTokenTypeError);
    expect(s.token).toEqual(old);
    expect(saved).toEqual([]);
  });

  it('fetchClientCredentialsToken: the same rule', async () => {
    tokenType = 'DPoP';
    const s = session();
    await expect(s.fetchClientCredentialsToken()).rejects.toBeInstanceOf(UnsupportedTokenTypeError);
    expect(s.token).toBeUndefined();
  });

  it('fetchToken: an answer without token_type is stored as Bearer', async () => {
    tokenType = '';
    const t = await session().fetchToken({ code: 'c' });
    expect(t.token_type).toBe('Bearer');
  });
});

describe('OAuth2Session token calls: the token types come from tokenAttachment', () => {
  it('fetchToken: a token type the custom strategy accepts is stored, and sent by it', async () => {
    tokenType = 'ApiKey';
    const s = session({ tokenAttachment: apiKey });
    const t = await s.fetchToken({ code: 'c' });
    expect(t.token_type).toBe('ApiKey');
    expect(s.token?.access_token).toBe('at-new');
    expect(await (await s.get(`${server.url}/api`)).json()).toEqual({
      auth: null,
      key: 'ApiKey:at-new',
    });
  });

  it('refreshToken: the same types as fetchToken', async () => {
    tokenType = 'ApiKey';
    const old = { access_token: 'k-old', token_type: 'ApiKey', refresh_token: 'rt-1' };
    const s = session({ tokenAttachment: apiKey, token: old });
    expect((await s.refreshToken()).token_type).toBe('ApiKey');
  });

  it('fetchToken: a Bearer answer to a client whose strategy sends only ApiKey is refused before it is stored', async () => {
    tokenType = 'Bearer';
    const saved: Token[] = [];
    const s = session({ tokenAttachment: apiKeyOnly, onToken: (t) => void saved.push(t) });
    await expect(s.fetchToken({ code: 'c' })).rejects.toBeInstanceOf(UnsupportedTokenTypeError);
    expect(s.token).toBeUndefined();
    expect(saved).toEqual([]);
  });
});

describe('OAuth2Session.fetch: credential headers of a custom attachment', () => {
  it('a header named in credentialHeaders is dropped on a redirect to another origin, kept on the same one', async () => {
    const other = await startServer((req) => ({ body: { key: req.headers['x-api-key'] ?? null } }));
    const hop = await startServer((req) =>
      req.path === '/same'
        ? { status: 302, headers: { location: `${hop.url}/land` } }
        : req.path === '/away'
          ? { status: 302, headers: { location: `${other.url}/land` } }
          : { body: { key: req.headers['x-api-key'] ?? null } },
    );
    try {
      const declared: TokenAttachment = { ...apiKey, credentialHeaders: ['x-api-key'] };
      const s = session({
        token: { access_token: 'k', token_type: 'ApiKey' },
        tokenAttachment: declared,
      });
      expect(await (await s.get(`${hop.url}/same`)).json()).toEqual({ key: 'ApiKey:k' });
      expect(await (await s.get(`${hop.url}/away`)).json()).toEqual({ key: null });
      expect(other.count()).toBe(1);
    } finally {
      await Promise.all([other.close(), hop.close()]);
    }
  });
});
