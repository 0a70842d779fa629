/**
 * The one contract suite every `SessionStore` passes (memory, Redis, ...): the web layer relies
 * on exactly these behaviours, whatever store the app configured.
 */

import type { SessionData, SessionStore } from 'oauth2-session/web';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/** Makes a fresh, empty store for one test, and how to dispose of it. */
export type StoreFactory = () => Promise<{ store: SessionStore; close(): Promise<void> }>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs the store contract against the stores `make` creates. */
export function storeContract(name: string, make: StoreFactory): void {
  describe(`${name} satisfies the SessionStore contract`, () => {
    let store: SessionStore;
    let close: () => Promise<void>;
    beforeEach(async () => {
      ({ store, close } = await make());
    });
    afterEach(async () => {
      await close();
    });

    describeData(() => store);
    describeExpiry(() => store);
    describeArguments(() => store);
    describeLock(() => store);
    describeReplace(() => store);
  });
}

function describeData(get: () => SessionStore): void {
  it('get answers undefined for a session never written', async () => {
    expect(await get().get('missing')).toBeUndefined();
  });

  it('set then get answers an equal copy', async () => {
    const data = { user: { login: 'octocat', id: 1 }, token: { access_token: 'a', scope: ['x'] } };
    await get().set('s1', data, 60);
    expect(await get().get('s1')).toEqual(data);
  });

  it('set replaces the whole session (no merge with the old one)', async () => {
    await get().set('s1', { a: 1, b: 2 }, 60);
    await get().set('s1', { c: 3 }, 60);
    expect(await get().get('s1')).toEqual({ c: 3 });
  });

  it('delete removes one session and leaves the others; deleting a missing one is fine', async () => {
    await get().set('a', { n: 1 }, 60);
    await get().set('b', { n: 2 }, 60);
    await get().delete('a');
    await get().delete('a');
    await get().delete('never-there');
    expect(await get().get('a')).toBeUndefined();
    expect(await get().get('b')).toEqual({ n: 2 });
  });

  it('get and set copy: mutating what went in or came out does not change the store', async () => {
    const data = { list: [1, 2], nested: { v: 'x' } };
    await get().set('s', data, 60);
    data.list.push(3);
    data.nested.v = 'changed';
    const first = (await get().get('s')) as { list: number[]; nested: { v: string } };
    first.list.push(4);
    first.nested.v = 'changed too';
    const second = await get().get('s');
    expect(second).toEqual({ list: [1, 2], nested: { v: 'x' } });
    expect(second).not.toBe(first);
  });

  it('set keeps a large value (1 MiB) intact', async () => {
    const big = { blob: 'x'.repeat(1024 * 1024), items: Array.from({ length: 1000 }, (_, i) => i) };
    await get().set('big', big, 60);
    expect(await get().get('big')).toEqual(big);
  });

  it('set keeps unicode in values and ids intact', async () => {
    const data = { name: 'Zoë 🦊 日本語 مرحبا', 'clé-🔑': '\u0000\u2028\u2029', lone: '\ud800' };
    await get().set('sess-é-🔑', data, 60);
    expect(await get().get('sess-é-🔑')).toEqual(data);
    expect(await get().get('sess-e-')).toBeUndefined();
  });

  it('set is atomic under concurrent writers: readers only ever see one whole value', async () => {
    const value = (i: number) => ({ writer: i, payload: String(i).repeat(2000), check: i * 7 });
    await get().set('race', value(-1), 60);
    const reads: (SessionData | undefined)[] = [];
    const writes = Array.from({ length: 50 }, (_, i) => get().set('race', value(i), 60));
    const readers = Array.from({ length: 50 }, async () => reads.push(await get().get('race')));
    await Promise.all([...writes, ...readers]);
    for (const seen of [...reads, await get().get('race')]) {
      const w = (seen as { writer: number }).writer;
      expect(seen).toEqual(value(w));
    }
  });
}

function describeExpiry(get: () => SessionStore): void {
  it('set with a TTL of 1 s: readable before, gone after', async () => {
    await get().set('short', { v: 1 }, 1);
    await get().set('long', { v: 2 }, 60);
    await sleep(300);
    expect(await get().get('short')).toEqual({ v: 1 });
    await sleep(1000);
    expect(await get().get('short')).toBeUndefined();
    expect(await get().get('long')).toEqual({ v: 2 });
  });

  it('set restarts the TTL on every write', async () => {
    await get().set('s', { v: 1 }, 0.6);
    await sleep(400);
    await get().set('s', { v: 2 }, 0.6);
    await sleep(400);
    expect(await get().get('s')).toEqual({ v: 2 });
    await sleep(400);
    expect(await get().get('s')).toBeUndefined();
  });

  it('set with a TTL of zero or less deletes the session (it is already expired)', async () => {
    await get().set('s', { v: 1 }, 60);
    await get().set('s', { v: 2 }, 0);
    expect(await get().get('s')).toBeUndefined();
    await get().set('t', { v: 1 }, -5);
    expect(await get().get('t')).toBeUndefined();
  });
}

function describeArguments(get: () => SessionStore): void {
  // Not a non-empty string, or not an object, is a type error; a bad number is a bad value.
  const wrongType = { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' };
  const badValue = { name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' };
  it('get/set/delete reject an empty or non-string id with a TypeError code', async () => {
    await expect(get().get('')).rejects.toMatchObject(wrongType);
    await expect(get().set('', {}, 60)).rejects.toMatchObject(wrongType);
    await expect(get().delete(42 as unknown as string)).rejects.toMatchObject(wrongType);
  });

  it('set rejects a non-object value or a non-finite TTL and keeps the old value', async () => {
    await get().set('s', { v: 1 }, 60);
    await expect(get().set('s', [1] as unknown as SessionData, 60)).rejects.toMatchObject(
      wrongType,
    );
    await expect(get().set('s', null as unknown as SessionData, 60)).rejects.toMatchObject(
      wrongType,
    );
    await expect(get().set('s', { v: 2 }, Number.NaN)).rejects.toMatchObject(badValue);
    expect(await get().get('s')).toEqual({ v: 1 });
  });
}

function describeLock(getStore: () => SessionStore): void {
  const lock = () => {
    const l = getStore().refreshLock;
    if (!l) throw new Error('store has no refreshLock');
    return l;
  };

  it('refreshLock.acquire answers an owner token, then null while held', async () => {
    const owner = await lock().acquire('k', 5000);
    expect(typeof owner).toBe('string');
    expect(owner?.length).toBeGreaterThanOrEqual(16);
    expect(await lock().acquire('k', 5000)).toBeNull();
    expect(await lock().acquire('other-key', 5000)).not.toBeNull();
  });

  it('refreshLock.release frees the lock only for its owner', async () => {
    const owner = (await lock().acquire('k', 5000))!;
    expect(await lock().release('k', 'not-the-owner')).toBe(false);
    expect(await lock().release('k', '')).toBe(false);
    expect(await lock().acquire('k', 5000)).toBeNull();
    expect(await lock().release('k', owner)).toBe(true);
    expect(await lock().release('k', owner)).toBe(false);
    expect(await lock().acquire('k', 5000)).not.toBeNull();
  });

  it('refreshLock expires: another takes it, and the old owner can no longer release it', async () => {
    const first = (await lock().acquire('k', 200))!;
    await sleep(350);
    const second = await lock().acquire('k', 5000);
    expect(second).not.toBeNull();
    expect(second).not.toBe(first);
    expect(await lock().release('k', first)).toBe(false);
    expect(await lock().acquire('k', 5000)).toBeNull();
    expect(await lock().release('k', second!)).toBe(true);
  });

  it('refreshLock.acquire from 50 concurrent callers: exactly one owner', async () => {
    const owners = await Promise.all(Array.from({ length: 50 }, () => lock().acquire('k', 5000)));
    expect(owners.filter((o) => o !== null)).toHaveLength(1);
  });

  it('refreshLock.acquire rejects a TTL below 1 ms with a TypeError code', async () => {
    await expect(lock().acquire('k', 0)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
    await expect(lock().acquire('k', Number.NaN)).rejects.toMatchObject({ name: 'TypeError' });
  });
}

function describeReplace(get: () => SessionStore): void {
  it('replace writes a session that exists and answers true', async () => {
    const store = get();
    // Optional in the interface, but the web layer needs it to never resurrect a logged-out
    // session: every store of ours has it.
    if (!store.replace) throw new Error('store has no replace()');
    await store.set('r1', { v: 1 }, 60);
    expect(await store.replace('r1', { v: 2 }, 60)).toBe(true);
    expect(await store.get('r1')).toEqual({ v: 2 });
  });

  it('replace never brings back a session that was deleted or never written', async () => {
    const store = get();
    if (!store.replace) throw new Error('store has no replace()');
    await store.set('r2', { v: 1 }, 60);
    await store.delete('r2');
    expect(await store.replace('r2', { v: 2 }, 60)).toBe(false);
    expect(await store.replace('never', { v: 2 }, 60)).toBe(false);
    expect(await store.get('r2')).toBeUndefined();
    expect(await store.get('never')).toBeUndefined();
  });
}
