import { TimeoutError, type Token } from 'oauth2-session';
import {
  MemoryStore,
  RefreshCoordinationTimeoutError,
  storeRefreshCoordinator,
} from 'oauth2-session/web';
import { describe, expect, it } from 'vitest';

const stale: Token = { access_token: 'old', token_type: 'Bearer', refresh_token: 'r' };

describe('storeRefreshCoordinator', () => {
  it('gives up with RefreshCoordinationTimeoutError (a TimeoutError) when another holder never finishes', async () => {
    const store = new MemoryStore();
    await store.set('s1', { token: stale }, 60);
    // Another process holds the lock and never writes a new token.
    expect(await store.refreshLock.acquire('oauth2-refresh:s1', 60_000)).not.toBeNull();
    let refreshes = 0;
    const coordinate = storeRefreshCoordinator(
      { store, id: 's1', ttlSeconds: 60 },
      { lockTtlMs: 60_000, pollIntervalMs: 10, maxWaitMs: 100 },
    );
    const error = await coordinate(async () => {
      refreshes += 1;
      return stale;
    }, stale).catch((e) => e);
    expect(error).toBeInstanceOf(RefreshCoordinationTimeoutError);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.code).toBe('OAUTH_COORDINATION_TIMEOUT');
    expect(refreshes).toBe(0);
  });
});
