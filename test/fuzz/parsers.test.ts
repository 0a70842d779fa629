/**
 * The fuzz properties of `properties.ts` at a few hundred runs each, so `npm test` catches a
 * regression; `npx tsx scripts/fuzz.ts` runs the same properties at 10,000+ runs.
 */
import { describe, expect, test } from 'vitest';
import { properties } from './properties.js';

const RUNS = 300;

describe('fuzz: any input yields a typed result or a typed error', () => {
  for (const property of properties) {
    test(`${property.name}: ${RUNS} runs`, async () => {
      const tally = await property.run(RUNS);
      // The generators must reach both sides, else the property proves nothing.
      if (property.twoSided) expect(tally.accepted).toBeGreaterThan(0);
      expect(tally.refused).toBeGreaterThan(0);
    });
  }
});
