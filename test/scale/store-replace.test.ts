/**
 * `SessionStore.replace`: the write-back a refresh makes never brings back a session that was
 * deleted meanwhile (a logout in another process). On the memory store and on a real Redis.
 */

import { RedisStore } from 'oauth2-session/redis';
import { MemoryStore, newSessionId, type SessionStore } from 'oauth2-session/web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisHandle, redisAvailable, startRedis } from '../harness/redis.js';

function replaceContract(name: string, make: () => SessionStore) {
  describe(`${name}.replace`, () => {
    it('writes over an existing session and answers true', async () => {
      const store = make();
      const id = newSessionId();
      await store.set(id, { token: { access_token: 'old' } }, 60);
      expect(await store.replace?.(id, { token: { access_token: 'new' } }, 60)).toBe(true);
      expect(await store.get(id)).toEqual({ token: { access_token: 'new' } });
    });

    it('does not create a session that is gone, and answers false', async () => {
      const store = make();
      const id = newSessionId();
      await store.set(id, { token: { access_token: 'old' } }, 60);
      await store.delete(id);
      expect(await store.replace?.(id, { token: { access_token: 'new' } }, 60)).toBe(false);
      expect(await store.get(id)).toBeUndefined();
      expect(await store.replace?.(newSessionId(), { a: 1 }, 60)).toBe(false);
    });
  });
}

replaceContract('MemoryStore', () => new MemoryStore());

describe.skipIf(!redisAvailable())('on redis-server', () => {
  let redis: RedisHandle;
  const stores: RedisStore[] = [];
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    for (const store of stores) await store.close();
    await redis?.close();
  });
  replaceContract('RedisStore', () => {
    const store = new RedisStore(redis.url, { prefix: `t${stores.length}:` });
    stores.push(store);
    return store;
  });

  it('RedisStore.replace keeps the TTL it is given', async () => {
    const store = new RedisStore(redis.url);
    stores.push(store);
    const id = newSessionId();
    await store.set(id, { a: 1 }, 10);
    expect(await store.replace(id, { a: 2 }, 500)).toBe(true);
    const ttl = await store.client.pttl(`${store.prefix}sess:${id}`);
    expect(ttl).toBeGreaterThan(10_000);
    expect(ttl).toBeLessThanOrEqual(500_000);
  });
});
