/**
 * `npm run bench`: runs every `bench/*.bench.ts` module in name order, one after the other, and
 * prints each one's table (see bench/lib/report.ts for the module contract). A module that
 * throws is reported and the others still run; the exit code is then 1. A MISS is a result,
 * not a failure.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type BenchModule, type BenchTable, formatTable } from './lib/report.js';

const benchDir = fileURLToPath(new URL('./', import.meta.url));

function benchFiles(filter: string | undefined): string[] {
  return readdirSync(benchDir)
    .filter((name) => name.endsWith('.bench.ts'))
    .filter((name) => filter === undefined || name.includes(filter))
    .sort();
}

async function runOne(file: string): Promise<BenchTable[]> {
  const module = (await import(pathToFileURL(`${benchDir}${file}`).href)) as BenchModule;
  if (typeof module.run !== 'function') throw new TypeError(`${file} exports no run()`);
  const tables = await module.run();
  return Array.isArray(tables) ? tables : [tables];
}

async function main(): Promise<number> {
  // `npm run bench -- core` runs only the modules whose file name contains "core".
  const files = benchFiles(process.argv[2]);
  let failed = 0;
  console.log(`node ${process.version}, ${files.length} bench module(s): ${files.join(', ')}\n`);
  for (const file of files) {
    const started = Date.now();
    try {
      for (const table of await runOne(file)) console.log(`${formatTable(table)}\n`);
      console.log(`  [${file}: ${((Date.now() - started) / 1000).toFixed(1)} s]\n`);
    } catch (error) {
      failed += 1;
      console.error(`${file} failed: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
  return failed ? 1 : 0;
}

process.exitCode = await main();
