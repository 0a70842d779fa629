import { RedisStore } from 'oauth2-session/redis';
import { lockReplayGuard, MemoryReplayGuard, MemoryStore } from 'oauth2-session/web';
import { describe, expect, it } from 'vitest';
import { redisAvailable, sharedRedis } from '../harness/redis.js';
import { replayGuardContract } from './replay-guard-contract.js';

replayGuardContract('MemoryReplayGuard', async () => ({
  guard: new MemoryReplayGuard(),
  close: async () => {},
}));

replayGuardContract('lockReplayGuard over MemoryStore', async () => ({
  guard: lockReplayGuard(new MemoryStore().refreshLock),
  close: async () => {},
}));

describe.skipIf(!redisAvailable())('lockReplayGuard over RedisStore on a real redis-server', () => {
  const redis = sharedRedis('replay');

  // A fresh prefix per test: every test starts with nothing consumed on the one server.
  replayGuardContract('lockReplayGuard over RedisStore', async () => {
    const store = redis.freshStore();
    return { guard: lockReplayGuard(store.refreshLock), close: () => store.close() };
  });

  it('lockReplayGuard over RedisStore: an id consumed by one process is refused in every other', async () => {
    const prefix = redis.freshPrefix();
    const stores = Array.from({ length: 3 }, () => new RedisStore(redis.url, { prefix }));
    try {
      const guards = stores.map((s) => lockReplayGuard(s.refreshLock));
      const answers = await Promise.all(
        Array.from({ length: 30 }, (_, i) => guards[i % guards.length]!.consume('tx', 60_000)),
      );
      expect(answers.filter((a) => a)).toHaveLength(1);
      for (const guard of guards) expect(await guard.consume('tx', 60_000)).toBe(false);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });
});
