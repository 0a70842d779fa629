import {
  AccessDeniedError,
  InvalidClientError,
  InvalidGrantError,
  InvalidRequestError,
  InvalidScopeError,
  OAuth2Error,
  type OAuth2ErrorCode,
  readTokenResponse,
  ServerError,
  TemporarilyUnavailableError,
  UnauthorizedClientError,
  UnsupportedGrantTypeError,
  UnsupportedResponseTypeError,
} from 'oauth2-session';
import { describe, expect, expectTypeOf, it } from 'vitest';

const table = [
  ['invalid_request', InvalidRequestError, 'OAUTH_INVALID_REQUEST'],
  ['invalid_client', InvalidClientError, 'OAUTH_INVALID_CLIENT'],
  ['invalid_grant', InvalidGrantError, 'OAUTH_INVALID_GRANT'],
  ['unauthorized_client', UnauthorizedClientError, 'OAUTH_UNAUTHORIZED_CLIENT'],
  ['unsupported_grant_type', UnsupportedGrantTypeError, 'OAUTH_UNSUPPORTED_GRANT_TYPE'],
  ['invalid_scope', InvalidScopeError, 'OAUTH_INVALID_SCOPE'],
  ['access_denied', AccessDeniedError, 'OAUTH_ACCESS_DENIED'],
  ['unsupported_response_type', UnsupportedResponseTypeError, 'OAUTH_UNSUPPORTED_RESPONSE_TYPE'],
  ['server_error', ServerError, 'OAUTH_SERVER_ERROR'],
  ['temporarily_unavailable', TemporarilyUnavailableError, 'OAUTH_TEMPORARILY_UNAVAILABLE'],
] as const;

describe('OAuth2Error', () => {
  for (const [error, Class, code] of table) {
    it(`maps ${error} to ${Class.name} (${code})`, async () => {
      const res = Response.json(
        { error, error_description: 'd', error_uri: 'https://e/x' },
        { status: 400 },
      );
      const e = (await readTokenResponse(res, { nowSeconds: 0, maxBytes: 1000 }).catch(
        (x) => x,
      )) as OAuth2Error;
      expect(e).toBeInstanceOf(Class);
      expect(e).toBeInstanceOf(OAuth2Error);
      expect(e.name).toBe(Class.name);
      expect(e).toMatchObject({
        code,
        error,
        errorDescription: 'd',
        errorUri: 'https://e/x',
        status: 400,
      });
      expect(e.message).toBe(`token request failed: ${error}`);
    });
  }

  it('keeps an unsafe error code out of the message', async () => {
    const res = Response.json({ error: 'gho_secretlooking token!' }, { status: 400 });
    const e = (await readTokenResponse(res, { nowSeconds: 0, maxBytes: 1000 }).catch(
      (x) => x,
    )) as OAuth2Error;
    expect(e.message).toBe('token request failed: error');
    expect(e.error).toBe('gho_secretlooking token!');
  });

  it('keeps cause and hides the response', () => {
    const cause = new Error('inner');
    const e = new OAuth2Error('x', { cause, response: new Response('secret'), status: 500 });
    expect(e.cause).toBe(cause);
    expect(Object.keys(e)).not.toContain('response');
    expect(e.response).toBeInstanceOf(Response);
  });

  it('types: code is the exported union, subclasses narrow it', () => {
    expectTypeOf<OAuth2Error['code']>().toEqualTypeOf<OAuth2ErrorCode>();
    expectTypeOf<InvalidGrantError['code']>().toEqualTypeOf<'OAUTH_INVALID_GRANT'>();
  });
});
