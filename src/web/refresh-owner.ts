/**
 * The one refresh owner of a set of handlers: every request's `OAuth2Session` refreshes through
 * it, whatever kind of session the request has, and each refresh is written once.
 *
 * - Stored sessions: requests of this process share the refresh by session id and stale token;
 *   across processes the store's lock decides who refreshes (when the store has one). The
 *   coordinator writes the new token to the store, so the request's session takes it as
 *   already stored and its commit writes nothing more.
 * - Sealed-cookie sessions: requests share the refresh by stale access token, and its result
 *   answers for 30 seconds more (a browser that still sends the old cookie); each request's
 *   session is changed, so its response carries the new cookie.
 *
 * @module
 */

import type { RefreshCoordinator } from '../options.js';
import type { Token } from '../token.js';
import {
  type RefreshCoordinationOptions,
  SHARED_RESULT_MS,
  type StoredSession,
  storedRefreshKey,
  storedSessionRefresh,
} from './refresh-coordinator.js';
import { setField } from './session-schema.js';
import type { Session, SessionManager } from './sessions.js';
import { SharedRefreshes } from './shared-refresh.js';

/** The client options by which one request's session refreshes and keeps the new token. */
export interface SessionRefresh {
  refreshCoordinator: RefreshCoordinator;
  onToken: (token: Token) => void;
}

/** Owns the refreshes of one `createOAuthHandlers`: one table shared by all of its requests. */
export class RefreshOwner {
  readonly #shared = new SharedRefreshes();
  readonly #sessions: SessionManager;
  readonly #timing: RefreshCoordinationOptions | undefined;

  constructor(sessions: SessionManager, timing?: RefreshCoordinationOptions) {
    this.#sessions = sessions;
    this.#timing = timing;
  }

  /** How the request's session refreshes: its coordinator and where the new token goes. */
  forSession(session: Session): SessionRefresh {
    const store = this.#sessions.store;
    const id = session.loadedId;
    if (!store || !id) return this.#inCookie(session);
    return this.#inStore(session, { store, id, ttlSeconds: this.#sessions.ttlSeconds });
  }

  #inStore(session: Session, target: StoredSession): SessionRefresh {
    const coordinate = storedSessionRefresh(target, this.#timing);
    return {
      refreshCoordinator: (refresh, stale) =>
        this.#shared.share(`store\n${storedRefreshKey(target, stale)}`, () =>
          coordinate(refresh, stale),
        ),
      onToken: (token) => setField(session, 'token', token, { stored: true }),
    };
  }

  #inCookie(session: Session): SessionRefresh {
    return {
      // Keyed by the stale access token, not the refresh token: a provider that does not rotate
      // keeps one refresh token for the session's life.
      refreshCoordinator: (refresh, stale) =>
        this.#shared.share(`cookie\n${stale.access_token}`, refresh, SHARED_RESULT_MS),
      onToken: (token) => setField(session, 'token', token),
    };
  }
}
