/**
 * Failure behaviour of four app processes on one Redis: a refresh refused with invalid_grant
 * clears the session once for all of them; Redis stopped under load answers 503 (no crash, no
 * session written half), and Redis started again serves again without restarting anything.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisAvailable } from '../harness/redis.js';
import { type CookieJar, get, isLoginRedirect, login, type Reply } from './fixtures/browser.js';
import { expireStoredToken, onlySessionKey, sessionKeys } from './fixtures/redis-sessions.js';
import { startWorld, type World } from './fixtures/scenario.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function clearSessions(world: World): Promise<void> {
  for (const key of await sessionKeys(world.inspect)) await world.inspect.del(key);
}

/** GET /profile over every instance, round-robin, by `workers` loops, until `stop()`. */
function load(world: World, jar: CookieJar, workers: number) {
  // `sent`: when the request left. One sent before Redis stopped may read the session in time
  // and answer 200 however late it arrives (the machine may be loaded); one sent after cannot.
  const replies: Array<{ sent: number; reply: Reply | 'error' }> = [];
  let running = true;
  const origins = world.instances.map((i) => i.url);
  let n = 0;
  const loop = async () => {
    while (running) {
      const origin = origins[n++ % origins.length];
      const sent = Date.now();
      const reply = await get(`${origin}/profile`, jar, {
        keepCookies: false,
        timeoutMs: 10_000,
      }).catch(() => 'error' as const);
      replies.push({ sent, reply });
    }
  };
  const done = Promise.all(Array.from({ length: workers }, loop));
  return {
    replies,
    stop: async () => {
      running = false;
      await done;
    },
  };
}

const statusOf = (r: Reply | 'error') => (r === 'error' ? 'error' : r.status);

describe.skipIf(!redisAvailable())('failures across four app processes', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld({ instances: 4 });
  });
  afterAll(async () => {
    await world?.close();
  });

  it('a refresh refused with invalid_grant clears the session once, for every instance', async () => {
    await clearSessions(world);
    const { jar, reply } = await login(world.instances[0]?.url ?? '');
    expect(reply.status).toBe(200);
    const key = await onlySessionKey(world.inspect);
    await expireStoredToken(world.inspect, key);
    world.provider.revokeAll();
    const before = world.provider.counts.refresh;

    const replies = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        get(`${world.instances[i % 4]?.url}/profile`, jar, { keepCookies: false }),
      ),
    );
    for (const r of replies) expect(isLoginRedirect(r, world.provider.authorizeUrl)).toBe(true);
    expect(world.provider.counts.refresh - before).toBe(1);
    expect(await world.inspect.exists(key)).toBe(0);
    expect(await sessionKeys(world.inspect)).toEqual([]);

    // afterwards every instance sends that browser to log in, with no further token request
    for (const instance of world.instances) {
      const again = await get(`${instance.url}/profile`, jar, { keepCookies: false });
      expect(isLoginRedirect(again, world.provider.authorizeUrl)).toBe(true);
    }
    expect(world.provider.counts.refresh - before).toBe(1);
  });

  it('Redis stopped under load: 503s, no crash, nothing half written; started again: serves again', async () => {
    await clearSessions(world);
    const { jar, reply } = await login(world.instances[0]?.url ?? '');
    expect(reply.status).toBe(200);
    const key = await onlySessionKey(world.inspect);
    const saved = await world.inspect.get(key);
    const ttl = await world.inspect.pttl(key);

    const traffic = load(world, jar, 8);
    await sleep(300);
    await world.redis.stop();
    const stoppedAt = Date.now();
    await sleep(1500);
    // a login that reaches the callback while Redis is down: 503, and no session cookie
    const attempt = await login(world.instances[1]?.url ?? '');
    expect(attempt.reply.status).toBe(503);
    const sessionCookies = [...attempt.jar.cookies.keys()].filter((n) => n.includes('session'));
    expect(sessionCookies).toEqual([]);
    await traffic.stop();

    const during = traffic.replies.filter((r) => r.sent > stoppedAt);
    expect(during.length).toBeGreaterThan(0);
    const statuses = new Set(traffic.replies.map((r) => statusOf(r.reply)));
    expect([...statuses].every((s) => s === 200 || s === 503)).toBe(true);
    expect(new Set(during.map((r) => statusOf(r.reply)))).toEqual(new Set([503]));
    for (const { reply: r } of during) {
      if (r === 'error') continue;
      expect(r.body).toMatch(/unavailable/i);
      expect(r.setCookie).toEqual([]); // nothing issued while nothing could be stored
    }
    for (const instance of world.instances) {
      expect(instance.alive()).toBe(true);
      expect(instance.stderr()).toMatch(/redis unavailable/);
    }

    await world.redis.start(); // empty: nothing is persisted, so put the session back
    await world.inspect.set(key, saved ?? '', 'PX', Math.max(ttl, 60_000));
    for (const instance of world.instances) {
      const recovered = await untilStatus(`${instance.url}/profile`, jar, 200, 15_000);
      expect(recovered.status).toBe(200);
      expect(JSON.parse(recovered.body)).toEqual(JSON.parse(reply.body));
    }
    // the login attempted during the outage left no session behind
    expect(await sessionKeys(world.inspect)).toEqual([key]);
    const retry = await get(`${world.instances[1]?.url}/profile`, attempt.jar);
    expect(isLoginRedirect(retry, world.provider.authorizeUrl)).toBe(true);
  }, 60_000);
});

/** Repeats a GET until it answers `status` or `boundMs` passes; answers the last reply. */
async function untilStatus(url: string, jar: CookieJar, status: number, boundMs: number) {
  const deadline = Date.now() + boundMs;
  for (;;) {
    const reply = await get(url, jar, { keepCookies: false }).catch(() => undefined);
    if (reply?.status === status || Date.now() > deadline) {
      if (!reply) throw new Error('no answer');
      return reply;
    }
    await sleep(100);
  }
}
