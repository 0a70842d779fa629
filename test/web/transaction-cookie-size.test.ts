/**
 * The login transaction's cookie is bounded after encoding: a return path over
 * MAX_RETURN_PATH_BYTES once percent-encoded is dropped (the after-login path is kept instead),
 * and the pending transactions of one browser stay within MAX_TRANSACTION_COOKIES_BYTES.
 */
import {
  createOAuthHandlers,
  LoginTransactions,
  loginReturnPath,
  MAX_PENDING_TRANSACTIONS,
  MAX_RETURN_PATH_BYTES,
  MAX_TRANSACTION_COOKIE_BYTES,
  MAX_TRANSACTION_COOKIES_BYTES,
  type OAuthHandlersOptions,
  Sealer,
} from 'oauth2-session/web';
import { describe, expect, it } from 'vitest';
import { CookieJar } from './helpers/cookie-jar.js';

const SECRET = 'tx-size-secret-0123456789-abcdefghijklmn';
const APP = 'http://127.0.0.1:5996';
/** 2000 characters, accepted by the raw length check, 18 000 bytes once percent-encoded. */
const INFLATING = `/${'€'.repeat(1999)}`;

function handlers(extra: Partial<OAuthHandlersOptions> = {}) {
  return createOAuthHandlers({
    clientId: 'app',
    server: {
      authorization_endpoint: 'https://op.example/authorize',
      token_endpoint: 'https://op.example/token',
    },
    session: { secrets: SECRET },
    afterLoginPath: '/home',
    ...extra,
  });
}

const pairBytes = (line: string) => line.split(';')[0]!.length;

describe('loginReturnPath', () => {
  it('loginReturnPath: a path is kept up to MAX_RETURN_PATH_BYTES after encoding, dropped past it', () => {
    expect(loginReturnPath('/profile?tab=1', '/home')).toBe('/profile?tab=1');
    expect(loginReturnPath(null, '/home')).toBe('/home');
    const longest = `/${'a'.repeat(MAX_RETURN_PATH_BYTES - 1)}`;
    expect(loginReturnPath(longest, '/home')).toBe(longest);
    expect(loginReturnPath(`${longest}a`, '/home')).toBe('/home');
    // 100 characters, 901 bytes encoded: measured after encoding, not before.
    expect(loginReturnPath(`/${'€'.repeat(100)}`, '/home')).toBe('/home');
    expect(loginReturnPath(INFLATING, '/home')).toBe('/home');
  });

  it('loginReturnPath: an unsafe path still falls back to / (safeReturnPath)', () => {
    expect(loginReturnPath('//evil.example', '/home')).toBe('/');
  });
});

describe('createOAuthHandlers login: transaction cookie size', () => {
  it('createOAuthHandlers login: a return path that inflates when encoded is dropped, never stored (defect: 431 lock-out)', async () => {
    const auth = handlers();
    const login = await auth.login(
      new Request(`${APP}/login?return_to=${encodeURIComponent(INFLATING)}`),
    );
    expect(login.status).toBe(302);
    const [line] = login.headers.getSetCookie();
    expect(pairBytes(line!)).toBeLessThanOrEqual(MAX_TRANSACTION_COOKIE_BYTES);
    expect(pairBytes(line!)).toBeLessThan(1100);
  });

  it('createOAuthHandlers login: forty crafted links leave at most MAX_TRANSACTION_COOKIES_BYTES of cookies', async () => {
    const auth = handlers();
    const jar = new CookieJar();
    const longest = `/${'a'.repeat(MAX_RETURN_PATH_BYTES - 1)}`;
    for (let i = 0; i < 40; i++) {
      const path = i % 2 ? INFLATING : longest;
      const login = await auth.login(
        new Request(`${APP}/login?return_to=${encodeURIComponent(path)}`, {
          headers: { cookie: jar.header() },
        }),
      );
      jar.applyResponse(login);
      expect(jar.names('oauth2_tx_').length).toBeLessThanOrEqual(MAX_PENDING_TRANSACTIONS);
      expect(jar.header().length).toBeLessThanOrEqual(MAX_TRANSACTION_COOKIES_BYTES);
    }
    expect(MAX_TRANSACTION_COOKIES_BYTES).toBeLessThanOrEqual(5000);
  });

  it('createOAuthHandlers: an afterLoginPath over MAX_RETURN_PATH_BYTES is refused at start-up', () => {
    expect(() => handlers({ afterLoginPath: `/${'a'.repeat(MAX_RETURN_PATH_BYTES)}` })).toThrow(
      expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' }),
    );
  });
});

describe('LoginTransactions.begin', () => {
  const tx = new LoginTransactions({ sealer: new Sealer({ secrets: SECRET }), secure: true });

  it('LoginTransactions.begin: the largest transaction (512-byte path, 128-character verifier) fits MAX_TRANSACTION_COOKIE_BYTES', async () => {
    const line = await tx.begin({
      state: 's'.repeat(43),
      codeVerifier: 'v'.repeat(128),
      returnTo: `/${'a'.repeat(MAX_RETURN_PATH_BYTES - 1)}`,
    });
    expect(pairBytes(line)).toBeLessThanOrEqual(MAX_TRANSACTION_COOKIE_BYTES);
  });

  it('LoginTransactions.begin: a return path over MAX_RETURN_PATH_BYTES, or a cookie over the bound, is a TypeError', async () => {
    const misuse = expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' });
    await expect(
      tx.begin({
        state: 's',
        codeVerifier: 'v',
        returnTo: `/${'a'.repeat(MAX_RETURN_PATH_BYTES)}`,
      }),
    ).rejects.toThrow(misuse);
    await expect(
      tx.begin({ state: 's'.repeat(400), codeVerifier: 'v'.repeat(400), returnTo: '/' }),
    ).rejects.toThrow(misuse);
  });
});
