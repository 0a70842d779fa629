/**
 * The fuzz properties at full strength: `npx tsx scripts/fuzz.ts [runs] [seed]` (default 10,000
 * runs each, a random seed). Prints one line per property and exits non-zero on the first
 * failing property, with fast-check's counterexample and the seed to replay it.
 */
import { oidcProperties } from '../test/fuzz/oidc-properties.js';
import { properties as coreProperties } from '../test/fuzz/properties.js';

const properties = [...coreProperties, ...oidcProperties];

const runs = Number(process.argv[2] ?? 10_000);
const seed = Number(process.argv[3] ?? Math.floor(Math.random() * 2 ** 31));
if (!Number.isInteger(runs) || runs < 1) throw new TypeError('runs must be a positive integer');

console.log(`fuzz: ${properties.length} properties, ${runs} runs each, seed ${seed}`);
let failed = 0;
for (const property of properties) {
  const started = performance.now();
  try {
    const { accepted, refused } = await property.run(runs, seed);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `ok    ${property.name}: ${runs} runs (${accepted} accepted, ${refused} refused) in ${seconds}s`,
    );
  } catch (error) {
    failed++;
    console.log(`FAIL  ${property.name}`);
    console.log(error instanceof Error ? error.message : String(error));
  }
}
console.log(failed === 0 ? 'fuzz: all properties hold' : `fuzz: ${failed} properties failed`);
process.exitCode = failed === 0 ? 0 : 1;
