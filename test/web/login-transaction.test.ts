import { LoginTransactions, MemoryReplayGuard, Sealer } from 'oauth2-session/web';
import { describe, expect, it } from 'vitest';
import { CookieJar } from './helpers/cookie-jar.js';

const SECRET = 'login-transaction-secret-0123456789abcdef';

function setup(now: () => number = Date.now) {
  const sealer = new Sealer({ secrets: SECRET, now });
  return new LoginTransactions({ sealer, secure: false, replayGuard: new MemoryReplayGuard(now) });
}

const callbackRequest = (jar: CookieJar) =>
  new Request('http://app.test/callback', { headers: { cookie: jar.header() } });

describe('LoginTransactions', () => {
  it('begin/open: one cookie per transaction, named by state, several at once', async () => {
    const tx = setup();
    const jar = new CookieJar();
    for (const state of ['state-one', 'state-two', 'state-three']) {
      jar.apply([await tx.begin({ state, codeVerifier: `v-${state}`, returnTo: `/${state}` })]);
    }
    expect(jar.names('oauth2_tx_')).toHaveLength(3);
    expect(jar.header()).not.toContain('state-');
    const two = await tx.open(callbackRequest(jar), 'state-two');
    expect(two).toMatchObject({
      status: 'ok',
      transaction: { state: 'state-two', codeVerifier: 'v-state-two', returnTo: '/state-two' },
    });
    jar.apply(two.clear);
    expect(jar.names('oauth2_tx_')).toHaveLength(2);
    expect((await tx.open(callbackRequest(jar), 'state-one')).status).toBe('ok');
  });

  it('open: used once; a second open of the same cookie is replayed', async () => {
    const tx = setup();
    const jar = new CookieJar().apply([
      await tx.begin({ state: 's', codeVerifier: undefined, returnTo: '/' }),
    ]);
    expect((await tx.open(callbackRequest(jar), 's')).status).toBe('ok');
    const again = await tx.open(callbackRequest(jar), 's');
    expect(again.status).toBe('replayed');
    expect(again.clear[0]).toMatch(/Max-Age=0/);
  });

  it('open: expires after 10 minutes', async () => {
    let now = 1_700_000_000_000;
    const tx = setup(() => now);
    const jar = new CookieJar().apply([
      await tx.begin({ state: 's', codeVerifier: 'v', returnTo: '/' }),
    ]);
    now += 600_000;
    expect((await tx.open(callbackRequest(jar), 's')).status).toBe('invalid');
  });

  it('open: missing state or missing cookie is missing', async () => {
    const tx = setup();
    const jar = new CookieJar().apply([
      await tx.begin({ state: 's', codeVerifier: 'v', returnTo: '/' }),
    ]);
    expect((await tx.open(callbackRequest(jar), null)).status).toBe('missing');
    expect((await tx.open(callbackRequest(jar), 'other')).status).toBe('missing');
    expect((await tx.open(callbackRequest(new CookieJar()), 's')).status).toBe('missing');
  });
});
