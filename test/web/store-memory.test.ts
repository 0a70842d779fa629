import { MemoryStore, newSessionId } from 'oauth2-session/web';
import { describe, expect, it } from 'vitest';
import { storeContract } from './store-contract.js';

storeContract('MemoryStore', async () => ({ store: new MemoryStore(), close: async () => {} }));

describe('MemoryStore specifics', () => {
  it('MemoryStore honours TTL on read with an injected clock', async () => {
    let now = 1_000_000;
    const store = new MemoryStore({ now: () => now });
    await store.set('s', { v: 1 }, 10);
    now += 9_999;
    expect(await store.get('s')).toEqual({ v: 1 });
    now += 1;
    expect(await store.get('s')).toBeUndefined();
    expect(store.size).toBe(0);
  });

  it('MemoryStore stays bounded: expired entries go first, then the oldest written', async () => {
    let now = 0;
    const store = new MemoryStore({ maxEntries: 3, now: () => now });
    await store.set('expiring', { v: 0 }, 1);
    await store.set('a', { v: 1 }, 60);
    await store.set('b', { v: 2 }, 60);
    now = 2000;
    await store.set('c', { v: 3 }, 60); // full: the expired one is swept, nothing live is lost
    expect(store.size).toBe(3);
    expect(await store.get('a')).toEqual({ v: 1 });
    await store.set('a', { v: 11 }, 60); // rewriting makes 'a' the newest
    await store.set('d', { v: 4 }, 60); // full again: 'b' is now the oldest written
    expect(await store.get('b')).toBeUndefined();
    expect(await store.get('a')).toEqual({ v: 11 });
    expect(await store.get('c')).toEqual({ v: 3 });
    expect(await store.get('d')).toEqual({ v: 4 });
    expect(store.size).toBe(3);
  });

  it('MemoryStore.sweep drops expired sessions only', async () => {
    let now = 0;
    const store = new MemoryStore({ now: () => now });
    await store.set('old', {}, 1);
    await store.set('new', {}, 5);
    now = 1000;
    expect(store.sweep()).toBe(1);
    expect(store.size).toBe(1);
  });

  it('MemoryStore rejects a bad maxEntries with a TypeError code', () => {
    expect(() => new MemoryStore({ maxEntries: 0 })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
  });

  it('newSessionId answers 256 random bits as base64url, never the same twice', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newSessionId()));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});
