/**
 * `refreshToken(url?, { refreshToken, extraParams })`: requests-oauthlib's `refresh_token=` (an
 * explicit refresh token for this call) and extra body parameters, which cannot replace the
 * grant's own `grant_type` / `refresh_token`; a refused token is never sent again, explicit or not.
 */
import { InvalidGrantError, OAuth2Session } from 'oauth2-session';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Recorded, startServer, type TestServer } from './helpers/server.js';

let server: TestServer;
beforeEach(async () => {
  server = await startServer((req: Recorded) =>
    req.form.get('refresh_token') === 'rt-refused'
      ? { status: 400, body: { error: 'invalid_grant' } }
      : { body: { access_token: `at-for-${req.form.get('refresh_token')}`, token_type: 'Bearer' } },
  );
});
afterEach(() => server.close());

const session = (token = { access_token: 'at-0', token_type: 'Bearer', refresh_token: 'rt-own' }) =>
  new OAuth2Session({
    clientId: 'c',
    clientSecret: 's',
    token,
    autoRefreshUrl: `${server.url}/token`,
  });

describe('OAuth2Session.refreshToken arguments', () => {
  it('refreshToken(url, { refreshToken }) sends that refresh token and keeps it on the new token', async () => {
    const s = session();
    const token = await s.refreshToken(undefined, { refreshToken: 'rt-given' });
    expect(server.requests[0]!.form.get('refresh_token')).toBe('rt-given');
    expect(token).toMatchObject({ access_token: 'at-for-rt-given', refresh_token: 'rt-given' });
    expect(s.token).toBe(token);
  });

  it('refreshToken({ refreshToken }) works on a session without a token', async () => {
    const s = new OAuth2Session({ clientId: 'c', clientSecret: 's' });
    const token = await s.refreshToken(`${server.url}/token`, { refreshToken: 'rt-given' });
    expect(token.access_token).toBe('at-for-rt-given');
  });

  it('refreshToken extraParams cannot replace grant_type or refresh_token', async () => {
    await session().refreshToken(undefined, {
      extraParams: { grant_type: 'password', refresh_token: 'rt-evil', audience: 'api' },
    });
    const form = server.requests[0]!.form;
    expect(form.get('grant_type')).toBe('refresh_token');
    expect(form.getAll('refresh_token')).toEqual(['rt-own']);
    expect(form.get('audience')).toBe('api');
  });

  it('refreshToken with a refused explicit token: never sent again, the own one still works', async () => {
    const s = session();
    await expect(s.refreshToken(undefined, { refreshToken: 'rt-refused' })).rejects.toBeInstanceOf(
      InvalidGrantError,
    );
    await expect(s.refreshToken(undefined, { refreshToken: 'rt-refused' })).rejects.toBeInstanceOf(
      InvalidGrantError,
    );
    expect(server.count()).toBe(1);
    expect((await s.refreshToken()).access_token).toBe('at-for-rt-own');
  });

  it('refreshToken with an empty refreshToken and no token of its own: ERR_NO_TOKEN, no request', async () => {
    const s = new OAuth2Session({ clientId: 'c', clientSecret: 's' });
    await expect(s.refreshToken(`${server.url}/token`, { refreshToken: '' })).rejects.toMatchObject(
      { name: 'TypeError', code: 'ERR_NO_TOKEN' },
    );
    expect(server.count()).toBe(0);
  });
});
