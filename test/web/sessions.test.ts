import {
  CHUNK_LIMITS,
  MemoryStore,
  type SessionData,
  SessionManager,
  type SessionStore,
  SessionStoreUnavailableError,
} from 'oauth2-session/web';
import { describe, expect, it } from 'vitest';
import { CookieJar } from './helpers/cookie-jar.js';

const SECRET = 'session-test-secret-0123456789-abcdef';

/** The cookies a browser would hold after applying Set-Cookie values to `jar`. */
function apply(jar: Map<string, string>, setCookies: string[]): Map<string, string> {
  const next = new CookieJar();
  for (const [n, v] of jar) next.cookies.set(n, v);
  return next.apply(setCookies).cookies;
}

const requestWith = (jar: Map<string, string>): Request =>
  new Request('http://app.test/', {
    headers: { cookie: [...jar].map(([n, v]) => `${n}=${v}`).join('; ') },
  });

/** A random-looking string that does not compress inside the seal. */
const noise = (length: number): string =>
  Array.from(crypto.getRandomValues(new Uint8Array(length)), (b) => (b % 36).toString(36)).join('');

describe('SessionManager (sealed cookie)', () => {
  it('load/commit round-trips a session through the cookie', async () => {
    const sessions = new SessionManager({ secrets: SECRET });
    const first = await sessions.load(new Request('http://app.test/'));
    expect(first.empty).toBe(true);
    first.set('user', 'octocat');
    const cookies = await sessions.commit(first);
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatch(/^oauth2_session=v1\./);
    expect(cookies[0]).toContain('HttpOnly');
    expect(cookies[0]).toContain('SameSite=Lax');
    expect(cookies[0]).toContain('Path=/');
    expect(cookies[0]).toContain(`Max-Age=${7 * 24 * 3600}`);
    expect(cookies[0]).not.toContain('Secure');
    const again = await sessions.load(requestWith(apply(new Map(), cookies)));
    expect(again.get('user')).toBe('octocat');
  });

  it('secure: Secure attribute and the __Host- prefix', async () => {
    const sessions = new SessionManager({ secrets: SECRET, secure: true });
    const s = await sessions.load(new Request('https://app.test/'));
    s.set('a', 1);
    const [cookie] = await sessions.commit(s);
    expect(cookie).toMatch(/^__Host-oauth2_session=/);
    expect(cookie).toContain('Secure');
  });

  it('commit: nothing changed writes nothing', async () => {
    const sessions = new SessionManager({ secrets: SECRET });
    expect(await sessions.commit(await sessions.load(new Request('http://app.test/')))).toEqual([]);
  });

  it('load: a tampered, foreign or garbage cookie is an empty session', async () => {
    const sessions = new SessionManager({ secrets: SECRET });
    const s = await sessions.load(new Request('http://app.test/'));
    s.set('user', 'octocat');
    const jar = apply(new Map(), await sessions.commit(s));
    const value = jar.get('oauth2_session')!;
    const flipped = value.slice(0, -3) + (value.at(-3) === 'A' ? 'B' : 'A') + value.slice(-2);
    for (const bad of [flipped, 'garbage', '', value.slice(0, 20)]) {
      const loaded = await sessions.load(requestWith(new Map([['oauth2_session', bad]])));
      expect(loaded.empty).toBe(true);
    }
    const other = new SessionManager({ secrets: `${SECRET}-other` });
    expect((await other.load(requestWith(jar))).empty).toBe(true);
  });

  it('commit: a large session is chunked, each Set-Cookie under 4096 bytes, and reassembled', async () => {
    const sessions = new SessionManager({ secrets: SECRET, secure: true });
    const s = await sessions.load(new Request('https://app.test/'));
    const big = noise(7000);
    s.set('big', big);
    const cookies = await sessions.commit(s);
    expect(cookies.length).toBeGreaterThan(2);
    expect(cookies.map((c) => c.split('=')[0])).toEqual(
      cookies.map((_, i) => `__Host-oauth2_session.${i}`),
    );
    for (const c of cookies) expect(new TextEncoder().encode(c).length).toBeLessThan(4096);
    const loaded = await sessions.load(requestWith(apply(new Map(), cookies)));
    expect(loaded.get('big')).toBe(big);
  });

  it('commit: stale chunks of an earlier, larger session are cleared', async () => {
    const sessions = new SessionManager({ secrets: SECRET });
    const s = await sessions.load(new Request('http://app.test/'));
    s.set('big', noise(7000));
    let jar = apply(new Map(), await sessions.commit(s));
    expect([...jar.keys()]).toEqual(['oauth2_session.0', 'oauth2_session.1', 'oauth2_session.2']);

    const smaller = await sessions.load(requestWith(jar));
    smaller.set('big', noise(4000));
    const second = await sessions.commit(smaller);
    expect(second.filter((c) => c.includes('Max-Age=0'))).toEqual([
      expect.stringMatching(/^oauth2_session\.2=;/),
    ]);
    jar = apply(jar, second);
    expect([...jar.keys()].sort()).toEqual(['oauth2_session.0', 'oauth2_session.1']);

    const small = await sessions.load(requestWith(jar));
    small.set('big', 'tiny');
    jar = apply(jar, await sessions.commit(small));
    expect([...jar.keys()]).toEqual(['oauth2_session']);
    expect((await sessions.load(requestWith(jar))).get('big')).toBe('tiny');
  });

  it('commit: a session beyond the chunk limit is a TypeError with a code', async () => {
    const sessions = new SessionManager({ secrets: SECRET });
    const s = await sessions.load(new Request('http://app.test/'));
    s.set('huge', noise(CHUNK_LIMITS.maxChunks * 4096));
    await expect(sessions.commit(s)).rejects.toMatchObject({ code: 'ERR_SESSION_TOO_LARGE' });
  });

  it('destroy: clears every cookie piece', async () => {
    const sessions = new SessionManager({ secrets: SECRET });
    const s = await sessions.load(new Request('http://app.test/'));
    s.set('big', noise(4000));
    const jar = apply(new Map(), await sessions.commit(s));
    const loaded = await sessions.load(requestWith(jar));
    loaded.destroy();
    expect(apply(jar, await sessions.commit(loaded)).size).toBe(0);
  });
});

describe('SessionManager (server-side store)', () => {
  it('the cookie holds only a sealed id; data lives in the store', async () => {
    const store = new MemoryStore();
    const sessions = new SessionManager({ secrets: SECRET, store, ttlSeconds: 60 });
    const s = await sessions.load(new Request('http://app.test/'));
    s.set('user', 'octocat');
    const cookies = await sessions.commit(s);
    expect(cookies).toHaveLength(1);
    expect(store.size).toBe(1);
    const loaded = await sessions.load(requestWith(apply(new Map(), cookies)));
    expect(loaded.get('user')).toBe('octocat');
    expect(loaded.loadedId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await store.get(loaded.loadedId!)).toEqual({ user: 'octocat' });
  });

  it('regenerate: a new id, the old entry deleted (session fixation)', async () => {
    const store = new MemoryStore();
    const sessions = new SessionManager({ secrets: SECRET, store });
    const s = await sessions.load(new Request('http://app.test/'));
    s.set('pre', 1);
    const jar = apply(new Map(), await sessions.commit(s));
    const before = await sessions.load(requestWith(jar));
    const oldId = before.loadedId!;
    before.regenerate();
    before.set('user', 'octocat');
    const after = await sessions.load(requestWith(apply(jar, await sessions.commit(before))));
    expect(after.loadedId).not.toBe(oldId);
    expect(await store.get(oldId)).toBeUndefined();
    expect(after.data).toEqual({ pre: 1, user: 'octocat' });
  });

  it('destroy: deletes the store entry and the cookie', async () => {
    const store = new MemoryStore();
    const sessions = new SessionManager({ secrets: SECRET, store });
    const s = await sessions.load(new Request('http://app.test/'));
    s.set('user', 'octocat');
    const jar = apply(new Map(), await sessions.commit(s));
    const loaded = await sessions.load(requestWith(jar));
    loaded.destroy();
    expect(apply(jar, await sessions.commit(loaded)).size).toBe(0);
    expect(store.size).toBe(0);
  });

  it('a store outage surfaces as SessionStoreUnavailableError and commit makes no cookie', async () => {
    const down: SessionStore = {
      get: async () => {
        throw new SessionStoreUnavailableError('store down');
      },
      set: async (_id: string, _d: SessionData, _t: number) => {
        throw new SessionStoreUnavailableError('store down');
      },
      delete: async () => {},
    };
    const sessions = new SessionManager({ secrets: SECRET, store: down });
    const s = await sessions.load(new Request('http://app.test/'));
    s.set('user', 'x');
    await expect(sessions.commit(s)).rejects.toBeInstanceOf(SessionStoreUnavailableError);
  });

  it('new SessionManager: a bad ttl is a TypeError with a code', () => {
    expect(() => new SessionManager({ secrets: SECRET, ttlSeconds: 0 })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
  });
});
