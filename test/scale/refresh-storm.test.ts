/**
 * Four app processes share one session whose access token has expired, against the dev
 * provider's single-use rotating refresh tokens (reuse revokes the family, as GitHub does):
 * 200 concurrent /profile requests spread over the four make exactly one refresh request, all
 * succeed, and the refresh token left in Redis is the one the provider issued last.
 * Then the lock holder dies mid-refresh: another instance completes the refresh once the lock
 * expires, and no request hangs past a bound.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisAvailable } from '../harness/redis.js';
import { type CookieJar, get, login, type Reply } from './fixtures/browser.js';
import { expectAllProfiles } from './fixtures/expect-replies.js';
import { expireStoredToken, onlySessionKey, storedToken } from './fixtures/redis-sessions.js';
import { startWorld, type World } from './fixtures/scenario.js';

/** Each request's hang bound: the coordinator's default lock TTL (10 s) plus a wide margin. */
const HANG_BOUND_MS = 30_000;

/** `total` GET /profile spread round-robin over `origins`, all at once, with one cookie header. */
function storm(origins: readonly string[], jar: CookieJar, total: number): Promise<Reply[]> {
  return Promise.all(
    Array.from({ length: total }, (_, i) =>
      get(`${origins[i % origins.length]}/profile`, jar, {
        keepCookies: false,
        timeoutMs: HANG_BOUND_MS,
      }),
    ),
  );
}

describe.skipIf(!redisAvailable())('one refresh across four app processes', () => {
  let world: World;
  let jar: CookieJar;
  let profile: unknown;
  let key: string;
  beforeAll(async () => {
    world = await startWorld({ instances: 4 });
    const done = await login(world.instances[0]?.url ?? '');
    expect(done.reply.status).toBe(200);
    jar = done.jar;
    profile = JSON.parse(done.reply.body);
    key = await onlySessionKey(world.inspect);
  });
  afterAll(async () => {
    await world?.close();
  });

  it('200 concurrent requests over 4 instances with an expired token: one refresh, all 200', async () => {
    const origins = world.instances.map((i) => i.url);
    // warm every instance (connections to Redis and the provider), no refresh yet
    expectAllProfiles(await storm(origins, jar, 8), profile);
    const stale = await expireStoredToken(world.inspect, key);
    const before = world.provider.counts.refresh;

    const replies = await storm(origins, jar, 200);

    expectAllProfiles(replies, profile);
    expect(world.provider.counts.refresh - before).toBe(1);
    expect(world.proxy.forwardedRefreshes).toBe(1);
    const stored = await storedToken(world.inspect, key);
    const issued = world.proxy.issuedRefreshTokens.at(-1);
    expect(issued).toBeTypeOf('string');
    // compared as booleans: a failure must not print a token
    expect(stored?.refresh_token === issued).toBe(true);
    expect(stored?.refresh_token === stale.refresh_token).toBe(false);
    expect(stored?.access_token === stale.access_token).toBe(false);
    expect((stored?.expires_at ?? 0) * 1000).toBeGreaterThan(Date.now());
  });

  it('a second expiry cycle refreshes with the stored token: the family was not revoked', async () => {
    const origins = world.instances.map((i) => i.url);
    await expireStoredToken(world.inspect, key);
    const before = world.provider.counts.refresh;
    const replies = await storm(origins, jar, 100);
    expectAllProfiles(replies, profile);
    expect(world.provider.counts.refresh - before).toBe(1);
    const stored = await storedToken(world.inspect, key);
    expect(stored?.refresh_token === world.proxy.issuedRefreshTokens.at(-1)).toBe(true);
  });

  it('requests waiting in one process share one coordination: Redis reads stay near one per request', async () => {
    const origins = world.instances.map((i) => i.url);
    await expireStoredToken(world.inspect, key);
    const before = await commandCalls(world.inspect);
    const started = Date.now();
    const replies = await storm(origins, jar, 200);
    const elapsed = Date.now() - started;
    const after = await commandCalls(world.inspect);
    expectAllProfiles(replies, profile);
    // each request loads its session once (200 GETs); beyond that, at most one poller per
    // process re-reads the store every 50 ms (plus a read per lock taken). Per-request pollers
    // would add a read for every waiting request (about 200 more).
    const pollBound = world.instances.length * (Math.ceil(elapsed / 50) + 3);
    expect(after.get - before.get - replies.length).toBeLessThanOrEqual(pollBound);
  });

  it('the lock holder is killed mid-refresh: another instance completes it after the lock expires', async () => {
    const [holder, ...others] = world.instances;
    if (!holder) throw new Error('no instances');
    await expireStoredToken(world.inspect, key);
    const refreshesBefore = world.provider.counts.refresh;
    const forwardedBefore = world.proxy.forwardedRefreshes;
    world.proxy.hold();
    // only the holder gets a request at first, so it is the one that takes the lock
    const holderReply = get(`${holder.url}/profile`, jar, { keepCookies: false }).then(
      () => 'answered',
      () => 'failed',
    );
    await world.proxy.parked(1);
    const started = Date.now();
    const waiting = storm(
      others.map((i) => i.url),
      jar,
      60,
    );
    await new Promise((r) => setTimeout(r, 300)); // the others are now polling the lock
    await holder.kill();
    expect(await holderReply).toBe('failed');
    // the dead holder's lock is still there: the others must wait for it to expire
    const lockKey = key.replace(/sess:/, 'lock:oauth2-refresh:');
    expect(await world.inspect.pttl(lockKey)).toBeGreaterThan(0);
    await until(() => world.proxy.droppedRefreshes === 1, 5000);
    world.proxy.release();

    const replies = await waiting;
    const elapsed = Date.now() - started;
    expectAllProfiles(replies, profile);
    expect(elapsed).toBeLessThan(HANG_BOUND_MS);
    // the dead holder's request never reached the provider; the survivor's one did
    expect(world.proxy.forwardedRefreshes - forwardedBefore).toBe(1);
    expect(world.provider.counts.refresh - refreshesBefore).toBe(1);
    const stored = await storedToken(world.inspect, key);
    expect(stored?.refresh_token === world.proxy.issuedRefreshTokens.at(-1)).toBe(true);
    for (const survivor of others) expect(survivor.alive()).toBe(true);
    expect(await world.inspect.exists(lockKey)).toBe(0); // released by the survivor that refreshed
  }, 60_000);
});

/** Calls per Redis command so far (INFO commandstats). */
async function commandCalls(redis: World['inspect']): Promise<{ get: number; set: number }> {
  const info = await redis.info('commandstats');
  const calls = (name: string) =>
    Number(new RegExp(`cmdstat_${name}:calls=(\\d+)`).exec(info)?.[1] ?? 0);
  return { get: calls('get'), set: calls('set') };
}

async function until(condition: () => boolean, boundMs: number): Promise<void> {
  const deadline = Date.now() + boundMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met in ${boundMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
