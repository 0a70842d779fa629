/**
 * The rules of the authorization request (`authorization-request.ts`) and of the PKCE verifier
 * it carries (`pkce.ts`): none of the library's own parameters can be replaced, whether it is
 * set or not; no empty scope; a state is a non-empty string; a verifier is 43 to 128 characters
 * of the RFC 7636 alphabet, all of it.
 */
import { buildAuthorizationUrl, OAuth2Session } from 'oauth2-session';
import { describe, expect, it } from 'vitest';

const AUTH = new URL('https://as.example/authorize');
const OWN = [
  'response_type',
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
];

describe('buildAuthorizationUrl', () => {
  it('buildAuthorizationUrl: extraParams may not set any parameter of the library, each named', () => {
    for (const name of OWN) {
      expect(() =>
        buildAuthorizationUrl(AUTH, {
          clientId: 'c',
          redirectUri: 'https://app.example/cb',
          scope: ['a'],
          state: 's',
          codeChallenge: 'x'.repeat(43),
          extraParams: { [name]: 'replaced' },
        }),
      ).toThrow(
        expect.objectContaining({
          name: 'TypeError',
          code: 'ERR_INVALID_ARG_VALUE',
          message: `extraParams may not set ${name}`,
        }),
      );
    }
  });

  it('buildAuthorizationUrl: a parameter of the library stays reserved when it is not set (no redirect_uri, no PKCE, no scope)', () => {
    for (const name of ['redirect_uri', 'scope', 'code_challenge', 'code_challenge_method']) {
      expect(() =>
        buildAuthorizationUrl(AUTH, { clientId: 'c', state: 's', extraParams: { [name]: 'x' } }),
      ).toThrow(expect.objectContaining({ message: `extraParams may not set ${name}` }));
    }
  });

  it('buildAuthorizationUrl: no scope, or an empty list, sends no scope parameter at all', () => {
    for (const scope of [undefined, []]) {
      const url = buildAuthorizationUrl(AUTH, { clientId: 'c', state: 's', scope });
      expect(url.searchParams.has('scope')).toBe(false);
    }
  });

  it('buildAuthorizationUrl: without a challenge, neither code_challenge nor its method is sent', () => {
    const q = buildAuthorizationUrl(AUTH, { clientId: 'c', state: 's' }).searchParams;
    expect(q.has('code_challenge')).toBe(false);
    expect(q.has('code_challenge_method')).toBe(false);
    const withChallenge = buildAuthorizationUrl(AUTH, {
      clientId: 'c',
      state: 's',
      codeChallenge: 'ch',
    }).searchParams;
    expect(withChallenge.get('code_challenge_method')).toBe('S256');
  });
});

describe('OAuth2Session.authorizationUrl: the state', () => {
  it('authorizationUrl: an empty state, given or made by the factory, is ERR_INVALID_ARG_TYPE', async () => {
    for (const state of ['', () => '']) {
      const s = new OAuth2Session({ clientId: 'c', state });
      await expect(s.authorizationUrl(AUTH.href)).rejects.toMatchObject({
        name: 'TypeError',
        code: 'ERR_INVALID_ARG_TYPE',
        message: 'state must be a non-empty string',
      });
    }
    await expect(
      new OAuth2Session({ clientId: 'c' }).authorizationUrl(AUTH.href, {}, { state: '' }),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
  });
});

describe('OAuth2Session: the codeVerifier option (RFC 7636 section 4.1)', () => {
  const refused = (codeVerifier: unknown) =>
    expect(
      () => new OAuth2Session({ clientId: 'c', codeVerifier: codeVerifier as string }),
    ).toThrow(
      expect.objectContaining({
        name: 'TypeError',
        code: 'ERR_INVALID_ARG_VALUE',
        message: 'codeVerifier must be 43-128 characters of [A-Za-z0-9-._~]',
      }),
    );

  it('codeVerifier: 43 and 128 characters are accepted; 42 and 129 are refused', () => {
    for (const n of [43, 128])
      expect(() => new OAuth2Session({ clientId: 'c', codeVerifier: 'a'.repeat(n) })).not.toThrow();
    refused('a'.repeat(42));
    refused('a'.repeat(129));
  });

  it('codeVerifier: every character counts: a bad one first or last is refused', () => {
    const good = 'A-._~z9'.repeat(7);
    expect(() => new OAuth2Session({ clientId: 'c', codeVerifier: good })).not.toThrow();
    refused(`!${good}`);
    refused(`${good}!`);
    refused(`${good}\n`);
  });

  it('codeVerifier: a value that is not a string is refused, even one that reads as a good one', () => {
    refused(['a'.repeat(43)]);
    refused(Number('1'.repeat(50)));
  });
});
