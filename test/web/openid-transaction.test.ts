/**
 * The OpenID nonce in the login transaction: kept sealed with state and verifier, read back at
 * the callback, a transaction whose nonce is not a non-empty string refused, and the cookie-size
 * bounds still honest with the nonce in (the largest transaction fits
 * MAX_TRANSACTION_COOKIE_BYTES; crafted links stay within MAX_TRANSACTION_COOKIES_BYTES).
 */
import { openidLogin } from 'oauth2-session/oidc';
import {
  createOAuthHandlers,
  LoginTransactions,
  MAX_PENDING_TRANSACTIONS,
  MAX_RETURN_PATH_BYTES,
  MAX_TRANSACTION_COOKIE_BYTES,
  MAX_TRANSACTION_COOKIES_BYTES,
  MemoryReplayGuard,
  Sealer,
} from 'oauth2-session/web';
import { describe, expect, it } from 'vitest';
import { CookieJar } from './helpers/cookie-jar.js';
import { CLIENT_ID, FakeOp } from './helpers/openid-op.js';

const SECRET = 'openid-transaction-secret-0123456789-abcdef';
const APP = 'http://127.0.0.1:5991';
const pairBytes = (line: string) => line.split(';')[0]!.length;
const callbackRequest = (jar: CookieJar) =>
  new Request(`${APP}/callback`, { headers: { cookie: jar.header() } });

function transactions() {
  const sealer = new Sealer({ secrets: SECRET });
  return {
    sealer,
    tx: new LoginTransactions({ sealer, secure: true, replayGuard: new MemoryReplayGuard() }),
  };
}

describe('LoginTransactions with a nonce', () => {
  it('LoginTransactions.begin: the largest transaction (512-byte path, 128-character verifier, 43-character nonce) fits MAX_TRANSACTION_COOKIE_BYTES', async () => {
    const { tx } = transactions();
    const line = await tx.begin({
      state: 's'.repeat(43),
      codeVerifier: 'v'.repeat(128),
      nonce: 'n'.repeat(43),
      returnTo: `/${'a'.repeat(MAX_RETURN_PATH_BYTES - 1)}`,
    });
    expect(pairBytes(line)).toBeLessThanOrEqual(MAX_TRANSACTION_COOKIE_BYTES);
  });

  it('LoginTransactions.open: the nonce comes back with state and verifier', async () => {
    const { tx } = transactions();
    const jar = new CookieJar().apply([
      await tx.begin({ state: 'st', codeVerifier: 'cv', nonce: 'the-nonce', returnTo: '/p' }),
    ]);
    expect(await tx.open(callbackRequest(jar), 'st')).toMatchObject({
      status: 'ok',
      transaction: { state: 'st', codeVerifier: 'cv', nonce: 'the-nonce', returnTo: '/p' },
    });
  });

  it('LoginTransactions.open: a sealed transaction whose nonce is not a non-empty string is invalid', async () => {
    for (const nonce of ['', 42, { a: 1 }, null]) {
      const { sealer, tx } = transactions();
      // Sealed with the right key under the right name: only the shape is wrong.
      const line = await tx.begin({ state: 'st', codeVerifier: 'cv', returnTo: '/' });
      const name = line.split('=')[0]!;
      const sealed = await sealer.seal(
        name,
        { state: 'st', codeVerifier: 'cv', returnTo: '/', nonce },
        600,
      );
      const jar = new CookieJar();
      jar.cookies.set(name, sealed);
      expect((await tx.open(callbackRequest(jar), 'st')).status).toBe('invalid');
    }
  });
});

describe('createOAuthHandlers({ openid }) login: transaction cookie size', () => {
  it('forty crafted links with the longest return path leave at most MAX_TRANSACTION_COOKIES_BYTES of cookies', async () => {
    const op = await FakeOp.start();
    const auth = createOAuthHandlers({
      clientId: CLIENT_ID,
      server: op.server,
      redirectUri: `${APP}/callback`,
      session: { secrets: SECRET },
      fetch: op.fetch,
      openid: openidLogin(),
    });
    const jar = new CookieJar();
    const longest = `/${'a'.repeat(MAX_RETURN_PATH_BYTES - 1)}`;
    for (let i = 0; i < 40; i++) {
      const login = await auth.login(
        new Request(`${APP}/login?return_to=${encodeURIComponent(longest)}`, {
          headers: { cookie: jar.header() },
        }),
      );
      expect(new URL(login.headers.get('location')!).searchParams.get('nonce')).toBeTruthy();
      for (const line of login.headers.getSetCookie())
        expect(pairBytes(line)).toBeLessThanOrEqual(MAX_TRANSACTION_COOKIE_BYTES);
      jar.applyResponse(login);
      expect(jar.names('oauth2_tx_').length).toBeLessThanOrEqual(MAX_PENDING_TRANSACTIONS);
      expect(jar.header().length).toBeLessThanOrEqual(MAX_TRANSACTION_COOKIES_BYTES);
    }
  });
});
