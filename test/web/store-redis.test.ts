import { RedisStore } from 'oauth2-session/redis';
import { afterAll, beforeAll, describe } from 'vitest';
import { type RedisHandle, redisAvailable, startRedis } from '../harness/redis.js';
import { storeContract } from './store-contract.js';

describe.skipIf(!redisAvailable())('RedisStore on a real redis-server', () => {
  let redis: RedisHandle;
  let n = 0;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.close();
  });

  // A fresh prefix per test: every test starts with an empty store on the one server.
  storeContract('RedisStore', async () => {
    const store = new RedisStore(redis.url, { prefix: `contract-${++n}:` });
    return { store, close: () => store.close() };
  });
});
