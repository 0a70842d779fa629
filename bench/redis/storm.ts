/**
 * Part (b) of the Redis benchmark: a refresh storm. N app processes share one session whose
 * access token has just expired; N x M requests arrive at once. Counted: refresh requests that
 * reached the provider per storm (goal: 1) and the requests' latency, next to the same storm
 * with a fresh token (no refresh) measured in the same run.
 */
import { type CookieJar, get, login } from '../../test/scale/fixtures/browser.js';
import { expireStoredToken, onlySessionKey } from '../../test/scale/fixtures/redis-sessions.js';
import { startWorld, type World } from '../../test/scale/fixtures/scenario.js';

/** Sizes: N processes, M concurrent requests per process, storms of each kind. */
export const STORM_RUN = Object.freeze({ processes: 4, perProcess: 50, storms: 5 });

/** What the storms measured. */
export interface StormResult {
  /** Refresh requests that reached the provider, per expired-token storm. */
  refreshesPerStorm: number[];
  /** Requests answered other than 200, over every storm. */
  failures: number;
  /** Latencies in ms, sorted: expired-token storms, and fresh-token storms. */
  expired: number[];
  fresh: number[];
}

async function oneStorm(world: World, total: number, jar: CookieJar) {
  const origins = world.instances.map((i) => i.url);
  const latencies: number[] = [];
  let failures = 0;
  await Promise.all(
    Array.from({ length: total }, async (_, i) => {
      const t0 = performance.now();
      const reply = await get(`${origins[i % origins.length]}/profile`, jar, {
        keepCookies: false,
        timeoutMs: 30_000,
      }).catch(() => undefined);
      latencies.push(performance.now() - t0);
      if (reply?.status !== 200) failures += 1;
    }),
  );
  return { latencies, failures };
}

/** Runs the storms on a fresh world and stops it. */
export async function measureStorms(): Promise<StormResult> {
  const { processes, perProcess, storms } = STORM_RUN;
  const world = await startWorld({ instances: processes });
  const result: StormResult = { refreshesPerStorm: [], failures: 0, expired: [], fresh: [] };
  try {
    const { jar, reply } = await login(world.instances[0]?.url ?? '');
    if (reply.status !== 200) throw new Error(`login failed: status ${reply.status}`);
    const key = await onlySessionKey(world.inspect);
    await oneStorm(world, processes * 4, jar); // warm-up: connections, JIT
    for (let s = 0; s < storms; s += 1) {
      const fresh = await oneStorm(world, processes * perProcess, jar);
      result.fresh.push(...fresh.latencies);
      result.failures += fresh.failures;
      await expireStoredToken(world.inspect, key);
      const before = world.provider.counts.refresh;
      const expired = await oneStorm(world, processes * perProcess, jar);
      result.refreshesPerStorm.push(world.provider.counts.refresh - before);
      result.expired.push(...expired.latencies);
      result.failures += expired.failures;
    }
  } finally {
    await world.close();
  }
  result.expired.sort((a, b) => a - b);
  result.fresh.sort((a, b) => a - b);
  return result;
}
