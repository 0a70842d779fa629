/**
 * Memory benchmark: the example app's resident set (RSS) after 10,000 logins and 100,000
 * logged-in `/profile` requests against where it settled after the first 1,000 logins. A server
 * that keeps something per login or per request (a cache without a bound, a listener never
 * removed, a session map) grows here with the work it has done; a bounded one stays flat.
 *
 * The app runs as `npm start` runs it (built, plain `node`, sealed-cookie sessions) against the
 * dev provider (auto-approve) in another process. It runs with `--trace-gc`, so the table also
 * shows the live heap after V8's last full collection at each point: RSS includes the heap V8
 * has grown and not given back, the live heap only what the app still holds.
 * Run alone: `npx tsx bench/memory.bench.ts`.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { freePort } from '../test/harness/ports.js';
import { atMost, type BenchTable, formatTable, info } from './lib/report.js';
import { measureLogins, measureProfile } from './web/driver.js';
import type { ChildServer } from './web/process.js';
import { benchAppEnv, buildExample, spawnExample, spawnNode } from './web/targets.js';

/** `BENCH_MEMORY_SCALE=0.1` does a tenth of the work (a quick look; the goal is for 1). */
const SCALE = Number(process.env.BENCH_MEMORY_SCALE ?? 1);

const SETTINGS = Object.freeze({
  concurrency: 8,
  /** Logins before the first reading: the JIT, pools and caches settle. */
  settleLogins: Math.round(1_000 * SCALE),
  /** Logins in all, the settling ones included. */
  logins: Math.round(10_000 * SCALE),
  /** Logged-in /profile requests, after the logins. */
  profile: Math.round(100_000 * SCALE),
  /** Most growth in MB that still counts as flat ("within a few MB"). */
  maxGrowthMb: 5,
});

/** The resident set of a process in MB: /proc on Linux, `ps` elsewhere. */
function rssMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    if (kb) return Number(kb) / 1024;
  } catch {}
  return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' })) / 1024;
}

/** Follows `--trace-gc` output: the heap in MB after the latest full (mark-compact) collection. */
class LiveHeap {
  #rest = '';
  latest = Number.NaN;

  read(text: string): void {
    const lines = (this.#rest + text).split('\n');
    this.#rest = lines.pop() ?? '';
    for (const line of lines) {
      const after = /Mark-Compact [\d.]+ \([\d.]+\) -> ([\d.]+) \(/.exec(line)?.[1];
      if (after) this.latest = Number(after);
    }
  }
}

const mb = (value: number) => `${value.toFixed(1)} MB`;

/** Logins in batches (each a fresh user), so no single measurement holds every latency. */
async function logins(origin: string, total: number): Promise<void> {
  for (let done = 0; done < total; done += 1_000) {
    const batch = Math.min(1_000, total - done);
    await measureLogins({ origin, total: batch, concurrency: SETTINGS.concurrency });
  }
}

async function profiles(origin: string, total: number): Promise<void> {
  for (let done = 0; done < total; done += 5_000) {
    const batch = Math.min(5_000, total - done);
    await measureProfile({ origin, total: batch, concurrency: SETTINGS.concurrency });
  }
}

/** Runs the memory benchmark and answers its table (the `bench/run.ts` module contract). */
export async function run(): Promise<BenchTable> {
  buildExample();
  const port = await freePort();
  const clientSecret = randomBytes(20).toString('hex');
  const client = {
    clientId: 'bench-memory',
    clientSecret,
    redirectUris: [`http://127.0.0.1:${port}/callback`],
  };
  const provider = await spawnNode('provider', { DEV_CLIENTS: JSON.stringify([client]) });
  let app: ChildServer | undefined;
  const heap = new LiveHeap();
  try {
    const env = benchAppEnv(port, client.clientId, clientSecret, provider.url);
    app = await spawnExample('express', env, ['--trace-gc'], (text) => heap.read(text));
    const started = rssMb(app.pid);
    await logins(app.url, SETTINGS.settleLogins);
    const settled = rssMb(app.pid);
    const settledHeap = heap.latest;
    await logins(app.url, SETTINGS.logins - SETTINGS.settleLogins);
    const afterLogins = rssMb(app.pid);
    await profiles(app.url, SETTINGS.profile);
    const after = rssMb(app.pid);
    const afterHeap = heap.latest;
    const { logins: n, profile: m, settleLogins: k } = SETTINGS;
    return {
      title: 'memory: the Express example app (sealed cookies) under sustained load',
      rows: [
        info('RSS at start', mb(started)),
        info(`RSS after ${k.toLocaleString('en-US')} logins`, mb(settled)),
        info(`RSS after ${n.toLocaleString('en-US')} logins`, mb(afterLogins)),
        info(`RSS after ${m.toLocaleString('en-US')} /profile more`, mb(after)),
        info(`live heap after full GC, ${k.toLocaleString('en-US')} logins`, mb(settledHeap)),
        info('live heap after full GC, at the end', mb(afterHeap)),
        atMost(
          `RSS growth since the first ${k.toLocaleString('en-US')} logins`,
          after - settled,
          SETTINGS.maxGrowthMb,
          'MB',
        ),
      ],
      notes: [
        `${SETTINGS.concurrency} virtual users; logins in batches of 1,000, /profile in batches of 5,000`,
        'RSS read from the operating system (VmRSS), so it includes what V8 has not returned yet',
        'live heap: the app run with --trace-gc, the size after its latest mark-compact',
      ],
    };
  } finally {
    await Promise.all([app?.close(), provider.close()]);
  }
}

export default run;

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(formatTable(await run()));
}
