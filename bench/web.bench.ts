/**
 * Web benchmark: complete logins per second (GET / -> authorize -> callback -> /profile) and
 * logged-in `/profile` requests per second, side by side in one run, for
 * - the example app on Express and on Hono (the library),
 * - a floor: the same routes on bare node:http (bench/web/floor.ts), and the same floor on
 *   Express 5 (what the framework costs before any library),
 * - the peer: openid-client v6 + Express 5 + express-session, as openid-client's README teaches
 *   (bench/web/peer.ts),
 * - the seed: the original Flask + requests-oauthlib app, when Debian's Python has them.
 *
 * The example app runs as `npm start` runs it: built (`npm run build:example`, esbuild) and
 * started with plain `node`. Every server runs in its own process against one dev provider
 * (auto-approve) in another, and
 * the load driver runs here. Rounds are interleaved (the order rotates every round) so machine
 * noise hits every contender alike; a ratio is the median of the per-round ratios.
 *
 * Run alone: `npx tsx bench/web.bench.ts`; the runner (`bench/run.ts`) calls {@link run}.
 */
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { freePort } from '../test/harness/ports.js';
import { atLeast, type BenchRow, type BenchTable, formatTable, info } from './lib/report.js';
import { cpuSeconds } from './web/cpu.js';
import { combine, type Measurement, measureLogins, measureProfile } from './web/driver.js';
import type { ChildServer } from './web/process.js';
import { seedUnavailable, startSeed } from './web/seed.js';
import { benchAppEnv, buildExample, spawnExample, spawnNode } from './web/targets.js';

/** Sizes; the whole bench stays well under two minutes on two shared cores. */
const SETTINGS = Object.freeze({
  /** Virtual users at once. */
  concurrency: 8,
  /** Measured rounds per contender. */
  rounds: 6,
  /** Logins per contender per round. */
  loginsPerRound: 150,
  /** Logged-in /profile requests per contender per round. */
  profilePerRound: 400,
  /**
   * Logins per contender before measuring (JIT, connection pools), discarded. 40 left every
   * contender's first round at about half its later rate (the JIT was still at work).
   */
  warmupLogins: 150,
  /** Logged-in /profile requests per contender before measuring, discarded. */
  warmupProfile: 200,
  /** Stop starting new rounds after this many ms of measuring. */
  budgetMs: 80_000,
});

type Name = 'express' | 'hono' | 'floor' | 'express-floor' | 'peer' | 'seed';

interface Contender {
  name: Name;
  server: ChildServer;
  logins: Measurement[];
  profile: Measurement[];
  /** The server's CPU seconds over each measured round of logins, and of /profile. */
  loginsCpu: number[];
  profileCpu: number[];
}

/** `measure()`, and the CPU seconds `pid` spent meanwhile. */
async function withCpu(pid: number, measure: () => Promise<Measurement>) {
  const before = cpuSeconds(pid);
  const measurement = await measure();
  return { measurement, cpu: cpuSeconds(pid) - before };
}

interface Plan {
  name: Name;
  port: number;
  clientId: string;
  clientSecret: string;
}

async function plan(names: readonly Name[]): Promise<Plan[]> {
  const plans: Plan[] = [];
  for (const name of names) {
    const clientSecret = randomBytes(20).toString('hex');
    plans.push({ name, port: await freePort(), clientId: `bench-${name}`, clientSecret });
  }
  return plans;
}

function devClients(plans: readonly Plan[]) {
  return plans.map((p) => ({
    clientId: p.clientId,
    clientSecret: p.clientSecret,
    redirectUris: [`http://127.0.0.1:${p.port}/callback`],
  }));
}

function endpoints(provider: ChildServer) {
  return {
    authorizeUrl: `${provider.url}/login/oauth/authorize`,
    tokenUrl: `${provider.url}/login/oauth/access_token`,
    userUrl: `${provider.url}/user`,
  };
}

function startContender(p: Plan, provider: ChildServer): Promise<ChildServer> {
  if (p.name === 'seed') return startSeed({ ...p, ...endpoints(provider) });
  const spawn =
    p.name === 'express' || p.name === 'hono'
      ? spawnExample.bind(null, p.name)
      : spawnNode.bind(null, p.name);
  return spawn(benchAppEnv(p.port, p.clientId, p.clientSecret, provider.url));
}

/** Round `i` visits the contenders in a rotated order, reversed every other round. */
function roundOrder<T>(items: readonly T[], i: number): T[] {
  const rotated = [...items.slice(i % items.length), ...items.slice(0, i % items.length)];
  return i % 2 ? rotated.reverse() : rotated;
}

async function measureRounds(contenders: Contender[], notes: string[]): Promise<void> {
  const { concurrency, loginsPerRound, profilePerRound, warmupLogins, warmupProfile } = SETTINGS;
  for (const c of contenders) {
    await measureLogins({ origin: c.server.url, total: warmupLogins, concurrency });
    await measureProfile({ origin: c.server.url, total: warmupProfile, concurrency });
  }
  const deadline = Date.now() + SETTINGS.budgetMs;
  for (let i = 0; i < SETTINGS.rounds; i += 1) {
    if (Date.now() > deadline) {
      notes.push(`time budget reached: ${i} of ${SETTINGS.rounds} rounds measured`);
      break;
    }
    for (const c of roundOrder(contenders, i)) {
      const origin = c.server.url;
      const logins = await withCpu(c.server.pid, () =>
        measureLogins({ origin, total: loginsPerRound, concurrency }),
      );
      c.logins.push(logins.measurement);
      c.loginsCpu.push(logins.cpu);
      const profile = await withCpu(c.server.pid, () =>
        measureProfile({ origin, total: profilePerRound, concurrency }),
      );
      c.profile.push(profile.measurement);
      c.profileCpu.push(profile.cpu);
    }
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Median over rounds of rate(a) / rate(b), each pair measured in the same round. */
function ratio(a: Measurement[], b: Measurement[]): number {
  return median(a.map((m, i) => m.perSecond / (b[i]?.perSecond ?? Number.NaN)));
}

/** The server's CPU per operation over all rounds, in microseconds. */
function cpuPerOp(cpu: readonly number[], rounds: readonly Measurement[]): number {
  const count = rounds.reduce((sum, m) => sum + m.count, 0);
  return (cpu.reduce((sum, s) => sum + s, 0) / count) * 1e6;
}

/** Median over rounds of CPU per op of `b` over `a` (how many times cheaper `a` is: > 1 wins). */
function cpuRatio(a: Contender, b: Contender, kind: 'logins' | 'profile'): number {
  const per = (c: Contender, i: number) =>
    (kind === 'logins' ? c.loginsCpu : c.profileCpu)[i]! / c[kind][i]!.count;
  return median(a[kind].map((_, i) => per(b, i) / per(a, i)));
}

const fmt = (m: Measurement, unit: string) =>
  `${Math.round(m.perSecond).toLocaleString('en-US')} ${unit}, p50 ${m.p50.toFixed(1)} ms, p99 ${m.p99.toFixed(1)} ms`;

function rows(contenders: Contender[]): BenchRow[] {
  const by = new Map(contenders.map((c) => [c.name, c]));
  const out: BenchRow[] = [];
  for (const c of contenders)
    out.push(info(`${c.name}: logins`, fmt(combine(c.logins), 'logins/s')));
  for (const c of contenders)
    out.push(info(`${c.name}: /profile`, fmt(combine(c.profile), 'req/s')));
  for (const c of contenders) {
    const login = Math.round(cpuPerOp(c.loginsCpu, c.logins));
    const profile = Math.round(cpuPerOp(c.profileCpu, c.profile));
    out.push(info(`${c.name}: server CPU`, `${login} us per login, ${profile} us per /profile`));
  }
  const express = by.get('express');
  const floor = by.get('floor');
  const peer = by.get('peer');
  const seed = by.get('seed');
  const hono = by.get('hono');
  const expressFloor = by.get('express-floor');
  if (express && floor) {
    out.push(atLeast('logins/s Express / floor', ratio(express.logins, floor.logins), 0.8));
    out.push(atLeast('/profile req/s Express / floor', ratio(express.profile, floor.profile), 0.8));
  }
  /** A row of both ratios of `a` to `b`, throughput or CPU per operation, when both ran. */
  const both = (
    label: string,
    a?: Contender,
    b?: Contender,
    kind: 'throughput' | 'cpu' = 'throughput',
  ) => {
    if (!a || !b) return;
    const [logins, profile] =
      kind === 'cpu'
        ? [cpuRatio(a, b, 'logins'), cpuRatio(a, b, 'profile')]
        : [ratio(a.logins, b.logins), ratio(a.profile, b.profile)];
    out.push(info(label, `logins ${logins.toFixed(2)}, /profile ${profile.toFixed(2)}`));
  };
  both('context: Express floor / floor', expressFloor, floor);
  both('context: Express app / Express floor', express, expressFloor);
  both('CPU-per-op ratio Express / floor', express, floor, 'cpu');
  both('CPU-per-op ratio Express / Express floor', express, expressFloor, 'cpu');
  both('CPU-per-op ratio Hono / floor', hono, floor, 'cpu');
  both('CPU-per-op ratio Express / peer', express, peer, 'cpu');
  if (hono && floor) {
    out.push(atLeast('logins/s Hono / floor', ratio(hono.logins, floor.logins), 0.9));
    out.push(info('/profile req/s Hono / floor', ratio(hono.profile, floor.profile).toFixed(2)));
  }
  if (express && peer) {
    out.push(atLeast('logins/s Express / peer', ratio(express.logins, peer.logins), 1.25));
    out.push(atLeast('/profile req/s Express / peer', ratio(express.profile, peer.profile), 1.25));
  }
  if (express && seed) {
    out.push(atLeast('logins/s Express / seed', ratio(express.logins, seed.logins), 2.5));
    out.push(
      info('/profile req/s Express / seed', ratio(express.profile, seed.profile).toFixed(2)),
    );
  }
  return out;
}

/**
 * `BENCH_WEB=express,floor` measures only those contenders (a focused run while working on one
 * of them); unset, all of them.
 */
function chosen(name: Name): boolean {
  const only = process.env.BENCH_WEB?.split(',').map((s) => s.trim());
  return !only?.length || only.includes(name);
}

/** Runs the web benchmark and answers its table (the `bench/run.ts` module contract). */
export async function run(): Promise<BenchTable> {
  const notes: string[] = [];
  const skipSeed = seedUnavailable();
  if (skipSeed) notes.push(`seed not measured: ${skipSeed}`);
  const names: Name[] = skipSeed
    ? ['express', 'hono', 'floor', 'express-floor', 'peer']
    : ['express', 'hono', 'floor', 'express-floor', 'peer', 'seed'];
  const plans = await plan(names.filter(chosen));
  buildExample();
  const provider = await spawnNode('provider', { DEV_CLIENTS: JSON.stringify(devClients(plans)) });
  const contenders: Contender[] = [];
  try {
    for (const p of plans) {
      contenders.push({
        name: p.name,
        server: await startContender(p, provider),
        logins: [],
        profile: [],
        loginsCpu: [],
        profileCpu: [],
      });
    }
    await measureRounds(contenders, notes);
  } finally {
    await Promise.all([...contenders.map((c) => c.server.close()), provider.close()]);
  }
  const { concurrency, rounds, loginsPerRound, profilePerRound } = SETTINGS;
  notes.push(
    `${concurrency} virtual users; ${rounds} interleaved rounds of ${loginsPerRound} logins and ${profilePerRound} /profile requests per contender`,
    'each server in its own process; one dev provider (auto-approve) in another; ratios are medians of per-round ratios',
    "server CPU: user + system time of the server's process (all threads) over the measured rounds, per operation; a CPU-per-op ratio is the other's CPU over this one's (above 1: this one spends less), the median of per-round ratios",
  );
  return {
    title: 'web: complete logins and /profile (dev provider, auto-approve)',
    rows: rows(contenders),
    notes,
  };
}

export default run;

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(formatTable(await run()));
}
