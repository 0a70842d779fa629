/**
 * The rules of `token.ts`, each pinned at its edge: the `expires_in` reading and its refusals,
 * the JSON-or-form sniffing of a body, the field type checks with their exact messages, the one
 * `token_type` check, the expiry boundary, and when a granted scope counts as a change.
 */
import {
  assertTokenType,
  isExpired,
  MissingTokenError,
  normalizeToken,
  OAuth2Error,
  OAuth2Session,
  parseBody,
  readTokenResponse,
  type ScopeChange,
  type Token,
  UnsupportedTokenTypeError,
} from 'oauth2-session';
import { describe, expect, it } from 'vitest';

const NOW = 1_000_000;
const opts = { nowSeconds: NOW, maxBytes: 65_536 };
const json = (body: string, type: string | null = 'application/json') =>
  new Response(body, type === null ? {} : { headers: { 'content-type': type } });
const caught = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return expect.unreachable('should throw');
};
const invalid = (message: string) =>
  expect.objectContaining({ code: 'OAUTH_INVALID_RESPONSE', message });

describe('normalizeToken: expires_in', () => {
  it('normalizeToken: expires_in 0 is a token that expires now, not an error', () => {
    const t = normalizeToken({ access_token: 'a', expires_in: 0 }, NOW);
    expect(t.expires_in).toBe(0);
    expect(t.expires_at).toBe(NOW);
  });

  it('normalizeToken: a negative expires_in is refused, even just below 0', () => {
    for (const value of [-1, -0.5, '-1']) {
      expect(caught(() => normalizeToken({ access_token: 'a', expires_in: value }, NOW))).toEqual(
        invalid('invalid expires_in'),
      );
    }
  });

  it('normalizeToken: an infinite expires_in (1e400 in JSON) is refused, not an eternal token', async () => {
    const e = await readTokenResponse(json('{"access_token":"a","expires_in":1e400}'), opts).then(
      () => expect.unreachable('should reject'),
      (error: unknown) => error,
    );
    expect(e).toBeInstanceOf(OAuth2Error);
    expect(e).toEqual(invalid('invalid expires_in'));
  });

  it('normalizeToken: a numeric string is read after trimming, with its fraction dropped', () => {
    const read = (value: string) =>
      normalizeToken({ access_token: 'a', expires_in: value }, NOW).expires_at;
    expect(read(' 3600 ')).toBe(NOW + 3600);
    expect(read('3600.75')).toBe(NOW + 3600);
    expect(read('3600.5')).toBe(NOW + 3600);
    expect(read('10.25')).toBe(NOW + 10);
  });

  it('normalizeToken: expires_in that is not a number is refused, never read as no expiry', () => {
    for (const value of ['soon', '1e3', '', true, {}, Number.NaN, '3600.']) {
      expect(caught(() => normalizeToken({ access_token: 'a', expires_in: value }, NOW))).toEqual(
        invalid('invalid expires_in'),
      );
    }
  });

  it('normalizeToken: expires_in null or absent is a token without expiry', () => {
    for (const fields of [{ access_token: 'a', expires_in: null }, { access_token: 'a' }]) {
      const t = normalizeToken(fields, NOW);
      expect(t).not.toHaveProperty('expires_in');
      expect(t).not.toHaveProperty('expires_at');
    }
  });
});

describe('normalizeToken: field types', () => {
  it('normalizeToken: an empty access_token is a missing one (MissingTokenError), not a malformed one', () => {
    for (const fields of [{ access_token: '' }, {}]) {
      const e = caught(() => normalizeToken(fields, NOW));
      expect(e).toBeInstanceOf(MissingTokenError);
      expect(e).toMatchObject({
        code: 'OAUTH_MISSING_TOKEN',
        message: 'token response has no access_token',
      });
    }
  });

  it('normalizeToken: an access_token that is not a string is refused, even one that looks like text', () => {
    for (const value of [123, true, ['abc']]) {
      const e = caught(() => normalizeToken({ access_token: value }, NOW));
      expect(e).not.toBeInstanceOf(MissingTokenError);
      expect(e).toEqual(invalid('invalid access_token'));
    }
  });

  it('normalizeToken: token_type, scope, refresh_token and id_token of the wrong type name the field', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ token_type: 1 }, 'invalid token_type'],
      [{ scope: 5 }, 'invalid scope'],
      [{ scope: { a: 1 } }, 'invalid scope'],
      [{ refresh_token: 5 }, 'invalid refresh_token'],
      [{ id_token: {} }, 'invalid id_token'],
    ];
    for (const [extra, message] of cases) {
      expect(caught(() => normalizeToken({ access_token: 'a', ...extra }, NOW))).toEqual(
        invalid(message),
      );
    }
  });

  it('normalizeToken: string refresh_token and id_token are kept as sent', () => {
    const t = normalizeToken({ access_token: 'a', refresh_token: 'r', id_token: 'i' }, NOW);
    expect(t).toMatchObject({ refresh_token: 'r', id_token: 'i' });
  });
});

describe('assertTokenType', () => {
  it('assertTokenType: a type outside the accepted ones is UnsupportedTokenTypeError with its message', () => {
    const e = caught(() => assertTokenType('mac', ['bearer']));
    expect(e).toBeInstanceOf(UnsupportedTokenTypeError);
    expect(e).toMatchObject({
      code: 'OAUTH_UNSUPPORTED_TOKEN_TYPE',
      message: 'unsupported token_type',
    });
    expect(() => assertTokenType('BeArEr', ['bearer'])).not.toThrow();
  });

  it('readTokenResponse: refuses an unknown token_type when the response is read, before it is kept', async () => {
    const e = await readTokenResponse(
      json('{"access_token":"a","token_type":"N_A","refresh_token":"r"}'),
      opts,
    ).then(
      () => expect.unreachable('should reject'),
      (error: unknown) => error,
    );
    expect(e).toBeInstanceOf(UnsupportedTokenTypeError);
    expect(e).toMatchObject({ message: 'unsupported token_type' });
  });
});

describe('parseBody', () => {
  it('parseBody: a JSON object without a JSON content type is still read as JSON (sniffed)', () => {
    const body = '{"access_token":"a"}';
    for (const type of [null, 'text/plain', 'text/html; charset=utf-8', 'application/octet-stream'])
      expect(parseBody(body, type)).toEqual({ access_token: 'a' });
    expect(parseBody(` \n\t${body}`, 'text/plain')).toEqual({ access_token: 'a' });
    expect(parseBody(`${body}\n`, null)).toEqual({ access_token: 'a' });
  });

  it('parseBody: a form content type is read as a form, whatever the body looks like', () => {
    expect(parseBody('access_token=a&scope=x', 'Application/X-WWW-Form-URLEncoded')).toEqual({
      access_token: 'a',
      scope: 'x',
    });
    expect(
      parseBody('{"access_token":"a"}', 'application/x-www-form-urlencoded'),
    ).not.toHaveProperty('access_token');
  });

  it('parseBody: JSON that is not an object (array, null, string, number) is no fields', () => {
    for (const body of ['[{"access_token":"a"}]', 'null', '"access_token"', '42', 'true'])
      expect(parseBody(body, 'application/json')).toBeUndefined();
  });

  it('parseBody: a body that is neither JSON nor a form content type is no fields', () => {
    expect(parseBody('access_token=a', 'text/plain')).toBeUndefined();
    expect(parseBody('access_token=a', null)).toBeUndefined();
    expect(parseBody('{not json', 'application/json')).toBeUndefined();
    expect(parseBody('{not json', 'text/plain')).toBeUndefined();
  });

  it('readTokenResponse: a JSON token sent as text/plain is read; a body of neither kind is OAUTH_INVALID_RESPONSE', async () => {
    const t = await readTokenResponse(json(' {"access_token":"a"}', 'text/plain'), opts);
    expect(t.access_token).toBe('a');
    const e = await readTokenResponse(json('[{"access_token":"a"}]'), opts).then(
      () => expect.unreachable('should reject'),
      (error: unknown) => error,
    );
    expect(e).toEqual(invalid('token response is not json or form data'));
  });
});

describe('isExpired', () => {
  const at = (expires_at: number | null | undefined): Token =>
    ({ access_token: 'a', token_type: 'Bearer', expires_at }) as Token;

  it('isExpired: a token is expired at its expires_at second itself, not only after it', () => {
    expect(isExpired(at(NOW), NOW * 1000)).toBe(true);
    expect(isExpired(at(NOW), NOW * 1000 - 1)).toBe(false);
    expect(isExpired(at(NOW), NOW * 1000 + 1)).toBe(true);
  });

  it('isExpired: the leeway moves the boundary earlier by that many seconds', () => {
    expect(isExpired(at(NOW + 60), NOW * 1000, 60)).toBe(true);
    expect(isExpired(at(NOW + 60), NOW * 1000 - 1, 60)).toBe(false);
    expect(isExpired(at(NOW + 61), NOW * 1000, 60)).toBe(false);
  });

  it('isExpired: a token without expires_at (absent or null) never expires by the clock', () => {
    expect(isExpired(at(undefined), Number.MAX_SAFE_INTEGER)).toBe(false);
    expect(isExpired(at(null), Number.MAX_SAFE_INTEGER)).toBe(false);
  });
});

describe('OAuth2Session.fetchClientCredentialsToken: the scope change report', () => {
  const granting = (scope: string | undefined) => {
    const changes: ScopeChange[] = [];
    const fetch = async () =>
      new Response(JSON.stringify({ access_token: 'a', token_type: 'Bearer', scope }), {
        headers: { 'content-type': 'application/json' },
      });
    return { changes, fetch, onScopeChanged: (c: ScopeChange) => void changes.push(c) };
  };
  const fetchWith = async (requested: string | undefined, granted: string | undefined) => {
    const g = granting(granted);
    const session = new OAuth2Session({
      clientId: 'svc',
      clientSecret: 'secret',
      fetch: g.fetch,
      onScopeChanged: g.onScopeChanged,
      ...(requested === undefined ? {} : { scope: requested }),
    });
    await session.fetchClientCredentialsToken('https://as.example/token');
    return g.changes;
  };

  it('fetchClientCredentialsToken: the same scopes in another order are no change', async () => {
    expect(await fetchWith('a b', 'b a')).toEqual([]);
    expect(await fetchWith('a b', 'a b a')).toEqual([]);
  });

  it('fetchClientCredentialsToken: as many scopes but another one is a change, and so is less', async () => {
    expect(await fetchWith('a b', 'a c')).toEqual([
      expect.objectContaining({ requested: ['a', 'b'], granted: ['a', 'c'] }),
    ]);
    expect(await fetchWith('a b', 'a')).toEqual([
      expect.objectContaining({ requested: ['a', 'b'], granted: ['a'] }),
    ]);
  });

  it('fetchClientCredentialsToken: no requested scope, or no granted one, is never a change', async () => {
    expect(await fetchWith(undefined, 'a')).toEqual([]);
    expect(await fetchWith('a', undefined)).toEqual([]);
  });
});
