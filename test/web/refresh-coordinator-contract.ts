/**
 * The one contract suite every `RefreshCoordinator` passes (in-process for sealed cookies,
 * store-backed over any locking store): sessions rely on exactly these behaviours so that a
 * single-use refresh token is spent once, whatever coordinator the handlers picked.
 */

import {
  InvalidGrantError,
  OAuth2Error,
  type RefreshCoordinator,
  TimeoutError,
  type Token,
} from 'oauth2-session';
import {
  type CoordinatedSession,
  type RefreshCoordinationOptions,
  type SessionData,
  storeRefreshCoordinator,
  TOKEN_KEY,
} from 'oauth2-session/web';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/** The implementation under test, fresh for one test. */
export interface CoordinatorSubject {
  /**
   * Starts session `id` holding `stale` (a store-backed coordinator's session is written to its
   * store) and answers how one request for that session gets its coordinator: store-backed
   * ones are built per request, as the handlers do.
   */
  open(id: string, stale: Token): Promise<() => RefreshCoordinator>;
  close(): Promise<void>;
}

/** Makes a fresh {@link CoordinatorSubject} for one test. */
export type CoordinatorFactory = () => Promise<CoordinatorSubject>;

/** A store with a refresh lock, as `storeRefreshCoordinator` needs. */
export type LockingStore = CoordinatedSession['store'];

/** Makes a fresh, empty locking store for one test, and how to dispose of it. */
export type LockingStoreFactory = () => Promise<{ store: LockingStore; close(): Promise<void> }>;

/** Session lifetime given to store-backed coordinators. */
const TTL_SECONDS = 60;

/** Short polling, so waits on another holder stay well inside a test's time. */
const TIMING: RefreshCoordinationOptions = { pollIntervalMs: 10, maxWaitMs: 3000 };

/** A token of session `name`, generation `n`, whose refresh token rotates with it. */
export function tokenFor(name: string, n: number): Token {
  return {
    access_token: `at-${name}-${n}`,
    token_type: 'Bearer',
    expires_at: 1_700_000_000 + n * 3600,
    refresh_token: `rt-${name}-${n}`,
  };
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A `refresh` whose calls the test settles one by one, counting them. */
export class ControlledRefresh {
  readonly #arrivals: Deferred<Deferred<Token>>[] = [];
  #calls = 0;

  /** The function to hand to the coordinator. */
  readonly fn = (): Promise<Token> => {
    const call = deferred<Token>();
    this.#arrival(this.#calls++).resolve(call);
    return call.promise;
  };

  /** How many times the coordinator called `refresh`. */
  get calls(): number {
    return this.#calls;
  }

  /** The `n`th call (1-based), once the coordinator has made it. */
  call(n: number): Promise<Deferred<Token>> {
    return this.#arrival(n - 1).promise;
  }

  #arrival(index: number): Deferred<Deferred<Token>> {
    for (let i = this.#arrivals.length; i <= index; i++) this.#arrivals.push(deferred());
    return this.#arrivals[index]!;
  }
}

/**
 * `pending`'s outcome, resolving refresh call `n` with `token` if the coordinator makes it: a
 * coordinator that answers without refreshing fails the assertions at once instead of hanging.
 */
function whenRefreshed(
  pending: Promise<Token>,
  refresh: ControlledRefresh,
  n: number,
  token: Token,
): Promise<Token> {
  const refreshed = refresh.call(n).then((call) => {
    call.resolve(token);
    return pending;
  });
  return Promise.race([pending, refreshed]);
}

/** Settles every promise now, so none rejects unobserved; answers the outcomes later. */
function settle<T>(promises: Promise<T>[]): Promise<PromiseSettledResult<T>[]> {
  return Promise.allSettled(promises);
}

function reasons(outcomes: PromiseSettledResult<unknown>[]): unknown[] {
  return outcomes.map((o) => (o.status === 'rejected' ? o.reason : 'fulfilled'));
}

/** Runs the coordinator contract against the coordinators `make` creates; titles start with `name`. */
export function refreshCoordinatorContract(name: string, make: CoordinatorFactory): void {
  describe(`${name} satisfies the RefreshCoordinator contract`, () => {
    let subject: CoordinatorSubject;
    beforeEach(async () => {
      subject = await make();
    });
    afterEach(async () => {
      await subject.close();
    });

    describeSharing(() => subject, name);
    describeFailures(() => subject, name);
    describeSessions(() => subject, name);
  });
}

function describeSharing(get: () => CoordinatorSubject, name: string): void {
  it(`${name}: 40 concurrent calls with one stale token run refresh once and all answer its token`, async () => {
    const stale = tokenFor('s', 0);
    const fresh = tokenFor('s', 1);
    const coordinator = await get().open('s', stale);
    const refresh = new ControlledRefresh();
    const early = Array.from({ length: 20 }, () => coordinator()(refresh.fn, stale));
    const first = await refresh.call(1);
    // More requests arrive while the refresh is in flight.
    const late = Array.from({ length: 20 }, () => coordinator()(refresh.fn, stale));
    first.resolve(fresh);
    const answers = await Promise.all([...early, ...late]);
    expect(answers).toHaveLength(40);
    for (const answer of answers) expect(answer).toEqual(fresh);
    expect(refresh.calls).toBe(1);
  });

  it(`${name}: a later call with the stale token, after the refresh succeeded, answers its token without refreshing`, async () => {
    const stale = tokenFor('s', 0);
    const fresh = tokenFor('s', 1);
    const coordinator = await get().open('s', stale);
    const refresh = new ControlledRefresh();
    const answer = coordinator()(refresh.fn, stale);
    (await refresh.call(1)).resolve(fresh);
    expect(await answer).toEqual(fresh);
    // A browser that still sent the old cookie.
    expect(await coordinator()(refresh.fn, stale)).toEqual(fresh);
    expect(refresh.calls).toBe(1);
  });

  it(`${name}: the next refresh of the session (the token the last one answered is now stale) refreshes again`, async () => {
    const coordinator = await get().open('s', tokenFor('s', 0));
    const refresh = new ControlledRefresh();
    const first = coordinator()(refresh.fn, tokenFor('s', 0));
    (await refresh.call(1)).resolve(tokenFor('s', 1));
    expect(await first).toEqual(tokenFor('s', 1));
    const second = coordinator()(refresh.fn, tokenFor('s', 1));
    expect(await whenRefreshed(second, refresh, 2, tokenFor('s', 2))).toEqual(tokenFor('s', 2));
    expect(refresh.calls).toBe(2);
  });

  it(`${name}: the next refresh refreshes again when the provider kept the refresh token (no rotation)`, async () => {
    // OAuth2Session keeps the old refresh token when the answer has none: successive tokens of
    // the session then share their refresh_token and differ in access_token only.
    const kept = (n: number): Token => ({ ...tokenFor('s', n), refresh_token: 'rt-kept' });
    const coordinator = await get().open('s', kept(0));
    const refresh = new ControlledRefresh();
    const first = coordinator()(refresh.fn, kept(0));
    (await refresh.call(1)).resolve(kept(1));
    expect(await first).toEqual(kept(1));
    // e.g. a 401 invalid_token on the new access token: the session renews it.
    const answer = await whenRefreshed(coordinator()(refresh.fn, kept(1)), refresh, 2, kept(2));
    // Never the very token the caller holds as stale: that is no refresh at all.
    expect(answer.access_token).not.toBe(kept(1).access_token);
    expect(answer).toEqual(kept(2));
    expect(refresh.calls).toBe(2);
  });
}

const transientFailures: [string, () => Error][] = [
  ['a plain Error', () => new Error('socket hang up')],
  [
    'an OAuth2Error OAUTH_NETWORK_ERROR',
    () => new OAuth2Error('token request failed', { code: 'OAUTH_NETWORK_ERROR' }),
  ],
  ['a TimeoutError', () => new TimeoutError('token request timed out')],
];

function describeFailures(get: () => CoordinatorSubject, name: string): void {
  it(`${name}: a refresh refused with InvalidGrantError is shared: every caller sees it, and the same stale token never refreshes again`, async () => {
    const stale = tokenFor('s', 0);
    const coordinator = await get().open('s', stale);
    const refresh = new ControlledRefresh();
    const outcomes = settle(Array.from({ length: 10 }, () => coordinator()(refresh.fn, stale)));
    (await refresh.call(1)).reject(new InvalidGrantError('refused', { error: 'invalid_grant' }));
    for (const reason of reasons(await outcomes)) expect(reason).toBeInstanceOf(InvalidGrantError);
    expect(refresh.calls).toBe(1);
    // Later requests with the same (spent) token: refused without a token request.
    await expect(coordinator()(refresh.fn, stale)).rejects.toBeInstanceOf(Error);
    await expect(coordinator()(refresh.fn, stale)).rejects.toBeInstanceOf(Error);
    expect(refresh.calls).toBe(1);
  });

  it.each(transientFailures)(
    `${name}: a transient failure (%s) is shared by the callers waiting on it, then forgotten: a later call refreshes again`,
    async (_, failure) => {
      const stale = tokenFor('s', 0);
      const fresh = tokenFor('s', 1);
      const coordinator = await get().open('s', stale);
      const refresh = new ControlledRefresh();
      const error = failure();
      const outcomes = settle(Array.from({ length: 5 }, () => coordinator()(refresh.fn, stale)));
      (await refresh.call(1)).reject(error);
      for (const reason of reasons(await outcomes)) expect(reason).toBe(error);
      expect(refresh.calls).toBe(1);
      const retry = coordinator()(refresh.fn, stale);
      expect(await whenRefreshed(retry, refresh, 2, fresh)).toEqual(fresh);
      expect(refresh.calls).toBe(2);
    },
  );
}

function describeSessions(get: () => CoordinatorSubject, name: string): void {
  it(`${name}: different sessions do not share: their refreshes run at once, each answers its own`, async () => {
    const [staleA, staleB] = [tokenFor('a', 0), tokenFor('b', 0)];
    const a = await get().open('a', staleA);
    const b = await get().open('b', staleB);
    const [refreshA, refreshB] = [new ControlledRefresh(), new ControlledRefresh()];
    const outcomesA = settle(Array.from({ length: 3 }, () => a()(refreshA.fn, staleA)));
    const answersB = Promise.all(Array.from({ length: 3 }, () => b()(refreshB.fn, staleB)));
    // Both refreshes are in flight together: neither waits for the other.
    const [callA, callB] = await Promise.all([refreshA.call(1), refreshB.call(1)]);
    callA.reject(new InvalidGrantError('refused', { error: 'invalid_grant' }));
    callB.resolve(tokenFor('b', 1));
    for (const reason of reasons(await outcomesA)) expect(reason).toBeInstanceOf(InvalidGrantError);
    for (const answer of await answersB) expect(answer).toEqual(tokenFor('b', 1));
    // A's refusal did not end B: a later stale call of B still answers B's new token.
    expect(await b()(refreshB.fn, staleB)).toEqual(tokenFor('b', 1));
    expect([refreshA.calls, refreshB.calls]).toEqual([1, 1]);
  });

  it(`${name}: a refresh that fails for one session leaves another with it in flight untouched`, async () => {
    const [staleA, staleB] = [tokenFor('a', 0), tokenFor('b', 0)];
    const a = await get().open('a', staleA);
    const b = await get().open('b', staleB);
    const [refreshA, refreshB] = [new ControlledRefresh(), new ControlledRefresh()];
    const outcomeA = settle([a()(refreshA.fn, staleA)]);
    const answerB = b()(refreshB.fn, staleB);
    const [callA, callB] = await Promise.all([refreshA.call(1), refreshB.call(1)]);
    callA.reject(new Error('socket hang up'));
    expect(reasons(await outcomeA)[0]).toBeInstanceOf(Error);
    callB.resolve(tokenFor('b', 1));
    expect(await answerB).toEqual(tokenFor('b', 1));
    expect([refreshA.calls, refreshB.calls]).toEqual([1, 1]);
  });
}

/**
 * Runs the coordinator contract, then what store-backed coordinators add, against
 * `storeRefreshCoordinator` over the stores `make` creates; titles start with `name`.
 */
export function storeRefreshCoordinatorContract(name: string, make: LockingStoreFactory): void {
  refreshCoordinatorContract(name, async () => {
    const { store, close } = await make();
    return {
      open: async (id, stale) => {
        await store.set(id, { [TOKEN_KEY]: stale }, TTL_SECONDS);
        return () => storeRefreshCoordinator({ store, id, ttlSeconds: TTL_SECONDS }, TIMING);
      },
      close,
    };
  });

  describe(`${name} satisfies the store-backed RefreshCoordinator contract`, () => {
    let store: LockingStore;
    let close: () => Promise<void>;
    beforeEach(async () => {
      ({ store, close } = await make());
    });
    afterEach(async () => {
      await close();
    });
    const coordinatorFor = (id: string) =>
      storeRefreshCoordinator({ store, id, ttlSeconds: TTL_SECONDS }, TIMING);

    it(`${name}: writes the new token to the session under TOKEN_KEY and keeps its other fields`, async () => {
      const others: SessionData = { user: { login: 'octocat', id: 1 }, theme: 'dark', n: [1, 2] };
      await store.set('s', { ...others, [TOKEN_KEY]: tokenFor('s', 0) }, TTL_SECONDS);
      await store.set('other', { [TOKEN_KEY]: tokenFor('other', 0) }, TTL_SECONDS);
      const refresh = new ControlledRefresh();
      const answer = coordinatorFor('s')(refresh.fn, tokenFor('s', 0));
      (await refresh.call(1)).resolve(tokenFor('s', 1));
      expect(await answer).toEqual(tokenFor('s', 1));
      expect(await store.get('s')).toEqual({ ...others, [TOKEN_KEY]: tokenFor('s', 1) });
      expect(await store.get('other')).toEqual({ [TOKEN_KEY]: tokenFor('other', 0) });
    });

    it(`${name}: a session that already holds a newer token answers it without refreshing`, async () => {
      const data = { user: 'octocat', [TOKEN_KEY]: tokenFor('s', 1) };
      await store.set('s', data, TTL_SECONDS);
      const refresh = new ControlledRefresh();
      const answers = await Promise.all(
        Array.from({ length: 5 }, () => coordinatorFor('s')(refresh.fn, tokenFor('s', 0))),
      );
      for (const answer of answers) expect(answer).toEqual(tokenFor('s', 1));
      expect(refresh.calls).toBe(0);
      expect(await store.get('s')).toEqual(data);
    });

    it(`${name}: a session deleted from the store rejects with 'session ended', refreshes nothing and is not recreated`, async () => {
      await store.set('s', { [TOKEN_KEY]: tokenFor('s', 0) }, TTL_SECONDS);
      await store.delete('s');
      const refresh = new ControlledRefresh();
      await expect(coordinatorFor('s')(refresh.fn, tokenFor('s', 0))).rejects.toThrow(
        'session ended',
      );
      await expect(coordinatorFor('never')(refresh.fn, tokenFor('s', 0))).rejects.toThrow(
        'session ended',
      );
      expect(refresh.calls).toBe(0);
      expect(await store.get('s')).toBeUndefined();
      expect(await store.get('never')).toBeUndefined();
    });

    it(`${name}: a session without a token rejects with 'session ended' and is left as it is`, async () => {
      await store.set('s', { user: 'octocat' }, TTL_SECONDS);
      const refresh = new ControlledRefresh();
      await expect(coordinatorFor('s')(refresh.fn, tokenFor('s', 0))).rejects.toThrow(
        'session ended',
      );
      expect(refresh.calls).toBe(0);
      expect(await store.get('s')).toEqual({ user: 'octocat' });
    });

    it(`${name}: a session deleted while its refresh is in flight (a logout) is not brought back`, async () => {
      await store.set('s', { [TOKEN_KEY]: tokenFor('s', 0) }, TTL_SECONDS);
      const refresh = new ControlledRefresh();
      const outcome = settle([coordinatorFor('s')(refresh.fn, tokenFor('s', 0))]);
      const call = await refresh.call(1);
      await store.delete('s');
      call.resolve(tokenFor('s', 1));
      const [result] = await outcome;
      expect(result?.status).toBe('rejected');
      expect(String((result as PromiseRejectedResult).reason?.message)).toContain('session ended');
      expect(await store.get('s')).toBeUndefined();
      expect(refresh.calls).toBe(1);
    });

    it(`${name}: a refusal (InvalidGrantError) ends the stored session; a transient failure keeps it as it was`, async () => {
      const refused = { user: 'a', [TOKEN_KEY]: tokenFor('a', 0) };
      const failed = { user: 'b', [TOKEN_KEY]: tokenFor('b', 0) };
      await store.set('a', refused, TTL_SECONDS);
      await store.set('b', failed, TTL_SECONDS);
      const [refreshA, refreshB] = [new ControlledRefresh(), new ControlledRefresh()];
      const outcomes = settle([
        coordinatorFor('a')(refreshA.fn, tokenFor('a', 0)),
        coordinatorFor('b')(refreshB.fn, tokenFor('b', 0)),
      ]);
      (await refreshA.call(1)).reject(new InvalidGrantError('refused', { error: 'invalid_grant' }));
      (await refreshB.call(1)).reject(new Error('socket hang up'));
      expect((await outcomes).map((o) => o.status)).toEqual(['rejected', 'rejected']);
      expect(await store.get('a')).toBeUndefined();
      expect(await store.get('b')).toEqual(failed);
    });
  });
}
