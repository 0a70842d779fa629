/**
 * Write-backs never bring back a session that was ended meanwhile (a logout in another request
 * or process): the session manager's commit and the refresh coordinator's holder write only
 * while the stored session exists. In-process, on the memory store; the multi-process version
 * is in shared-session.test.ts.
 */
import type { Token } from 'oauth2-session';
import {
  MemoryStore,
  SessionEndedError,
  SessionManager,
  storeRefreshCoordinator,
} from 'oauth2-session/web';
import { describe, expect, it } from 'vitest';

const SECRET = 'write-back-test-secret-0123456789abcdef';
const token = (access: string): Token => ({
  access_token: access,
  token_type: 'bearer',
  refresh_token: `r-${access}`,
});

async function loggedIn(store: MemoryStore) {
  const sessions = new SessionManager({ secrets: SECRET, store });
  const first = await sessions.load(new Request('http://app.test/'));
  first.set('token', token('a1'));
  const [cookie] = await sessions.commit(first);
  const pair = (cookie ?? '').split(';')[0] ?? '';
  const request = () => new Request('http://app.test/profile', { headers: { cookie: pair } });
  const session = await sessions.load(request());
  if (!session.loadedId) throw new Error('not logged in');
  return { sessions, session, id: session.loadedId, request };
}

describe('write-backs after the session ended elsewhere', () => {
  it("the session manager's commit does not resurrect a deleted session", async () => {
    const store = new MemoryStore();
    const { sessions, session, id, request } = await loggedIn(store);
    await store.delete(id); // logged out by another request meanwhile
    session.set('token', token('a2')); // this request's refreshed token
    const cookies = await sessions.commit(session);
    expect(await store.get(id)).toBeUndefined();
    expect(store.size).toBe(0);
    expect(cookies.some((c) => /max-age=0/i.test(c))).toBe(true); // the cookie is cleared
    expect((await sessions.load(request())).empty).toBe(true);
  });

  it('a commit of a live session still writes it', async () => {
    const store = new MemoryStore();
    const { sessions, session, id } = await loggedIn(store);
    session.set('token', token('a2'));
    await sessions.commit(session);
    expect((await store.get(id))?.token).toEqual(token('a2'));
  });

  it("the coordinator's holder does not write a session deleted during its refresh", async () => {
    const store = new MemoryStore();
    const { session, id } = await loggedIn(store);
    const coordinate = storeRefreshCoordinator({ store, id, ttlSeconds: 600 });
    const refresh = async () => {
      await store.delete(id); // logout lands while the token request is on the wire
      return token('a2');
    };
    const stale = session.get<Token>('token') as Token;
    await expect(coordinate(refresh, stale)).rejects.toBeInstanceOf(SessionEndedError);
    expect(await store.get(id)).toBeUndefined();
  });
});
