/**
 * Side-by-side throughput measurement on a noisy, shared machine: two contenders run in
 * alternating rounds (A B B A ...) of equal length and concurrency after a warm-up, so drift
 * in machine load hits both; the ratio is the median of the per-pair ratios.
 */
import { performance } from 'node:perf_hooks';

export type Operation = () => Promise<unknown>;

export interface CompareOptions {
  /** Operations in flight at once (1 = one after the other). */
  concurrency: number;
  /** Length of one measured round in ms. */
  roundMs: number;
  /** Measured rounds per contender (an even number keeps the A B B A order balanced). */
  rounds: number;
  /** Warm-up rounds per contender, discarded. */
  warmupRounds?: number | undefined;
}

export interface Comparison {
  /** Operations per second over all measured rounds. */
  rateA: number;
  rateB: number;
  /** Median over round pairs of rate(A) / rate(B). */
  ratio: number;
}

/** Runs `op` with `concurrency` workers until `ms` have passed; answers completed ops/s. */
export async function throughput(op: Operation, concurrency: number, ms: number): Promise<number> {
  const start = performance.now();
  const deadline = start + ms;
  let done = 0;
  const worker = async () => {
    while (performance.now() < deadline) {
      await op();
      done += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return done / ((performance.now() - start) / 1000);
}

/** The median of `values` (the mean of the middle two for an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const mean = (values: number[]) => values.reduce((s, v) => s + v, 0) / values.length;

/** Measures A against B in interleaved rounds; see the module note. */
export async function compare(
  a: Operation,
  b: Operation,
  options: CompareOptions,
): Promise<Comparison> {
  const { concurrency, roundMs, rounds, warmupRounds = 1 } = options;
  for (let i = 0; i < warmupRounds; i += 1) {
    await throughput(a, concurrency, roundMs);
    await throughput(b, concurrency, roundMs);
  }
  const ratesA: number[] = [];
  const ratesB: number[] = [];
  for (let i = 0; i < rounds; i += 1) {
    const aFirst = i % 2 === 0;
    const first = await throughput(aFirst ? a : b, concurrency, roundMs);
    const second = await throughput(aFirst ? b : a, concurrency, roundMs);
    ratesA.push(aFirst ? first : second);
    ratesB.push(aFirst ? second : first);
  }
  const ratio = median(ratesA.map((rate, i) => rate / ratesB[i]!));
  return { rateA: mean(ratesA), rateB: mean(ratesB), ratio };
}
