/**
 * The rules of reading the callback (`authorization-response.ts`), each with its exact error:
 * the state, a parameter sent twice, the issuer (RFC 9207) and its configuration, the error
 * answer, the code; and where a code exchange takes its code from.
 */
import {
  AccessDeniedError,
  MismatchingIssuerError,
  MismatchingStateError,
  MissingCodeError,
  OAuth2Session,
  readAuthorizationResponse,
} from 'oauth2-session';
import { describe, expect, it } from 'vitest';

const STATE = 'expected-state-value';
const cb = (query: string) => `https://app.example/callback?${query}`;
const caught = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return expect.unreachable('should throw');
};

describe('readAuthorizationResponse', () => {
  it('readAuthorizationResponse: a missing or different state is MismatchingStateError, and the state is not in the message', () => {
    for (const query of ['code=c', 'code=c&state=other', `code=c&state=${STATE}x`]) {
      const e = caught(() => readAuthorizationResponse(cb(query), STATE));
      expect(e).toBeInstanceOf(MismatchingStateError);
      expect(e).toMatchObject({ message: 'state mismatch in authorization response' });
    }
  });

  it('readAuthorizationResponse: a code or an error sent twice is refused as duplicated parameters', () => {
    for (const query of [
      `state=${STATE}&code=c&code=d`,
      `state=${STATE}&error=access_denied&error=server_error`,
      `state=${STATE}&code=c&error=access_denied&error=access_denied`,
    ]) {
      const e = caught(() => readAuthorizationResponse(cb(query), STATE));
      expect(e).toBeInstanceOf(MismatchingStateError);
      expect(e).toMatchObject({ message: 'duplicated parameters in authorization response' });
    }
  });

  it('readAuthorizationResponse: an error answer is its typed error, named in the message', () => {
    const e = caught(() =>
      readAuthorizationResponse(
        cb(`state=${STATE}&error=access_denied&error_description=no`),
        STATE,
      ),
    );
    expect(e).toBeInstanceOf(AccessDeniedError);
    expect(e).toMatchObject({
      message: 'authorization failed: access_denied',
      error: 'access_denied',
      errorDescription: 'no',
    });
  });

  it('readAuthorizationResponse: no code, or an empty one, is MissingCodeError', () => {
    for (const query of [`state=${STATE}`, `state=${STATE}&code=`]) {
      const e = caught(() => readAuthorizationResponse(cb(query), STATE));
      expect(e).toBeInstanceOf(MissingCodeError);
      expect(e).toMatchObject({ message: 'authorization response has no code' });
    }
  });

  it('readAuthorizationResponse: a callback that is not a URL is a TypeError naming the option', () => {
    const e = caught(() => readAuthorizationResponse('/callback?code=c', STATE));
    expect(e).toBeInstanceOf(TypeError);
    expect(e).toMatchObject({
      code: 'ERR_INVALID_ARG_VALUE',
      message: 'authorizationResponse is not a valid url',
    });
  });

  it('readAuthorizationResponse: an iss other than the issuer is MismatchingIssuerError with its message', () => {
    const e = caught(() =>
      readAuthorizationResponse(cb(`state=${STATE}&code=c&iss=https://evil.example`), STATE, {
        issuer: 'https://as.example',
      }),
    );
    expect(e).toBeInstanceOf(MismatchingIssuerError);
    expect(e).toMatchObject({ message: 'issuer mismatch in authorization response' });
  });

  it('readAuthorizationResponse: requireIssuer without an issuer is a TypeError, ERR_MISSING_OPTION', () => {
    const e = caught(() =>
      readAuthorizationResponse(cb(`state=${STATE}&code=c`), STATE, { requireIssuer: true }),
    );
    expect(e).toBeInstanceOf(TypeError);
    expect(e).toMatchObject({
      code: 'ERR_MISSING_OPTION',
      message: 'requireIssuer needs issuer',
    });
  });
});

describe('OAuth2Session.fetchToken: where the code comes from', () => {
  const session = () =>
    new OAuth2Session({
      clientId: 'client',
      fetch: () => expect.unreachable('no request is sent'),
    });
  const TOKEN_URL = 'https://as.example/token';

  it('fetchToken: a callback URL without a state to check it against is ERR_MISSING_OPTION', async () => {
    await expect(
      session().fetchToken(TOKEN_URL, { authorizationResponse: cb('code=c&state=s') }),
    ).rejects.toMatchObject({
      name: 'TypeError',
      code: 'ERR_MISSING_OPTION',
      message: 'state is required to check authorizationResponse',
    });
  });

  it('fetchToken: neither a callback nor a code, or an empty code, is ERR_MISSING_OPTION', async () => {
    for (const options of [{}, { code: '' }, { code: 42 as unknown as string }]) {
      await expect(session().fetchToken(TOKEN_URL, options)).rejects.toMatchObject({
        name: 'TypeError',
        code: 'ERR_MISSING_OPTION',
        message: 'fetchToken needs authorizationResponse or code',
      });
    }
  });
});
