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
 * With OpenID Connect, the refreshing request's session has verified the new ID token (against
 * the stored claims: same `iss` and `sub`) before it answered the token; its claims travel with
 * the token through the shared result and the store write, so every request that adopts the
 * token keeps the same claims. A refresh answer without an ID token keeps the session's last
 * one in the token (`id_token`, the `id_token_hint` of the logout) and its claims.
 *
 * @module
 */

import type { RefreshCoordinator } from '../options.js';
import type { Token } from '../token.js';
import { errorCode, idTokenCheck, NO_OBSERVER, type Observer } from './events.js';
import type { OpenIDClaims } from './openid.js';
import {
  type RefreshCoordinationOptions,
  type RefreshResult,
  SHARED_RESULT_MS,
  type StoredSession,
  storedRefreshKey,
  storedSessionRefresh,
} from './refresh-coordinator.js';
import { setField } from './session-schema.js';
import type { Session, SessionManager } from './sessions.js';
import { isFinalRefusal, SharedRefreshes } from './shared-refresh.js';

/** The client options by which one request's session refreshes and keeps the new token. */
export interface SessionRefresh {
  refreshCoordinator: RefreshCoordinator;
  onToken: (token: Token) => void;
}

/**
 * The claims of the ID token in a token the request's own client answered from its refresh (it
 * verified them at the token endpoint pipeline before answering); `undefined` when the answer
 * had none, or the client is not an OpenID Connect one.
 */
export type ClaimsAfterRefresh = (token: Token) => OpenIDClaims | undefined;

const noClaims: ClaimsAfterRefresh = () => undefined;

/** Where a {@link RefreshOwner} reports each refresh it makes. */
export interface RefreshReporting {
  observer: Observer;
  /** The token endpoint's host, named in the events. */
  host: string;
}

const UNREPORTED: RefreshReporting = { observer: NO_OBSERVER, host: 'the token endpoint' };

/** Owns the refreshes of one `createOAuthHandlers`: one table shared by all of its requests. */
export class RefreshOwner {
  readonly #shared = new SharedRefreshes<RefreshResult>();
  readonly #sessions: SessionManager;
  readonly #timing: RefreshCoordinationOptions | undefined;
  readonly #reporting: RefreshReporting;

  constructor(
    sessions: SessionManager,
    timing?: RefreshCoordinationOptions,
    reporting: RefreshReporting = UNREPORTED,
  ) {
    this.#sessions = sessions;
    this.#timing = timing;
    this.#reporting = reporting;
  }

  /**
   * How the request's session refreshes: its coordinator and where the new token (and the
   * claims `claimsAfter` reads once its own refresh is done) go.
   */
  forSession(session: Session, claimsAfter: ClaimsAfterRefresh = noClaims): SessionRefresh {
    const store = this.#sessions.store;
    const id = session.loadedId;
    if (!store || !id) return this.#inCookie(session, claimsAfter);
    const target = { store, id, ttlSeconds: this.#sessions.ttlSeconds };
    return this.#inStore(session, target, claimsAfter);
  }

  #inStore(
    session: Session,
    target: StoredSession,
    claimsAfter: ClaimsAfterRefresh,
  ): SessionRefresh {
    const coordinate = storedSessionRefresh(target, this.#timing, this.#reporting.observer);
    return adopting(session, { stored: true }, (refresh, stale) =>
      this.#shared.share(`store\n${storedRefreshKey(target, stale)}`, () =>
        coordinate(this.#withClaims(refresh, stale, claimsAfter), stale),
      ),
    );
  }

  #inCookie(session: Session, claimsAfter: ClaimsAfterRefresh): SessionRefresh {
    // Keyed by the stale access token, not the refresh token: a provider that does not rotate
    // keeps one refresh token for the session's life.
    return adopting(session, { stored: false }, (refresh, stale) =>
      this.#shared.share(
        `cookie\n${stale.access_token}`,
        this.#withClaims(refresh, stale, claimsAfter),
        SHARED_RESULT_MS,
      ),
    );
  }

  /** {@link withClaims}, each refresh it makes reported once (the shared ones are not again). */
  #withClaims(
    refresh: () => Promise<Token>,
    stale: Token,
    claimsAfter: ClaimsAfterRefresh,
  ): () => Promise<RefreshResult> {
    const { observer, host } = this.#reporting;
    const start = withClaims(refresh, stale, claimsAfter);
    return async () => {
      try {
        const result = await start();
        observer.emit({ type: 'refresh.succeeded', host });
        return result;
      } catch (error) {
        const code = errorCode(error);
        const check = idTokenCheck(error);
        const final = isFinalRefusal(error);
        observer.emit({ type: 'refresh.failed', host, code, final, ...(check ? { check } : {}) });
        throw error;
      }
    };
  }
}

/**
 * The core's refresh, answering the claims its session verified along with the token; an
 * answer without an ID token keeps the stale token's (claims `undefined`: the stored ones stay).
 */
function withClaims(
  refresh: () => Promise<Token>,
  stale: Token,
  claimsAfter: ClaimsAfterRefresh,
): () => Promise<RefreshResult> {
  return async () => {
    const token = await refresh();
    if (token.id_token !== undefined) return { token, claims: claimsAfter(token) };
    const kept = stale.id_token === undefined ? token : { ...token, id_token: stale.id_token };
    return { token: kept, claims: undefined };
  };
}

/**
 * The client options that run `share` as the coordinator and keep what it answers in the
 * request's session: the token (by `onToken`, which the core calls when it adopts a new token)
 * and the claims that came with it.
 */
function adopting(
  session: Session,
  { stored }: { stored: boolean },
  share: (refresh: () => Promise<Token>, stale: Token) => Promise<RefreshResult>,
): SessionRefresh {
  let claims: OpenIDClaims | undefined;
  return {
    refreshCoordinator: async (refresh, stale) => {
      const result = await share(refresh, stale);
      claims = result.claims;
      return result.token;
    },
    onToken: (token) => {
      setField(session, 'token', token, { stored });
      if (claims) setField(session, 'idTokenClaims', claims, { stored });
    },
  };
}
