/**
 * Redis benchmark (scale-out across app processes), side by side in one run:
 * (a) logged-in `/profile` requests per second with the Redis session store vs the sealed-cookie
 *     store, two app processes each (goal: at least 0.8);
 * (b) refresh storm: N processes x M concurrent requests on one session with an expired token:
 *     refresh requests that reached the provider (goal: 1 per storm) and p99 latency.
 * It starts its own redis-server and dev providers on loopback and stops them.
 *
 * Run alone: `npx tsx bench/redis.bench.ts`; the runner (`bench/run.ts`) calls {@link run}.
 */
import { pathToFileURL } from 'node:url';
import { atLeast, atMost, type BenchTable, formatTable, info, perSecond } from './lib/report.js';
import { measureProfile, PROFILE_RUN } from './redis/profile.js';
import { measureStorms, STORM_RUN } from './redis/storm.js';

function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return (
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN
  );
}

const ms = (v: number) => `${v.toFixed(1)} ms`;

async function profileTable(): Promise<BenchTable> {
  const r = await measureProfile();
  const { users, concurrency, rounds, roundMs } = PROFILE_RUN;
  return {
    title: 'redis: logged-in /profile, Redis store vs sealed cookie (2 app processes each)',
    rows: [
      info('Redis store', perSecond(r.rateA, 'req/s')),
      info('sealed cookie', perSecond(r.rateB, 'req/s')),
      atLeast('req/s Redis / cookie', r.ratio, 0.8),
    ],
    notes: [
      `${users} logged-in users, ${concurrency} requests in flight, ${rounds} interleaved rounds of ${roundMs} ms per store; ratio = median of per-round ratios`,
      'each /profile loads the session and calls the dev provider /user (own process)',
    ],
  };
}

async function stormTable(): Promise<BenchTable> {
  const r = await measureStorms();
  const { processes, perProcess, storms } = STORM_RUN;
  return {
    title: `redis: refresh storm (${processes} processes x ${perProcess} concurrent requests, expired token)`,
    rows: [
      atMost(
        'refresh requests reaching the provider per storm (max)',
        Math.max(...r.refreshesPerStorm),
        1,
        '',
      ),
      info('refresh requests per storm', r.refreshesPerStorm.join(', ')),
      atMost('requests not answered 200', r.failures, 0, ''),
      info(
        'expired-token storm p50 / p99',
        `${ms(percentile(r.expired, 0.5))} / ${ms(percentile(r.expired, 0.99))}`,
      ),
      info(
        'fresh-token storm p50 / p99',
        `${ms(percentile(r.fresh, 0.5))} / ${ms(percentile(r.fresh, 0.99))}`,
      ),
    ],
    notes: [
      `${storms} storms of each kind, interleaved; dev provider in expiring mode (single-use refresh tokens) in this process`,
    ],
  };
}

/** Runs the Redis benchmark (the `bench/run.ts` module contract). */
export async function run(): Promise<BenchTable[]> {
  return [await profileTable(), await stormTable()];
}

export default run;

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const table of await run()) console.log(`${formatTable(table)}\n`);
}
