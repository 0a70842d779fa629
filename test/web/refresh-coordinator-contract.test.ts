import { InvalidGrantError, type Token } from 'oauth2-session';
import { RedisStore } from 'oauth2-session/redis';
import {
  InProcessRefreshCoordinator,
  MemoryStore,
  storeRefreshCoordinator,
  TOKEN_KEY,
} from 'oauth2-session/web';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { redisAvailable, sharedRedis } from '../harness/redis.js';
import {
  ControlledRefresh,
  refreshCoordinatorContract,
  storeRefreshCoordinatorContract,
  tokenFor,
} from './refresh-coordinator-contract.js';

// Sealed-cookie sessions: nothing to store, one coordinator for every request of the process.
refreshCoordinatorContract('InProcessRefreshCoordinator.coordinate', async () => {
  const coordinator = new InProcessRefreshCoordinator();
  return { open: async () => () => coordinator.coordinate, close: async () => {} };
});

storeRefreshCoordinatorContract('storeRefreshCoordinator over MemoryStore', async () => ({
  store: new MemoryStore(),
  close: async () => {},
}));

describe.skipIf(!redisAvailable())('storeRefreshCoordinator on a real redis-server', () => {
  const redis = sharedRedis('coordinator');

  // A fresh prefix per test: every test starts with an empty store on the one server.
  storeRefreshCoordinatorContract('storeRefreshCoordinator over RedisStore', async () => {
    const store = redis.freshStore();
    return { store, close: () => store.close() };
  });

  describe('across processes', () => {
    // Three stores on one prefix: three processes sharing the sessions and the lock.
    let stores: RedisStore[];
    beforeEach(() => {
      const prefix = redis.freshPrefix();
      stores = Array.from({ length: 3 }, () => new RedisStore(redis.url, { prefix }));
    });
    afterEach(async () => {
      await Promise.all(stores.map((s) => s.close()));
    });
    const timing = { pollIntervalMs: 10, maxWaitMs: 3000 };
    /** Request `i`'s coordinator, in process `i % 3`. */
    const coordinatorFor = (i: number) =>
      storeRefreshCoordinator(
        { store: stores[i % stores.length]!, id: 's', ttlSeconds: 60 },
        timing,
      );
    const calls = (refresh: ControlledRefresh, stale: Token) =>
      Array.from({ length: 15 }, (_, i) => coordinatorFor(i)(refresh.fn, stale));

    it('storeRefreshCoordinator over RedisStore: requests in three processes refresh once and all answer the new token', async () => {
      await stores[0]!.set('s', { user: 'octocat', [TOKEN_KEY]: tokenFor('s', 0) }, 60);
      const refresh = new ControlledRefresh();
      const answers = Promise.all(calls(refresh, tokenFor('s', 0)));
      (await refresh.call(1)).resolve(tokenFor('s', 1));
      for (const answer of await answers) expect(answer).toEqual(tokenFor('s', 1));
      expect(refresh.calls).toBe(1);
      for (const store of stores) {
        expect(await store.get('s')).toEqual({ user: 'octocat', [TOKEN_KEY]: tokenFor('s', 1) });
      }
    });

    it('storeRefreshCoordinator over RedisStore: a refusal in one process ends the session for all three, with one token request', async () => {
      await stores[0]!.set('s', { [TOKEN_KEY]: tokenFor('s', 0) }, 60);
      const refresh = new ControlledRefresh();
      const outcomes = Promise.allSettled(calls(refresh, tokenFor('s', 0)));
      (await refresh.call(1)).reject(new InvalidGrantError('refused', { error: 'invalid_grant' }));
      for (const outcome of await outcomes) {
        expect(outcome.status).toBe('rejected');
        expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(Error);
      }
      expect(refresh.calls).toBe(1);
      for (const store of stores) expect(await store.get('s')).toBeUndefined();
    });
  });
});
