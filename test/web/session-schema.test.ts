/** The session's schema: the stored keys, the shape checks on read, the typed accessors. */

import type { Token } from 'oauth2-session';
import {
  getField,
  MemoryStore,
  readField,
  SESSION_KEYS,
  SessionManager,
  setField,
  TOKEN_KEY,
  tokenOf,
  withField,
} from 'oauth2-session/web';
import { describe, expect, it } from 'vitest';

const SECRET = 'session-schema-secret-0123456789-abcdef';
const token: Token = { access_token: 'at-1', token_type: 'Bearer', refresh_token: 'rt-1' };

describe('SESSION_KEYS', () => {
  it('SESSION_KEYS: the token lives under "token" (stored in cookies and stores: never renamed)', () => {
    expect(SESSION_KEYS.token).toBe('token');
    expect(TOKEN_KEY).toBe('token');
  });
});

describe('readField', () => {
  it('readField: a token without a string access_token reads as absent', () => {
    expect(readField({ token }, 'token')).toEqual(token);
    expect(readField({ token: { access_token: 1 } }, 'token')).toBeUndefined();
    expect(readField({ token: 'at-1' }, 'token')).toBeUndefined();
    expect(readField(undefined, 'token')).toBeUndefined();
    expect(tokenOf({ token: null })).toBeUndefined();
  });

  it('withField: a copy with the field set, the other values kept', () => {
    const data = { theme: 'dark' };
    expect(withField(data, 'token', token)).toEqual({ theme: 'dark', token });
    expect(data).toEqual({ theme: 'dark' });
  });
});

describe('setField', () => {
  it('setField: a changed field is written on commit; a stored one is seen but not written again', async () => {
    const store = new MemoryStore();
    const sessions = new SessionManager({ secrets: SECRET, store });
    const first = await sessions.load(new Request('http://app.test/'));
    setField(first, 'token', token);
    const [cookie] = await sessions.commit(first);
    const request = new Request('http://app.test/', {
      headers: { cookie: (cookie ?? '').split(';')[0]! },
    });
    const session = await sessions.load(request);
    const newer = { ...token, access_token: 'at-2' };
    setField(session, 'token', newer, { stored: true });
    expect(getField(session, 'token')).toEqual(newer);
    expect(await sessions.commit(session)).toEqual([]);
    expect(tokenOf(await store.get(session.loadedId!))).toEqual(token);
  });
});
