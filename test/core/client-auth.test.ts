/**
 * Client authentication as strategy values (RFC 6749 section 2.3): the built-in ones, their
 * names as sugar, the default chosen from the server's metadata, and any async function.
 */
import {
  type ClientAuthRequest,
  clientSecretBasic,
  clientSecretPost,
  noClientAuth,
  OAuth2Session,
  type OAuth2SessionOptions,
} from 'oauth2-session';
import { definePreset } from 'oauth2-session/providers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer, tokenReply } from './helpers/server.js';

let server: TestServer;
beforeEach(async () => {
  server = await startServer((req) =>
    req.path === '/revoke' ? { status: 200 } : tokenReply({ refresh_token: 'rt-2' }),
  );
});
afterEach(() => server.close());

const VERIFIER = 'v'.repeat(43);
const token = { access_token: 'at-0', token_type: 'Bearer', refresh_token: 'rt-1' };
const endpoints = () => ({
  token_endpoint: `${server.url}/token`,
  revocation_endpoint: `${server.url}/revoke`,
});
const session = (extra: Partial<OAuth2SessionOptions> = {}) =>
  new OAuth2Session({
    clientId: 'client id:1',
    codeVerifier: VERIFIER,
    server: endpoints(),
    ...extra,
  });
const basicOf = (id: string, secret: string) =>
  `Basic ${btoa(`${new URLSearchParams([['', id]]).toString().slice(1)}:${new URLSearchParams([['', secret]]).toString().slice(1)}`)}`;

describe('OAuth2Session clientAuth: built-in strategies', () => {
  it('default with a secret: client_secret_basic, id and secret form-encoded, nothing in the body', async () => {
    await session({ clientSecret: 's&cret é' }).fetchToken({ code: 'c' });
    const [req] = server.requests;
    expect(req!.headers.authorization).toBe(basicOf('client id:1', 's&cret é'));
    expect(req!.form.has('client_id')).toBe(false);
    expect(req!.form.has('client_secret')).toBe(false);
  });

  it('default without a secret: none, client_id in the body and no authorization header', async () => {
    await session().fetchToken({ code: 'c' });
    const [req] = server.requests;
    expect(req!.headers.authorization).toBeUndefined();
    expect(req!.form.get('client_id')).toBe('client id:1');
    expect(req!.form.has('client_secret')).toBe(false);
  });

  it('clientSecretPost(secret): id and secret in the body, no authorization header', async () => {
    await session({ clientAuth: clientSecretPost('post-secret') }).fetchToken({ code: 'c' });
    const [req] = server.requests;
    expect(req!.headers.authorization).toBeUndefined();
    expect(req!.form.get('client_id')).toBe('client id:1');
    expect(req!.form.get('client_secret')).toBe('post-secret');
  });

  it("clientAuth: 'client_secret_post' (the name) builds the strategy with the session's secret", async () => {
    await session({ clientSecret: 'named', clientAuth: 'client_secret_post' }).fetchToken({
      code: 'c',
    });
    expect(server.requests[0]!.form.get('client_secret')).toBe('named');
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
  });

  it('clientSecretBasic(secret) as a value: used even though the session has no clientSecret', async () => {
    await session({ clientAuth: clientSecretBasic('value-secret') }).fetchToken({ code: 'c' });
    expect(server.requests[0]!.headers.authorization).toBe(basicOf('client id:1', 'value-secret'));
  });

  it('noClientAuth(): only client_id, even when the session has a secret', async () => {
    await session({ clientSecret: 'unused', clientAuth: noClientAuth() }).fetchToken({ code: 'c' });
    const [req] = server.requests;
    expect(req!.headers.authorization).toBeUndefined();
    expect(Object.fromEntries(req!.form)).toEqual({
      grant_type: 'authorization_code',
      code: 'c',
      code_verifier: VERIFIER,
      client_id: 'client id:1',
    });
  });

  it('the same strategy authenticates refresh, client credentials and revocation', async () => {
    const s = session({ clientAuth: clientSecretPost('p'), token });
    await s.refreshToken();
    await s.fetchClientCredentialsToken();
    await s.revokeToken();
    expect(server.requests.map((r) => [r.path, r.form.get('client_secret')])).toEqual([
      ['/token', 'p'],
      ['/token', 'p'],
      ['/revoke', 'p'],
    ]);
  });

  it('fetchToken({ clientSecret }) overrides the secret and is remembered for the refresh', async () => {
    const s = session({ clientSecret: 'old' });
    await s.fetchToken({ code: 'c', clientSecret: 'new' });
    await s.refreshToken();
    for (const req of server.requests)
      expect(req.headers.authorization).toBe(basicOf('client id:1', 'new'));
  });
});

describe('OAuth2Session clientAuth: the default from the server metadata', () => {
  it('token_endpoint_auth_methods_supported listing only client_secret_post: post is the default', async () => {
    const server_ = {
      ...endpoints(),
      token_endpoint_auth_methods_supported: ['client_secret_post'],
    };
    await session({ clientSecret: 'meta', server: server_ }).fetchToken({ code: 'c' });
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
    expect(server.requests[0]!.form.get('client_secret')).toBe('meta');
  });

  it('a provider preset whose server lists only client_secret_post: post is the default too', async () => {
    const preset = definePreset({
      id: 'posty',
      server: { ...endpoints(), token_endpoint_auth_methods_supported: ['client_secret_post'] },
    });
    await session({ clientSecret: 'meta', provider: preset, server: undefined }).fetchToken({
      code: 'c',
    });
    expect(server.requests[0]!.form.get('client_secret')).toBe('meta');
  });

  it('both methods listed, or none: client_secret_basic stays the default', async () => {
    for (const methods of [['client_secret_post', 'client_secret_basic'], undefined]) {
      const server_ = { ...endpoints(), token_endpoint_auth_methods_supported: methods };
      await session({ clientSecret: 'meta', server: server_ }).fetchToken({ code: 'c' });
    }
    for (const req of server.requests) {
      expect(req.headers.authorization).toBe(basicOf('client id:1', 'meta'));
      expect(req.form.has('client_secret')).toBe(false);
    }
  });

  it('an explicit clientAuth wins over the metadata, and so does a preset clientAuth', async () => {
    const postOnly = {
      ...endpoints(),
      token_endpoint_auth_methods_supported: ['client_secret_post'],
    };
    await session({
      clientSecret: 'meta',
      server: postOnly,
      clientAuth: 'client_secret_basic',
    }).fetchToken({ code: 'c' });
    const preset = definePreset({
      id: 'basic',
      server: postOnly,
      clientAuth: 'client_secret_basic',
    });
    await session({ clientSecret: 'meta', provider: preset, server: undefined }).fetchToken({
      code: 'c',
    });
    for (const req of server.requests)
      expect(req.headers.authorization).toBe(basicOf('client id:1', 'meta'));
  });

  it('without a secret the metadata does not matter: none', async () => {
    const server_ = {
      ...endpoints(),
      token_endpoint_auth_methods_supported: ['client_secret_post'],
    };
    await session({ server: server_ }).fetchToken({
      code: 'c',
    });
    expect(server.requests[0]!.form.has('client_secret')).toBe(false);
    expect(server.requests[0]!.form.get('client_id')).toBe('client id:1');
  });
});

describe('OAuth2Session clientAuth: a custom async strategy', () => {
  it('is awaited before the request is sent, and sees the endpoint url, client id and server', async () => {
    const calls: { url: string; clientId: string; server: unknown }[] = [];
    const assertion = async (request: ClientAuthRequest) => {
      await new Promise((r) => setTimeout(r, 20));
      calls.push({ url: request.url.href, clientId: request.clientId, server: request.server });
      request.body.set(
        'client_assertion_type',
        'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      );
      request.body.set('client_assertion', `signed-for-${request.url.pathname}`);
    };
    const s = session({ clientAuth: assertion, token });
    await s.fetchToken({ code: 'c' });
    await s.revokeToken();
    expect(server.requests.map((r) => r.form.get('client_assertion'))).toEqual([
      'signed-for-/token',
      'signed-for-/revoke',
    ]);
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
    expect(calls).toEqual([
      { url: `${server.url}/token`, clientId: 'client id:1', server: endpoints() },
      { url: `${server.url}/revoke`, clientId: 'client id:1', server: endpoints() },
    ]);
  });

  it('runs before the token.request hooks, which see what it set', async () => {
    let seen: string | null = null;
    await session({
      clientAuth: async ({ headers }) => void headers.set('authorization', 'Custom abc'),
      hooks: {
        'token.request': ({ headers }) => {
          seen = headers.get('authorization');
        },
      },
    }).fetchToken({ code: 'c' });
    expect(seen).toBe('Custom abc');
    expect(server.requests[0]!.headers.authorization).toBe('Custom abc');
  });

  it('a strategy that rejects fails the call with its error, and nothing is sent', async () => {
    const failure = new Error('key unavailable');
    const s = session({
      clientAuth: async () => {
        throw failure;
      },
    });
    await expect(s.fetchToken({ code: 'c' })).rejects.toBe(failure);
    expect(server.count()).toBe(0);
    expect(s.token).toBeUndefined();
  });
});

describe('OAuth2Session clientAuth: what counts as a public client', () => {
  // RFC 9700 section 2.1.1: only a client that cannot authenticate needs PKCE to bind its code.
  it('pkce: false is allowed for a client authenticated by a strategy value, with no clientSecret', () => {
    const s = new OAuth2Session({ clientId: 'c', clientAuth: clientSecretPost('s'), pkce: false });
    expect(s.clientId).toBe('c');
  });

  it('pkce: false stays refused for noClientAuth(), the name none, and no auth at all', () => {
    for (const clientAuth of [noClientAuth(), 'none' as const, undefined]) {
      expect(() => new OAuth2Session({ clientId: 'c', clientAuth, pkce: false })).toThrow(
        'pkce cannot be turned off for a public client (no clientSecret)',
      );
    }
  });
});

describe('OAuth2Session clientAuth: misuse', () => {
  it('new OAuth2Session: an unknown method name is a TypeError', () => {
    expect(() => session({ clientSecret: 's', clientAuth: 'private_key_jwt' as never })).toThrow(
      TypeError,
    );
  });

  it('clientSecretBasic / clientSecretPost without a secret: ERR_MISSING_OPTION', () => {
    expect(() => clientSecretBasic('')).toThrow(
      expect.objectContaining({ code: 'ERR_MISSING_OPTION' }),
    );
    expect(() => clientSecretPost(undefined as never)).toThrow(
      expect.objectContaining({ code: 'ERR_MISSING_OPTION' }),
    );
  });

  it('clientSecretBasic, clientSecretPost, noClientAuth: name their method as token_endpoint_auth_methods_supported does', () => {
    expect(clientSecretBasic('s').method).toBe('client_secret_basic');
    expect(clientSecretPost('s').method).toBe('client_secret_post');
    expect(noClientAuth().method).toBe('none');
  });
});
