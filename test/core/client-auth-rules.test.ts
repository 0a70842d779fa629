/**
 * The rules of client authentication (`client-auth.ts`), each with its exact error: a secret
 * method needs a string secret, a name must be one of the three (never an inherited property),
 * and the synchronous steps (`clientAuthMethod`, `tokenRequest`) resolve the method as the
 * strategies do.
 */
import {
  clientAuthMethod,
  clientSecretBasic,
  clientSecretPost,
  resolveClientAuth,
  tokenRequest,
} from 'oauth2-session';
import { describe, expect, it } from 'vitest';

const needs = (method: string) =>
  expect.objectContaining({
    name: 'TypeError',
    code: 'ERR_MISSING_OPTION',
    message: `clientAuth ${method} needs clientSecret`,
  });

describe('clientSecretBasic and clientSecretPost: the secret', () => {
  it('clientSecretBasic: an empty or absent secret is refused, naming the method', () => {
    for (const secret of ['', undefined])
      expect(() => clientSecretBasic(secret as string)).toThrow(needs('client_secret_basic'));
  });

  it('clientSecretPost: an empty or absent secret is refused, naming the method', () => {
    for (const secret of ['', undefined])
      expect(() => clientSecretPost(secret as string)).toThrow(needs('client_secret_post'));
  });

  it('clientSecretBasic: a secret that is not a string is refused, even a truthy one', () => {
    for (const secret of [12345, { toString: () => 'secret' }, ['secret']]) {
      expect(() => clientSecretBasic(secret as unknown as string)).toThrow(
        needs('client_secret_basic'),
      );
      expect(() => clientSecretBasic(secret as unknown as string, { allowEmpty: true })).toThrow(
        needs('client_secret_basic'),
      );
      expect(() => clientSecretPost(secret as unknown as string)).toThrow(
        needs('client_secret_post'),
      );
    }
  });
});

describe('resolveClientAuth: names', () => {
  const unknown = expect.objectContaining({
    name: 'TypeError',
    code: 'ERR_INVALID_ARG_VALUE',
    message: 'clientAuth must be client_secret_basic, client_secret_post, none or a function',
  });

  it('resolveClientAuth: a name other than the three is refused with the list of names', () => {
    for (const name of ['private_key_jwt', 'CLIENT_SECRET_BASIC', ''])
      expect(() => resolveClientAuth(name as never, 'secret')).toThrow(unknown);
  });

  it('resolveClientAuth: a name inherited from Object.prototype is no method', () => {
    for (const name of ['toString', 'constructor', 'hasOwnProperty', '__proto__'])
      expect(() => resolveClientAuth(name as never, 'secret')).toThrow(unknown);
  });
});

describe('clientAuthMethod', () => {
  it('clientAuthMethod: client_secret_basic with a secret, none without, the given one otherwise', () => {
    expect(clientAuthMethod({ clientId: 'c', clientSecret: 's' })).toBe('client_secret_basic');
    expect(clientAuthMethod({ clientId: 'c' })).toBe('none');
    expect(clientAuthMethod({ clientId: 'c', clientSecret: '' })).toBe('none');
    expect(
      clientAuthMethod({ clientId: 'c', clientSecret: 's', method: 'client_secret_post' }),
    ).toBe('client_secret_post');
    expect(() => clientAuthMethod({ clientId: 'c', method: 'client_secret_post' })).toThrow(
      needs('client_secret_post'),
    );
  });
});

describe('tokenRequest: client authentication of the first pure step', () => {
  const url = new URL('https://as.example/token');
  const params = { grant_type: 'client_credentials' };

  it('tokenRequest: with a secret, HTTP Basic of the form-encoded id and secret, nothing in the body', () => {
    const parts = tokenRequest(url, params, { clientId: 'a b', clientSecret: 's:é' });
    expect(parts.headers.get('authorization')).toBe(`Basic ${btoa('a+b:s%3A%C3%A9')}`);
    expect(Object.fromEntries(parts.body)).toEqual(params);
  });

  it('tokenRequest: client_secret_post puts id and secret in the body, none only the id', () => {
    const post = tokenRequest(url, params, {
      clientId: 'c',
      clientSecret: 's',
      method: 'client_secret_post',
    });
    expect(post.headers.has('authorization')).toBe(false);
    expect(Object.fromEntries(post.body)).toEqual({
      ...params,
      client_id: 'c',
      client_secret: 's',
    });
    const none = tokenRequest(url, params, { clientId: 'c' });
    expect(none.headers.has('authorization')).toBe(false);
    expect(Object.fromEntries(none.body)).toEqual({ ...params, client_id: 'c' });
  });
});
