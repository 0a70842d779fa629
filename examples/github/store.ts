/**
 * The session store named by `SESSION_STORE`: none (the sealed cookie holds the session), the
 * in-memory store, or Redis. Redis is imported only when asked for, so the app runs without
 * ioredis installed when it is not used.
 */
import { type Logger, MemoryStore, type SessionStore } from 'oauth2-session/web';
import type { SessionStoreSetting } from './config.js';

/** A store and how to release it when the app stops. */
export interface OpenedStore {
  store: SessionStore | undefined;
  close(): Promise<void>;
}

const nothing = async () => {};

/**
 * Opens the configured store; `logger` gets the store's outages (Redis: one line when it becomes
 * unreachable, naming its host and port and the reason, never the URL, which may carry a
 * password; one when it is back) and the memory store's first eviction.
 */
export async function openStore(
  setting: SessionStoreSetting,
  logger?: Logger | undefined,
): Promise<OpenedStore> {
  if (setting.kind === 'cookie') return { store: undefined, close: nothing };
  if (setting.kind === 'memory') return { store: new MemoryStore({ logger }), close: nothing };
  const { RedisStore } = await import('oauth2-session/redis');
  const store = new RedisStore(setting.url, { logger });
  return { store, close: () => store.close() };
}
