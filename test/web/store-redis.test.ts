import { describe } from 'vitest';
import { redisAvailable, sharedRedis } from '../harness/redis.js';
import { storeContract } from './store-contract.js';

describe.skipIf(!redisAvailable())('RedisStore on a real redis-server', () => {
  const redis = sharedRedis('contract');

  // A fresh prefix per test: every test starts with an empty store on the one server.
  storeContract('RedisStore', async () => {
    const store = redis.freshStore();
    return { store, close: () => store.close() };
  });
});
