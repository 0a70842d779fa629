/**
 * readConfig: the example app's environment contract (fixed names, meanings and defaults),
 * which an outside check drives.
 */
import { describe, expect, test } from 'vitest';
import { GITHUB_ENDPOINTS, readConfig } from '../../examples/github/config.js';

const SECRET = 'x'.repeat(32);

describe('readConfig', () => {
  test('readConfig: defaults are port 5000, GitHub endpoints, no redirect URI, no scope, cookie store', () => {
    const config = readConfig({});
    expect(config.port).toBe(5000);
    expect(config.client).toBeUndefined();
    expect(config).toMatchObject(GITHUB_ENDPOINTS);
    expect(config.redirectUri).toBeUndefined();
    expect(config.scope).toEqual([]);
    expect(config.sessionStore).toEqual({ kind: 'cookie' });
    expect(config.allowInsecureTransport).toBe(false);
  });

  test('readConfig: without SESSION_SECRET a random 32+ character secret is made per start', () => {
    const a = readConfig({});
    const b = readConfig({});
    expect(a.sessionSecretGenerated).toBe(true);
    expect(a.sessionSecret.length).toBeGreaterThanOrEqual(32);
    expect(a.sessionSecret).not.toBe(b.sessionSecret);
  });

  test('readConfig: every contract variable is read', () => {
    const config = readConfig({
      PORT: '8123',
      OAUTH_CLIENT_ID: 'id',
      OAUTH_CLIENT_SECRET: 'secret',
      OAUTH_AUTHORIZE_URL: 'http://127.0.0.1:1/auth',
      OAUTH_TOKEN_URL: 'http://127.0.0.1:1/token',
      OAUTH_USER_URL: 'http://127.0.0.1:1/me',
      OAUTH_REDIRECT_URI: 'http://127.0.0.1:8123/callback',
      OAUTH_SCOPE: ' openid  read:user ',
      SESSION_SECRET: SECRET,
      SESSION_STORE: 'redis://127.0.0.1:6379/0',
      OAUTH2_INSECURE_TRANSPORT: '1',
    });
    expect(config).toMatchObject({
      port: 8123,
      client: { clientId: 'id', clientSecret: 'secret' },
      authorizeUrl: 'http://127.0.0.1:1/auth',
      tokenUrl: 'http://127.0.0.1:1/token',
      userUrl: 'http://127.0.0.1:1/me',
      redirectUri: 'http://127.0.0.1:8123/callback',
      scope: ['openid', 'read:user'],
      sessionSecret: SECRET,
      sessionSecretGenerated: false,
      sessionStore: { kind: 'redis', url: 'redis://127.0.0.1:6379/0' },
      allowInsecureTransport: true,
    });
  });

  test('readConfig: SESSION_STORE=memory selects the memory store', () => {
    expect(readConfig({ SESSION_STORE: 'memory' }).sessionStore).toEqual({ kind: 'memory' });
  });

  test.each([
    [{ SESSION_SECRET: 'short' }, 'ERR_SESSION_SECRET_TOO_SHORT'],
    [{ PORT: 'http' }, 'ERR_INVALID_PORT'],
    [{ PORT: '70000' }, 'ERR_INVALID_PORT'],
    [{ SESSION_STORE: 'mongodb://x' }, 'ERR_SESSION_STORE'],
  ])('readConfig: %o is refused with code %s', (env, code) => {
    expect(() => readConfig(env)).toThrow(expect.objectContaining({ name: 'TypeError', code }));
  });

  test('readConfig: the secret-length error does not echo the value', () => {
    const secretish = 'do-not-print-me';
    expect(() => readConfig({ SESSION_SECRET: secretish })).toThrow(
      expect.not.objectContaining({ message: expect.stringContaining(secretish) }),
    );
  });
});
