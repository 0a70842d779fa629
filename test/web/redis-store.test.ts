import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { RedisStore, SessionStoreUnavailableError } from 'oauth2-session/redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RedisHandle, redisAvailable, startRedis } from '../harness/redis.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const FAIL_FAST_MS = 2000;
const SECRET = 'gho_SECRET-ACCESS-TOKEN-never-in-errors';

/** Stores and clients a test opens; closed after it whatever happened. */
const opened: { close(): Promise<unknown> }[] = [];
function track<T extends { close(): Promise<unknown> }>(thing: T): T {
  opened.push(thing);
  return thing;
}
function raw(url: string): Redis {
  const client = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 1 });
  track({ close: async () => client.disconnect() });
  return client;
}

/** Retries `op` until it succeeds; answers how long that took. */
async function untilWorks(op: () => Promise<unknown>, boundMs: number): Promise<number> {
  const start = Date.now();
  for (;;) {
    try {
      await op();
      return Date.now() - start;
    } catch (error) {
      if (Date.now() - start > boundMs) throw error;
      await sleep(50);
    }
  }
}

/** Expects `op` to reject with SessionStoreUnavailableError within the fail-fast bound. */
async function expectUnavailable(op: () => Promise<unknown>): Promise<void> {
  const start = Date.now();
  const error = await op().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(Date.now() - start).toBeLessThan(FAIL_FAST_MS);
  expect(error).toBeInstanceOf(SessionStoreUnavailableError);
  const e = error as SessionStoreUnavailableError;
  expect(e.code).toBe('SESSION_STORE_UNAVAILABLE');
  expect(e.message).toMatch(/^redis unavailable: /);
  expect(e.message).not.toContain(SECRET);
  expect(e.cause).toBeUndefined(); // ioredis errors carry command arguments: never kept
}

describe.skipIf(!redisAvailable())('RedisStore against a real redis-server', () => {
  let redis: RedisHandle;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.close();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((t) => t.close()));
  });

  it('RedisStore writes prefix + "sess:" + id as JSON with the TTL, and prefixes isolate', async () => {
    const a = track(new RedisStore(redis.url, { prefix: 'app-a:' }));
    const b = track(new RedisStore(redis.url, { prefix: 'app-b:' }));
    await a.set('same-id', { who: 'a' }, 30);
    await b.set('same-id', { who: 'b' }, 30);
    expect(await a.get('same-id')).toEqual({ who: 'a' });
    await b.delete('same-id');
    expect(await a.get('same-id')).toEqual({ who: 'a' });
    const client = raw(redis.url);
    expect(await client.get('app-a:sess:same-id')).toBe('{"who":"a"}');
    const pttl = await client.pttl('app-a:sess:same-id');
    expect(pttl).toBeGreaterThan(28_000);
    expect(pttl).toBeLessThanOrEqual(30_000);
  });

  it('RedisStore uses the prefix "oauth2-session:" by default', async () => {
    const store = track(new RedisStore(redis.url));
    await store.set('d', { v: 1 }, 30);
    expect(await raw(redis.url).exists('oauth2-session:sess:d')).toBe(1);
  });

  it('RedisStore: two instances (two connections, like two app processes) share sessions and the lock', async () => {
    const one = track(new RedisStore(redis.url, { prefix: 'shared:' }));
    const two = track(new RedisStore(redis.url, { prefix: 'shared:' }));
    await one.set('s', { token: { access_token: 'x' } }, 30);
    expect(await two.get('s')).toEqual({ token: { access_token: 'x' } });
    const owner = await one.refreshLock.acquire('s', 5000);
    expect(owner).not.toBeNull();
    expect(await two.refreshLock.acquire('s', 5000)).toBeNull();
    expect(await two.refreshLock.release('s', 'guess')).toBe(false);
    expect(await two.refreshLock.release('s', owner!)).toBe(true); // the token is the ownership
    await two.delete('s');
    expect(await one.get('s')).toBeUndefined();
  });

  it('RedisStore.get answers undefined for corrupt or non-object JSON', async () => {
    const store = track(new RedisStore(redis.url, { prefix: 'corrupt:' }));
    const client = raw(redis.url);
    for (const bad of ['{"truncated":', 'not json', '[1,2]', '"text"', 'null', '42', '']) {
      await client.set('corrupt:sess:x', bad);
      expect(await store.get('x')).toBeUndefined();
    }
  });

  it('RedisStore.get maps a key of the wrong type to SessionStoreUnavailableError', async () => {
    const store = track(new RedisStore(redis.url, { prefix: 'wrongtype:' }));
    await raw(redis.url).hset('wrongtype:sess:h', 'f', 'v');
    await expect(store.get('h')).rejects.toThrow('redis unavailable: server error WRONGTYPE');
  });

  it('RedisStore rejects a URL that is not redis:// with a TypeError code', () => {
    expect(() => new RedisStore('http://127.0.0.1:1')).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
  });

  it('RedisStore.close leaves a passed-in client open; closes one it created', async () => {
    const client = raw(redis.url);
    const borrowed = new RedisStore(client, { prefix: 'borrowed:' });
    await borrowed.set('s', { v: 1 }, 30);
    await borrowed.close();
    expect(await client.get('borrowed:sess:s')).toBe('{"v":1}');
    const owned = new RedisStore(redis.url);
    await owned.get('s');
    await owned.quit();
    expect(owned.client.status).toBe('end');
  });

  it('RedisStore: a lock holder that never releases is freed by expiry; only the owner releases', async () => {
    const holder = track(new RedisStore(redis.url, { prefix: 'expiry:' }));
    const other = track(new RedisStore(redis.url, { prefix: 'expiry:' }));
    const stale = (await holder.refreshLock.acquire('sess-1', 300))!;
    expect(await other.refreshLock.acquire('sess-1', 300)).toBeNull();
    await sleep(400);
    const fresh = await other.refreshLock.acquire('sess-1', 5000);
    expect(fresh).not.toBeNull();
    expect(await holder.refreshLock.release('sess-1', stale)).toBe(false); // late: not its lock now
    expect(await raw(redis.url).get('expiry:lock:sess-1')).toBe(fresh);
  });

  it('RedisStore: a lock holder process killed with SIGKILL does not block the lock past its TTL', async () => {
    const ttlMs = 1500;
    const fixture = fileURLToPath(new URL('./fixtures/lock-holder.ts', import.meta.url));
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fixture, redis.url, 'kill:', 'sess-k', String(ttlMs)],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    track({ close: async () => void child.kill('SIGKILL') });
    expect(await firstLine(child)).toBe('acquired');
    const other = track(new RedisStore(redis.url, { prefix: 'kill:' }));
    expect(await other.refreshLock.acquire('sess-k', 5000)).toBeNull();
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
    const waited = await untilWorks(async () => {
      if (!(await other.refreshLock.acquire('sess-k', 5000))) throw new Error('still held');
    }, ttlMs + 2000);
    expect(waited).toBeLessThanOrEqual(ttlMs + 200);
  });

  describe('when Redis goes away', () => {
    it('RedisStore fails fast with SessionStoreUnavailableError, writes nothing, and recovers by itself', async () => {
      const errors: SessionStoreUnavailableError[] = [];
      const store = track(
        new RedisStore(redis.url, { prefix: 'outage:', onError: (e) => errors.push(e) }),
      );
      await store.set('before', { v: 1 }, 60);
      const owner = (await store.refreshLock.acquire('l', 60_000))!;
      await redis.stop();
      try {
        await expectUnavailable(() => store.set('during', { token: SECRET }, 60));
        await expectUnavailable(() => store.get('before'));
        await expectUnavailable(() => store.delete('before'));
        await expectUnavailable(() => store.refreshLock.acquire('l2', 1000));
        await expectUnavailable(() => store.refreshLock.release('l', owner));
        await sleep(300); // let a reconnection attempt fail
        await expectUnavailable(() => store.set('during', { token: SECRET }, 60));
        expect(errors.length).toBeGreaterThan(0);
        expect(errors.every((e) => e instanceof SessionStoreUnavailableError)).toBe(true);
      } finally {
        await redis.start();
      }
      // the same instance, not recreated, works again once it has reconnected
      const took = await untilWorks(() => store.set('after', { v: 2 }, 60), 10_000);
      expect(took).toBeLessThan(5000);
      expect(await store.get('after')).toEqual({ v: 2 });
      expect(await store.get('during')).toBeUndefined(); // no retry re-sent the failed write after reconnecting
      expect(await store.refreshLock.acquire('l2', 1000)).not.toBeNull();
    });

    it('RedisStore created while Redis is down fails fast, then works once Redis is up', async () => {
      await redis.stop();
      let store: RedisStore;
      try {
        store = track(new RedisStore(redis.url, { prefix: 'cold:' }));
        await expectUnavailable(() => store.get('s'));
        await expectUnavailable(() => store.set('s', { token: SECRET }, 60));
      } finally {
        await redis.start();
      }
      await untilWorks(() => store.set('s', { v: 1 }, 60), 10_000);
      expect(await store.get('s')).toEqual({ v: 1 });
    });

    it('RedisStore on a Redis that stops answering times out with SessionStoreUnavailableError; the value stays whole', async () => {
      const store = track(new RedisStore(redis.url, { prefix: 'paused:', commandTimeoutMs: 300 }));
      const oldValue = { v: 'old', pad: 'o'.repeat(10_000) };
      const newValue = { v: 'new', pad: 'n'.repeat(10_000) };
      await store.set('s', oldValue, 60);
      await raw(redis.url).client('PAUSE', 1000, 'ALL');
      await expectUnavailable(() => store.set('s', newValue, 60));
      await sleep(1000);
      const after = await untilWorks(() => store.get('s'), 5000).then(() => store.get('s'));
      // the write may have been applied after the pause (Redis queued it), but never in part
      expect([oldValue, newValue]).toContainEqual(after);
    });
  });
});

/** The child's first line of stdout. */
async function firstLine(child: ChildProcess): Promise<string> {
  let out = '';
  for await (const chunk of child.stdout!) {
    out += String(chunk);
    if (out.includes('\n')) break;
  }
  return out.trim();
}
