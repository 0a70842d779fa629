import { OAuth2Error, OAuth2Session } from 'oauth2-session';
import { afterEach, describe, expect, it } from 'vitest';
import { type Reply, startServer, type TestServer } from './helpers/server.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function revocationServer(reply: Reply = { status: 200 }) {
  server = await startServer(() => reply);
  return { url: `${server.url}/revoke`, server };
}

const token = { access_token: 'access-1', token_type: 'Bearer', refresh_token: 'refresh-1' };

describe('OAuth2Session.revokeToken (RFC 7009)', () => {
  it('POSTs the refresh token with its hint and client_secret_basic, then forgets the token', async () => {
    const { url, server } = await revocationServer();
    const s = new OAuth2Session({ clientId: 'c', clientSecret: 's', token });
    await s.revokeToken(url);
    const [req] = server.requests;
    expect(req?.method).toBe('POST');
    expect(req?.form.get('token')).toBe('refresh-1');
    expect(req?.form.get('token_type_hint')).toBe('refresh_token');
    expect(req?.headers.authorization).toBe(`Basic ${btoa('c:s')}`);
    expect(s.token).toBeUndefined();
  });

  it('revokes the access token when there is no refresh token, or when asked', async () => {
    const { url, server } = await revocationServer();
    await new OAuth2Session({
      clientId: 'c',
      token: { ...token, refresh_token: undefined },
    }).revokeToken(url);
    await new OAuth2Session({ clientId: 'c', token }).revokeToken(url, {
      tokenTypeHint: 'access_token',
    });
    for (const req of server.requests) {
      expect(req.form.get('token')).toBe('access-1');
      expect(req.form.get('token_type_hint')).toBe('access_token');
      expect(req.form.get('client_id')).toBe('c');
    }
    expect(server.count()).toBe(2);
  });

  it('an OAuth error body is its typed error, whatever the status; the token is kept', async () => {
    const { url } = await revocationServer({
      status: 400,
      body: { error: 'unsupported_token_type' },
    });
    const s = new OAuth2Session({ clientId: 'c', token });
    const e = await s.revokeToken(url).catch((x) => x);
    expect(e).toBeInstanceOf(OAuth2Error);
    expect(e.error).toBe('unsupported_token_type');
    expect(s.token).toEqual(token);
  });

  it('a 503 without an OAuth body is OAUTH_HTTP_ERROR with its status', async () => {
    const { url } = await revocationServer({ status: 503, body: 'down for maintenance' });
    const e = await new OAuth2Session({ clientId: 'c', token }).revokeToken(url).catch((x) => x);
    expect(e.code).toBe('OAUTH_HTTP_ERROR');
    expect(e.status).toBe(503);
  });

  it('a redirect is refused, not followed', async () => {
    const { url, server } = await revocationServer({
      status: 307,
      headers: { location: 'https://elsewhere.example/revoke' },
    });
    const e = await new OAuth2Session({ clientId: 'c', token }).revokeToken(url).catch((x) => x);
    expect(e.code).toBe('OAUTH_UNEXPECTED_REDIRECT');
    expect(server.count()).toBe(1);
  });

  it('refuses without a token, or over plain http to a non-loopback host, before any request', async () => {
    await expect(
      new OAuth2Session({ clientId: 'c' }).revokeToken('https://a.example/r'),
    ).rejects.toMatchObject({ code: 'ERR_NO_TOKEN' });
    await expect(
      new OAuth2Session({ clientId: 'c', token }).revokeToken('http://idp.example/revoke'),
    ).rejects.toMatchObject({ code: 'OAUTH_INSECURE_TRANSPORT' });
  });
});
