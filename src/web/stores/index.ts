/**
 * The server-side stores that need nothing but Web APIs: the contract and the memory store.
 * The Redis store lives apart, in `oauth2-session/redis`, so that ioredis stays optional.
 *
 * @module
 */

export { newSessionId } from './id.js';
export {
  MEMORY_STORE_DEFAULTS,
  MemoryRefreshLock,
  MemoryStore,
  type MemoryStoreOptions,
} from './memory.js';
export {
  type RefreshLock,
  type SessionData,
  type SessionStore,
  SessionStoreUnavailableError,
} from './store.js';
