/**
 * RFC 9207 authorization server issuer identification: the callback's `iss` is checked (after
 * state, before `error` / `code`) with no network call on refusal (mix-up, RFC 9700 4.4).
 */
import {
  AccessDeniedError,
  MismatchingIssuerError,
  MismatchingStateError,
  MissingCodeError,
  OAuth2Error,
  OAuth2Session,
  readAuthorizationResponse,
} from 'oauth2-session';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer, tokenReply } from './helpers/server.js';

let server: TestServer;
beforeEach(async () => {
  server = await startServer(() => tokenReply());
});
afterEach(() => server.close());

const STATE = 'expected-state-value';
const VERIFIER = 'v'.repeat(43);
const ISSUER = 'https://as.example/tenant-a';
const OTHER = 'https://attacker.example';
const tokenUrl = () => `${server.url}/token`;
const cb = (query: Record<string, string | string[]>) => {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) for (const x of [v].flat()) params.append(k, x);
  return `https://app.example/callback?${params}`;
};
const session = (extra = {}) =>
  new OAuth2Session({ clientId: 'client', state: STATE, codeVerifier: VERIFIER, ...extra });
const exchange = (s: OAuth2Session, query: Record<string, string | string[]>) =>
  s.fetchToken(tokenUrl(), { authorizationResponse: cb(query) }).catch((x: unknown) => x);

describe('issuer configured: refused before any network call', () => {
  const cases: [string, Record<string, string | string[]>, object?][] = [
    ['another issuer', { code: 'c', state: STATE, iss: OTHER }],
    ['a trailing slash (simple string comparison)', { code: 'c', state: STATE, iss: `${ISSUER}/` }],
    ['a different case', { code: 'c', state: STATE, iss: ISSUER.toUpperCase() }],
    ['an empty iss', { code: 'c', state: STATE, iss: '' }],
    ['a duplicated iss (both right)', { code: 'c', state: STATE, iss: [ISSUER, ISSUER] }],
    ['a duplicated iss (one wrong)', { code: 'c', state: STATE, iss: [ISSUER, OTHER] }],
    ['a missing iss with requireIssuer', { code: 'c', state: STATE }, { requireIssuer: true }],
    ['an error response from another issuer', { error: 'access_denied', state: STATE, iss: OTHER }],
    [
      'an error response without iss, requireIssuer',
      { error: 'server_error', state: STATE },
      { requireIssuer: true },
    ],
    ['no code, another issuer', { state: STATE, iss: OTHER }],
  ];
  for (const [name, query, extra] of cases) {
    it(`${name}: MismatchingIssuerError, no request sent`, async () => {
      const e = await exchange(session({ issuer: ISSUER, ...extra }), query);
      expect(e).toBeInstanceOf(MismatchingIssuerError);
      expect(e).toBeInstanceOf(OAuth2Error);
      expect(e).toMatchObject({ code: 'OAUTH_ISSUER_MISMATCH', name: 'MismatchingIssuerError' });
      for (const value of [ISSUER, OTHER, STATE]) expect((e as Error).message).not.toContain(value);
      expect(server.count()).toBe(0);
    });
  }

  it('a state mismatch still wins over an issuer mismatch', async () => {
    const e = await exchange(session({ issuer: ISSUER }), { code: 'c', state: 'x', iss: OTHER });
    expect(e).toBeInstanceOf(MismatchingStateError);
    expect(server.count()).toBe(0);
  });
});

describe('issuer configured: the right iss is accepted', () => {
  it('a matching iss: the code is exchanged', async () => {
    const t = await session({ issuer: ISSUER, requireIssuer: true }).fetchToken(tokenUrl(), {
      authorizationResponse: cb({ code: 'c', state: STATE, iss: ISSUER }),
    });
    expect(t.access_token).toBe('at-1');
    expect(server.count('/token')).toBe(1);
    expect(server.requests[0]!.form.get('iss')).toBeNull();
  });

  it('a missing iss without requireIssuer: accepted (the AS may not send it)', async () => {
    const t = await session({ issuer: ISSUER }).fetchToken(tokenUrl(), {
      authorizationResponse: cb({ code: 'c', state: STATE }),
    });
    expect(t.access_token).toBe('at-1');
  });

  it('an error response with the right iss is believed', async () => {
    const e = await exchange(session({ issuer: ISSUER, requireIssuer: true }), {
      error: 'access_denied',
      state: STATE,
      iss: ISSUER,
    });
    expect(e).toBeInstanceOf(AccessDeniedError);
    expect(server.count()).toBe(0);
  });

  it('the right iss but no code: MissingCodeError', async () => {
    const e = await exchange(session({ issuer: ISSUER }), { state: STATE, iss: ISSUER });
    expect(e).toBeInstanceOf(MissingCodeError);
  });
});

describe('no issuer configured', () => {
  it('any iss is ignored (RFC 9207 section 2.4)', async () => {
    const t = await session().fetchToken(tokenUrl(), {
      authorizationResponse: cb({ code: 'c', state: STATE, iss: OTHER }),
    });
    expect(t.access_token).toBe('at-1');
  });

  it('a code given directly is not checked (the caller read the callback)', async () => {
    const t = await session({ issuer: ISSUER, requireIssuer: true }).fetchToken(tokenUrl(), {
      code: 'c',
    });
    expect(t.access_token).toBe('at-1');
  });
});

describe('options', () => {
  it('requireIssuer without issuer: TypeError', () => {
    expect(() => session({ requireIssuer: true })).toThrow(TypeError);
    expect(() => session({ requireIssuer: true })).toThrow(
      expect.objectContaining({ code: 'ERR_MISSING_OPTION' }),
    );
  });

  it('an empty or non-string issuer: TypeError', () => {
    expect(() => session({ issuer: '' })).toThrow(TypeError);
    expect(() => session({ issuer: 42 })).toThrow(TypeError);
  });
});

describe('readAuthorizationResponse (pure)', () => {
  const url = (q: Record<string, string | string[]>) => cb(q);
  it('checks iss when given an issuer', () => {
    const check = { issuer: ISSUER };
    expect(readAuthorizationResponse(url({ code: 'c', state: 's', iss: ISSUER }), 's', check)).toBe(
      'c',
    );
    expect(() =>
      readAuthorizationResponse(url({ code: 'c', state: 's', iss: OTHER }), 's', check),
    ).toThrow(MismatchingIssuerError);
    expect(() =>
      readAuthorizationResponse(url({ code: 'c', state: 's' }), 's', {
        ...check,
        requireIssuer: true,
      }),
    ).toThrow(MismatchingIssuerError);
  });

  it('without an issuer: iss is ignored, as before', () => {
    expect(readAuthorizationResponse(url({ code: 'c', state: 's', iss: OTHER }), 's')).toBe('c');
  });

  it('requireIssuer without issuer: TypeError', () => {
    expect(() =>
      readAuthorizationResponse(url({ code: 'c', state: 's', iss: OTHER }), 's', {
        requireIssuer: true,
      }),
    ).toThrow(TypeError);
  });
});
