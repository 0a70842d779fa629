/**
 * The session store named by `SESSION_STORE`: none (the sealed cookie holds the session), the
 * in-memory store, or Redis. Redis is imported only when asked for, so the app runs without
 * ioredis installed when it is not used.
 */
import { MemoryStore, type SessionStore } from 'oauth2-session/web';
import type { SessionStoreSetting } from './config.js';

/** A store and how to release it when the app stops. */
export interface OpenedStore {
  store: SessionStore | undefined;
  close(): Promise<void>;
}

const nothing = async () => {};

/** Opens the configured store. */
export async function openStore(setting: SessionStoreSetting): Promise<OpenedStore> {
  if (setting.kind === 'cookie') return { store: undefined, close: nothing };
  if (setting.kind === 'memory') return { store: new MemoryStore(), close: nothing };
  const { RedisStore } = await import('oauth2-session/redis');
  const store = new RedisStore(setting.url, {
    // Say why Redis is unreachable (the reason only: the URL may carry a password).
    onError: (error) => console.warn(`session store: ${error.message}`),
  });
  return { store, close: () => store.close() };
}
