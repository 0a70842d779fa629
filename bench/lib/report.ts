/**
 * The shape every `bench/*.bench.ts` module answers, and how the runner prints it.
 *
 * A bench module exports `run(): Promise<BenchTable | BenchTable[]>`; `bench/run.ts` imports
 * the modules one after the other (never in parallel: the machine is shared and noisy) and
 * prints each table. Ratios are measured side by side in the same run, never against numbers
 * from another run.
 */

/** One measured line: a value, and optionally the goal it is held to. */
export interface BenchRow {
  metric: string;
  /** The measured value, already formatted (`'12,345 req/s'`, `'0.99'`, `'6.1 kB'`). */
  value: string;
  /** The goal as text (`'>= 0.97'`); rows without a goal are context. */
  goal?: string | undefined;
  /** Whether the goal was met; required when `goal` is set. */
  pass?: boolean | undefined;
}

export interface BenchTable {
  title: string;
  rows: BenchRow[];
  /** Conditions worth knowing when reading the numbers (concurrency, rounds, ...). */
  notes?: string[] | undefined;
}

/** Signature of a bench module's `run` export. */
export type BenchModule = { run(): Promise<BenchTable | BenchTable[]> };

/** A row held to a lower bound (`value >= min`). */
export function atLeast(metric: string, value: number, min: number, digits = 2): BenchRow {
  return { metric, value: value.toFixed(digits), goal: `>= ${min}`, pass: value >= min };
}

/** A row held to an upper bound (`value <= max`), shown with a unit. */
export function atMost(metric: string, value: number, max: number, unit: string): BenchRow {
  const show = (n: number) => `${Number.isInteger(n) ? n : n.toFixed(2)}${unit ? ` ${unit}` : ''}`;
  return { metric, value: show(value), goal: `<= ${show(max)}`, pass: value <= max };
}

/** A context row without a goal. */
export function info(metric: string, value: string): BenchRow {
  return { metric, value };
}

/** Formats a rate like `12,345/s`. */
export function perSecond(rate: number, unit = 'ops/s'): string {
  return `${Math.round(rate).toLocaleString('en-US')} ${unit}`;
}

function mark(row: BenchRow): string {
  if (row.goal === undefined) return '';
  return row.pass ? 'PASS' : 'MISS';
}

/** Renders a table as aligned plain text. */
export function formatTable(table: BenchTable): string {
  const header = ['metric', 'value', 'goal', ''];
  const lines = table.rows.map((r) => [r.metric, r.value, r.goal ?? '', mark(r)]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const render = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const notes = (table.notes ?? []).map((n) => `  (${n})`);
  return [`## ${table.title}`, render(header), rule, ...lines.map(render), ...notes].join('\n');
}
