/**
 * The rules of login transactions (`login-transaction.ts`) at their edges: the replay guard's
 * memory (until the transaction's lifetime ends, bounded), the id a shared lock marks, how many
 * pending transactions one browser keeps, the size limits with their exact errors, the cookie's
 * name and attributes, and what `open` answers (and clears) for each kind of bad callback.
 */
import {
  LoginTransactions,
  lockReplayGuard,
  MAX_PENDING_TRANSACTIONS,
  MAX_RETURN_PATH_BYTES,
  MAX_TRANSACTION_COOKIE_BYTES,
  MAX_TRANSACTION_COOKIES_BYTES,
  MemoryReplayGuard,
  type RefreshLock,
  Sealer,
  TRANSACTION_TTL_SECONDS,
} from 'oauth2-session/web';
import { describe, expect, it } from 'vitest';
import { CookieJar } from './helpers/cookie-jar.js';

const SECRET = 'login-transaction-secret-0123456789abcdef';
const NOW_MS = 1_700_000_000_000;

function setup(
  options: {
    secure?: boolean | undefined;
    now?: (() => number) | undefined;
    lock?: RefreshLock | undefined;
  } = {},
) {
  const now = options.now ?? (() => NOW_MS);
  const sealer = new Sealer({ secrets: SECRET, now });
  const replayGuard = options.lock ? lockReplayGuard(options.lock) : new MemoryReplayGuard(now);
  return new LoginTransactions({ sealer, secure: options.secure ?? false, replayGuard });
}
const callback = (jar: CookieJar) =>
  new Request('https://app.test/callback', { headers: { cookie: jar.header() } });
const tx = (state: string, returnTo = '/') => ({ state, codeVerifier: 'v'.repeat(43), returnTo });

/** A RefreshLock that records the keys it is asked for and grants each key once. */
function recordingLock() {
  const keys: { key: string; ttlMs: number }[] = [];
  const held = new Set<string>();
  const lock: RefreshLock = {
    acquire: async (key, ttlMs) => {
      keys.push({ key, ttlMs });
      if (held.has(key)) return null;
      held.add(key);
      return 'owner';
    },
    release: async () => false,
  };
  return { lock, keys };
}

describe('MemoryReplayGuard', () => {
  it('MemoryReplayGuard.consume: an id is refused until its ttl has passed, then accepted again', async () => {
    let now = NOW_MS;
    const guard = new MemoryReplayGuard(() => now);
    expect(await guard.consume('a', 1000)).toBe(true);
    now += 999;
    expect(await guard.consume('a', 1000)).toBe(false);
    now += 1;
    expect(await guard.consume('a', 1000)).toBe(true);
    expect(await guard.consume('a', 1000)).toBe(false);
  });

  it('MemoryReplayGuard.consume: past 10 000 ids the expired ones (up to this millisecond) are forgotten first', async () => {
    let now = NOW_MS;
    const guard = new MemoryReplayGuard(() => now);
    expect(await guard.consume('live', 1_000_000)).toBe(true);
    for (let i = 1; i < 10_000; i++) expect(await guard.consume(`old-${i}`, 10)).toBe(true);
    now += 10;
    expect(await guard.consume('new', 1_000_000)).toBe(true);
    // The oldest entry is still live: only the expired ones made room.
    expect(await guard.consume('live', 1_000_000)).toBe(false);
    expect(await guard.consume('new', 1_000_000)).toBe(false);
  });

  it('MemoryReplayGuard.consume: past 10 000 live ids the oldest one is forgotten, and only it', async () => {
    const guard = new MemoryReplayGuard(() => NOW_MS);
    for (let i = 0; i < 10_000; i++) await guard.consume(`id-${i}`, 1_000_000);
    expect(await guard.consume('id-10000', 1_000_000)).toBe(true);
    expect(await guard.consume('id-1', 1_000_000)).toBe(false);
    expect(await guard.consume('id-9999', 1_000_000)).toBe(false);
    expect(await guard.consume('id-0', 1_000_000)).toBe(true);
  });
  it('MemoryReplayGuard.consume (regression: re-marked id kept its first place): an id marked again after it expired is forgotten after the ids marked before that', async () => {
    let now = NOW_MS;
    const guard = new MemoryReplayGuard(() => now);
    expect(await guard.consume('again', 10)).toBe(true);
    for (let i = 1; i < 9_999; i++) await guard.consume(`earlier-${i}`, 1_000_000);
    now += 20;
    expect(await guard.consume('again', 1_000_000)).toBe(true);
    expect(await guard.consume('newest', 1_000_000)).toBe(true);
    // At the bound: the one forgotten is the oldest mark (earlier-1), not the re-marked id.
    expect(await guard.consume('newer', 1_000_000)).toBe(true);
    expect(await guard.consume('again', 1_000_000)).toBe(false);
    expect(await guard.consume('earlier-1', 1_000_000)).toBe(true);
  });
});

describe('lockReplayGuard', () => {
  it('lockReplayGuard: marks oauth2-tx-used:<id> for the ttl; a key already held is a replay', async () => {
    const { lock, keys } = recordingLock();
    const guard = lockReplayGuard(lock);
    expect(await guard.consume('abc', 5000)).toBe(true);
    expect(await guard.consume('abc', 5000)).toBe(false);
    expect(keys).toEqual([
      { key: 'oauth2-tx-used:abc', ttlMs: 5000 },
      { key: 'oauth2-tx-used:abc', ttlMs: 5000 },
    ]);
  });

  it('LoginTransactions.open: the guard is asked for the cookie name without its prefixes, for the transaction lifetime', async () => {
    for (const secure of [false, true]) {
      const { lock, keys } = recordingLock();
      const t = setup({ secure, lock });
      const jar = new CookieJar().apply([await t.begin(tx('s'))]);
      const [name] = jar.names();
      expect((await t.open(callback(jar), 's')).status).toBe('ok');
      expect(keys).toHaveLength(1);
      expect(name).toMatch(secure ? /^__Host-oauth2_tx_/ : /^oauth2_tx_/);
      const suffix = name!.replace(/^(__Host-)?oauth2_tx_/, '');
      expect(suffix).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(keys[0]).toEqual({
        key: `oauth2-tx-used:${suffix}`,
        ttlMs: TRANSACTION_TTL_SECONDS * 1000,
      });
    }
  });
});

describe('LoginTransactions.begin', () => {
  it('LoginTransactions.begin: the cookie is oauth2_tx_ + 128 bits of SHA-256(state), HttpOnly, for 600 s', async () => {
    const cookie = await setup().begin(tx('the-state'));
    const digest = new Uint8Array(
      await crypto.subtle.digest('SHA-256', new TextEncoder().encode('the-state')),
    );
    const suffix = btoa(String.fromCharCode(...digest.slice(0, 16)))
      .replaceAll('+', '-')
      .replaceAll('/', '_')
      .replace(/=+$/, '');
    expect(cookie.startsWith(`oauth2_tx_${suffix}=`)).toBe(true);
    expect(cookie).toMatch(/; Max-Age=600(;|$)/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(TRANSACTION_TTL_SECONDS).toBe(600);
    expect(await setup({ secure: true }).begin(tx('the-state'))).toMatch(
      new RegExp(`^__Host-oauth2_tx_${suffix}=.*; Secure`),
    );
  });

  it('LoginTransactions.begin: a return path of exactly MAX_RETURN_PATH_BYTES is kept; one byte more is refused', async () => {
    const t = setup();
    const exact = `/${'a'.repeat(MAX_RETURN_PATH_BYTES - 1)}`;
    const jar = new CookieJar().apply([await t.begin(tx('s', exact))]);
    expect(await t.open(callback(jar), 's')).toMatchObject({ transaction: { returnTo: exact } });
    await expect(t.begin(tx('s2', `${exact}a`))).rejects.toMatchObject({
      name: 'TypeError',
      code: 'ERR_INVALID_ARG_VALUE',
      message: `returnTo must be at most ${MAX_RETURN_PATH_BYTES} bytes`,
    });
  });

  it('LoginTransactions.begin: a transaction that would not fit in MAX_TRANSACTION_COOKIE_BYTES is refused', async () => {
    const t = setup();
    await expect(t.begin({ ...tx('s'), codeVerifier: 'v'.repeat(900) })).rejects.toMatchObject({
      name: 'TypeError',
      code: 'ERR_INVALID_ARG_VALUE',
      message: `login transaction must fit in ${MAX_TRANSACTION_COOKIE_BYTES} bytes`,
    });
  });

  it('LoginTransactions.begin: a cookie of exactly MAX_TRANSACTION_COOKIE_BYTES is made; one byte more is refused', async () => {
    const t = setup();
    const pairLength = (cookie: string) => cookie.split(';')[0]!.length;
    // The sealed value grows with the verifier, a byte or two at a time: find the exact fit.
    let n = 600;
    let cookie = await t.begin({ ...tx('s'), codeVerifier: 'v'.repeat(n) });
    while (pairLength(cookie) < MAX_TRANSACTION_COOKIE_BYTES) {
      n++;
      cookie = await t.begin({ ...tx('s'), codeVerifier: 'v'.repeat(n) });
    }
    expect(pairLength(cookie)).toBe(MAX_TRANSACTION_COOKIE_BYTES);
    await expect(t.begin({ ...tx('s'), codeVerifier: 'v'.repeat(n + 1) })).rejects.toMatchObject({
      message: `login transaction must fit in ${MAX_TRANSACTION_COOKIE_BYTES} bytes`,
    });
  });

  it('MAX_TRANSACTION_COOKIES_BYTES: the pending cookies of one browser with their separators', () => {
    expect(MAX_TRANSACTION_COOKIES_BYTES).toBe(
      MAX_PENDING_TRANSACTIONS * (MAX_TRANSACTION_COOKIE_BYTES + 2),
    );
    expect(MAX_TRANSACTION_COOKIES_BYTES).toBe(4808);
  });
});

describe('LoginTransactions.prune', () => {
  it('LoginTransactions.prune: fewer than MAX_PENDING_TRANSACTIONS pending keep them all; at it, all are expired', async () => {
    const t = setup();
    const jar = new CookieJar().apply([`other=1`]);
    for (let i = 0; i < MAX_PENDING_TRANSACTIONS - 1; i++) jar.apply([await t.begin(tx(`s${i}`))]);
    const request = () =>
      new Request('https://app.test/login', { headers: { cookie: jar.header() } });
    expect(t.prune(request())).toEqual([]);
    jar.apply([await t.begin(tx('last'))]);
    const cleared = t.prune(request());
    expect(cleared).toHaveLength(MAX_PENDING_TRANSACTIONS);
    for (const line of cleared) expect(line).toMatch(/^oauth2_tx_[^=]+=; .*Max-Age=0/);
    expect(jar.apply(cleared).names()).toEqual(['other']);
  });

  it('LoginTransactions.prune: counts only the cookies of its own naming (__Host- when secure)', async () => {
    const plain = setup();
    const jar = new CookieJar();
    for (let i = 0; i < MAX_PENDING_TRANSACTIONS; i++) jar.apply([await plain.begin(tx(`s${i}`))]);
    const request = new Request('https://app.test/login', { headers: { cookie: jar.header() } });
    expect(setup({ secure: true }).prune(request)).toEqual([]);
    expect(plain.prune(request)).toHaveLength(MAX_PENDING_TRANSACTIONS);
  });
});

describe('LoginTransactions.open', () => {
  it('LoginTransactions.open: a state over 512 characters is missing, with nothing to clear', async () => {
    const t = setup();
    const long = 's'.repeat(513);
    const jar = new CookieJar().apply([await t.begin(tx(long))]);
    expect(await t.open(callback(jar), long)).toEqual({ status: 'missing', clear: [] });
    const longest = 's'.repeat(512);
    jar.apply([await t.begin(tx(longest))]);
    expect((await t.open(callback(jar), longest)).status).toBe('ok');
  });

  it('LoginTransactions.open: no cookie for the state is missing, with nothing to clear', async () => {
    const t = setup();
    expect(await t.open(callback(new CookieJar()), 's')).toEqual({ status: 'missing', clear: [] });
    expect(await t.open(callback(new CookieJar()), '')).toEqual({ status: 'missing', clear: [] });
  });

  it('LoginTransactions.open: a cookie that does not unseal is invalid and cleared', async () => {
    const t = setup();
    const jar = new CookieJar().apply([await t.begin(tx('s'))]);
    const [name] = jar.names();
    jar.cookies.set(name!, 'v1.x.y.z');
    const opened = await t.open(callback(jar), 's');
    expect(opened.status).toBe('invalid');
    expect(opened.clear).toHaveLength(1);
    expect(opened.clear[0]).toMatch(new RegExp(`^${name}=; .*Max-Age=0`));
  });

  it("LoginTransactions.open: another transaction's cookie under this state's name is invalid", async () => {
    const t = setup();
    const jar = new CookieJar().apply([await t.begin(tx('mine'))]);
    const theirs = new CookieJar().apply([await t.begin(tx('theirs'))]);
    const [mine] = jar.names();
    // Sealed for the other name, the value does not open under this one.
    jar.cookies.set(mine!, theirs.cookies.values().next().value!);
    expect((await t.open(callback(jar), 'mine')).status).toBe('invalid');
  });

  it('LoginTransactions.open: a sealed value that is not a transaction is invalid', async () => {
    const sealer = new Sealer({ secrets: SECRET, now: () => NOW_MS });
    const t = new LoginTransactions({ sealer, secure: false });
    const name = (await t.begin(tx('s'))).split('=')[0]!;
    for (const data of [
      { state: 's', codeVerifier: 'v' },
      { state: 's', returnTo: 5, codeVerifier: 'v' },
      { state: 's', returnTo: '/', codeVerifier: 5 },
      { state: 5, returnTo: '/', codeVerifier: 'v' },
      { state: 'other', returnTo: '/', codeVerifier: 'v' },
      { state: ['s'], returnTo: '/', codeVerifier: 'v' },
      null,
      'a string',
    ]) {
      const jar = new CookieJar().apply([`${name}=${await sealer.seal(name, data, 600)}`]);
      expect((await t.open(callback(jar), 's')).status, JSON.stringify(data)).toBe('invalid');
    }
    const ok = { state: 's', returnTo: '/x' };
    const jar = new CookieJar().apply([`${name}=${await sealer.seal(name, ok, 600)}`]);
    expect(await t.open(callback(jar), 's')).toMatchObject({
      status: 'ok',
      transaction: { state: 's', returnTo: '/x' },
    });
  });

  it('LoginTransactions.open: replayed after it was used once, with the cookie cleared', async () => {
    const t = setup();
    const jar = new CookieJar().apply([await t.begin(tx('s'))]);
    expect((await t.open(callback(jar), 's')).status).toBe('ok');
    const again = await t.open(callback(jar), 's');
    expect(again.status).toBe('replayed');
    expect(again.clear).toHaveLength(1);
  });

  it('LoginTransactions: without a replay guard, an in-process one is used', async () => {
    const t = new LoginTransactions({ sealer: new Sealer({ secrets: SECRET }), secure: false });
    const jar = new CookieJar().apply([await t.begin(tx('s'))]);
    expect((await t.open(callback(jar), 's')).status).toBe('ok');
    expect((await t.open(callback(jar), 's')).status).toBe('replayed');
  });

  it('LoginTransactions.open: a state begun in another process (no remembered name) opens the same', async () => {
    const begun = await setup().begin(tx('s'));
    const jar = new CookieJar().apply([begun]);
    expect((await setup().open(callback(jar), 's')).status).toBe('ok');
  });
});
