/**
 * The OIDC fuzz properties of `oidc-properties.ts` at a few hundred runs each, so `npm test`
 * catches a regression; `npm run fuzz` runs the same properties at 10,000+ runs.
 */
import { describe, expect, test } from 'vitest';
import { oidcProperties } from './oidc-properties.js';

const RUNS = 300;

describe('fuzz: what an OpenID provider sends yields a typed result or a typed error', () => {
  for (const property of oidcProperties) {
    test(`${property.name}: ${RUNS} runs`, async () => {
      const tally = await property.run(RUNS);
      // The generators must reach both sides, else the property proves nothing.
      if (property.twoSided) expect(tally.accepted).toBeGreaterThan(0);
      expect(tally.refused).toBeGreaterThan(0);
    });
  }
});
