/**
 * The one contract suite every `ReplayGuard` passes (in-process, or a store's lock): the login
 * callback relies on exactly these behaviours to refuse a replayed transaction before any
 * token request, whatever guard the handlers were given.
 */

import { type ReplayGuard, TRANSACTION_TTL_SECONDS } from 'oauth2-session/web';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/** Makes a fresh guard, with nothing consumed yet, for one test, and how to dispose of it. */
export type ReplayGuardFactory = () => Promise<{ guard: ReplayGuard; close(): Promise<void> }>;

/** The TTL the login callback passes: the transaction's lifetime. */
const TX_TTL_MS = TRANSACTION_TTL_SECONDS * 1000;

/** Runs the replay guard contract against the guards `make` creates; titles start with `name`. */
export function replayGuardContract(name: string, make: ReplayGuardFactory): void {
  describe(`${name} satisfies the ReplayGuard contract`, () => {
    let guard: ReplayGuard;
    let close: () => Promise<void>;
    beforeEach(async () => {
      ({ guard, close } = await make());
    });
    afterEach(async () => {
      await close();
    });

    it(`${name}: consume answers true for an id never consumed, then false for it every time after`, async () => {
      expect(await guard.consume('tx-1', TX_TTL_MS)).toBe(true);
      expect(await guard.consume('tx-1', TX_TTL_MS)).toBe(false);
      expect(await guard.consume('tx-1', TX_TTL_MS)).toBe(false);
    });

    it(`${name}: consume keeps ids independent, however alike they look`, async () => {
      const ids = ['tx-a', 'tx-b', 'tx-A', 'tx-a ', 'tx-', 'tx-aa', 'tx-é', 'tx-🔑'];
      for (const id of ids) expect(await guard.consume(id, TX_TTL_MS), id).toBe(true);
      for (const id of ids) expect(await guard.consume(id, TX_TTL_MS), id).toBe(false);
      expect(await guard.consume('tx-c', TX_TTL_MS)).toBe(true);
    });

    it(`${name}: consume refuses a second use within a short ttlMs too`, async () => {
      expect(await guard.consume('short', 2000)).toBe(true);
      expect(await guard.consume('short', 2000)).toBe(false);
      // A refused consume with another TTL does not reopen the id.
      expect(await guard.consume('short', TX_TTL_MS)).toBe(false);
    });

    it(`${name}: consume from 50 concurrent callbacks for one id: exactly one wins`, async () => {
      const answers = await Promise.all(
        Array.from({ length: 50 }, () => guard.consume('raced', TX_TTL_MS)),
      );
      expect(answers.filter((a) => a)).toHaveLength(1);
      expect(await guard.consume('raced', TX_TTL_MS)).toBe(false);
    });

    it(`${name}: consume of 10 ids raced 10 times each, interleaved: one winner per id`, async () => {
      const ids = Array.from({ length: 10 }, (_, i) => `id-${i}`);
      const calls = Array.from({ length: 100 }, (_, n) => {
        const id = ids[n % ids.length] as string;
        return guard.consume(id, TX_TTL_MS).then((won) => ({ id, won }));
      });
      const answers = await Promise.all(calls);
      for (const id of ids) {
        expect(
          answers.filter((a) => a.id === id && a.won),
          id,
        ).toHaveLength(1);
      }
    });
  });
}
