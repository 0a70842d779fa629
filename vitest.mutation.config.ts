import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import base from './vitest.config.js';

// The tests Stryker runs against each mutant (`npm run mutation`, stryker.config.mjs): the unit
// tests of the core, the web layer, OpenID Connect and the fuzz properties, on the same aliases
// as `npm test`. Left out: the suites that start browsers, redis-server, node-oidc-provider or
// child apps (e2e, integration, scale, security, the adapters, the Redis stores and contracts),
// the transport's timing tests and the 1000-caller refresh storm (seconds each, and none of them
// checks a rule of the mutated modules that a faster test does not), and the bundle budget (it
// measures whatever source it is given, and Stryker's is instrumented).
/**
 * Files in a fixed order, cheapest first: the rule tests (pure steps on canned values, where most
 * mutants die), then the other unit tests, then the OpenID Connect and fuzz suites (a provider
 * with fresh keys, hundreds of runs). Stryker stops a mutant's run at its first failing test, so
 * a killed mutant costs the tests before it; vitest's own order runs the slowest files first.
 */
class CheapestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification) => {
      if (file.moduleId.endsWith('-rules.test.ts')) return 0;
      return /[/\\]test[/\\](oidc|fuzz)[/\\]/.test(file.moduleId) ? 2 : 1;
    };
    return [...files].sort(
      (a, b) =>
        rank(a) - rank(b) || (a.moduleId < b.moduleId ? -1 : a.moduleId > b.moduleId ? 1 : 0),
    );
  }
}

export default defineConfig({
  ...(base.resolve ? { resolve: base.resolve } : {}),
  test: {
    include: [
      'test/core/**/*.test.ts',
      'test/web/**/*.test.ts',
      'test/oidc/**/*.test.ts',
      'test/fuzz/**/*.test.ts',
    ],
    exclude: [
      'test/core/bundle.test.ts',
      'test/core/refresh.test.ts',
      'test/core/transport.test.ts',
      'test/core/transport-abort.test.ts',
      'test/core/transport-redirects.test.ts',
      'test/web/express.test.ts',
      'test/web/fastify.test.ts',
      'test/web/hono.test.ts',
      'test/web/logout-revocation.test.ts',
      'test/web/redis-store.test.ts',
      'test/web/refresh-coordinator-contract.test.ts',
      'test/web/replay-guard-contract.test.ts',
      'test/web/store-memory.test.ts',
      'test/web/store-redis.test.ts',
    ],
    // One module graph for all files of a run: Stryker starts a fresh worker for every mutant
    // (so a mutant never outlives its run), and loading the graph once per file instead made a
    // full run several times slower. A test file that needs isolation fails the dry run here.
    isolate: false,
    sequence: { sequencer: CheapestFirst },
    // No watchdog setup file: Stryker times out a mutant that stalls the event loop itself.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
