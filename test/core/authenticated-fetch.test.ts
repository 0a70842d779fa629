import { OAuth2Session, UnsupportedTokenTypeError } from 'oauth2-session';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer((req) => ({
    body: {
      method: req.method,
      path: req.path,
      auth: req.headers.authorization ?? null,
      x: req.headers['x-app'] ?? null,
      ua: req.headers['user-agent'],
    },
  }));
});
afterAll(() => server.close());

const session = (token_type = 'Bearer', extra = {}) =>
  new OAuth2Session({ clientId: 'c', token: { access_token: 'tok', token_type }, ...extra });

describe('OAuth2Session.fetch', () => {
  it('adds Authorization: Bearer (token_type compared case-insensitively) and keeps caller headers', async () => {
    const body = await (
      await session('bEaReR').fetch(`${server.url}/me`, { headers: { 'x-app': '1' } })
    ).json();
    expect(body).toMatchObject({ method: 'GET', auth: 'Bearer tok', x: '1' });
  });

  it('takes a Request, keeping its method and headers', async () => {
    const req = new Request(`${server.url}/r`, {
      method: 'PUT',
      headers: { 'x-app': 'req' },
      body: 'b',
    });
    expect(await (await session().fetch(req)).json()).toMatchObject({
      method: 'PUT',
      auth: 'Bearer tok',
      x: 'req',
    });
  });

  it('get/post/put/patch/delete set the method', async () => {
    const s = session();
    for (const m of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      expect((await (await s[m](new URL(`${server.url}/m`))).json()).method).toBe(m.toUpperCase());
    }
  });

  it('refuses an unknown token type, without a request', async () => {
    const before = server.count();
    await expect(session('MAC').get(`${server.url}/me`)).rejects.toBeInstanceOf(
      UnsupportedTokenTypeError,
    );
    expect(server.count()).toBe(before);
  });

  it('without a token: TypeError ERR_NO_TOKEN, without a request', async () => {
    const before = server.count();
    await expect(
      new OAuth2Session({ clientId: 'c' }).get(`${server.url}/me`),
    ).rejects.toMatchObject({ name: 'TypeError', code: 'ERR_NO_TOKEN' });
    expect(server.count()).toBe(before);
  });

  it('protectedRequest hooks (option and registerComplianceHook) run in order', async () => {
    const s = session('Bearer', {
      hooks: {
        protectedRequest: ({ headers }: { headers: Headers }) => void headers.set('x-app', 'a'),
      },
    });
    s.registerComplianceHook('protectedRequest', ({ url, headers }) => ({
      url: url.replace('/old', '/new'),
      headers: new Headers({ 'x-app': `${headers.get('x-app')}b` }),
    }));
    expect(await (await s.get(`${server.url}/old`)).json()).toMatchObject({
      path: '/new',
      x: 'ab',
      auth: 'Bearer tok',
    });
  });

  it('registerComplianceHook refuses unknown names', () => {
    expect(() => session().registerComplianceHook('nope' as never, (() => {}) as never)).toThrow(
      TypeError,
    );
  });

  it('rejects invalid options with TypeErrors', () => {
    // One misuse vocabulary: an absent option is ERR_MISSING_OPTION, a wrong type ERR_INVALID_ARG_TYPE.
    expect(() => new OAuth2Session({} as never)).toThrow(
      expect.objectContaining({ code: 'ERR_MISSING_OPTION' }),
    );
    expect(() => new OAuth2Session({ clientId: 42 } as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
    expect(
      () => new OAuth2Session({ clientId: 'c', clientAuth: 'private_key_jwt' as never }),
    ).toThrow(TypeError);
    expect(() => new OAuth2Session({ clientId: 'c', timeoutMs: -1 })).toThrow(TypeError);
    expect(() => new OAuth2Session({ clientId: 'c', token: {} as never })).toThrow(TypeError);
  });
});
