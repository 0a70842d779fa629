/**
 * `clientSecretBasic(secret, options)`: `includeClientId` (requests-oauthlib's
 * `include_client_id`) sends `client_id` in the body as well as HTTP Basic; `allowEmpty` sends
 * Basic with an empty password (requests-oauthlib's `client_secret=""`), only when asked for.
 */
import { clientSecretBasic, OAuth2Session, type OAuth2SessionOptions } from 'oauth2-session';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer, tokenReply } from './helpers/server.js';

let server: TestServer;
beforeEach(async () => {
  server = await startServer(() => tokenReply({ refresh_token: 'rt-2' }));
});
afterEach(() => server.close());

const session = (extra: Partial<OAuth2SessionOptions>) =>
  new OAuth2Session({
    clientId: 'client:1',
    pkce: false,
    clientSecret: 'x',
    server: { token_endpoint: `${server.url}/token` },
    token: { access_token: 'at', token_type: 'Bearer', refresh_token: 'rt-1' },
    ...extra,
  });
const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${secret}`).toString('base64')}`;

describe('clientSecretBasic options', () => {
  it('clientSecretBasic(secret, { includeClientId: true }) sends Basic and client_id in the body', async () => {
    await session({ clientAuth: clientSecretBasic('s3', { includeClientId: true }) }).fetchToken({
      code: 'c',
    });
    const [req] = server.requests;
    expect(req!.headers.authorization).toBe(basic('client:1', 's3'));
    expect(req!.form.get('client_id')).toBe('client:1');
    expect(req!.form.has('client_secret')).toBe(false);
  });

  it('clientSecretBasic(secret) leaves client_id out of the body by default, refresh included', async () => {
    await session({ clientAuth: clientSecretBasic('s3') }).refreshToken();
    const [req] = server.requests;
    expect(req!.headers.authorization).toBe(basic('client:1', 's3'));
    expect(req!.form.has('client_id')).toBe(false);
  });

  it("clientSecretBasic('', { allowEmpty: true }) sends Basic with an empty password", async () => {
    const auth = clientSecretBasic('', { allowEmpty: true, includeClientId: true });
    await session({ clientSecret: undefined, clientAuth: auth }).refreshToken();
    const [req] = server.requests;
    expect(req!.headers.authorization).toBe(basic('client:1', ''));
    expect(req!.form.get('client_id')).toBe('client:1');
  });

  it("clientSecretBasic('') without allowEmpty is refused, and an empty clientSecret never sends Basic", async () => {
    expect(() => clientSecretBasic('')).toThrow(
      expect.objectContaining({ name: 'TypeError', code: 'ERR_MISSING_OPTION' }),
    );
    expect(() => clientSecretBasic('', { includeClientId: true })).toThrow(TypeError);
    expect(() => session({ clientSecret: '', clientAuth: 'client_secret_basic' })).toThrow(
      TypeError,
    );
    await session({ clientSecret: '', clientAuth: undefined, pkce: 'S256' }).refreshToken();
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
    expect(server.requests[0]!.form.get('client_id')).toBe('client:1');
  });
});
