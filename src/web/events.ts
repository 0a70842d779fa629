/**
 * What happens to logins, refreshes, stores and logouts, as typed events: each one is given to
 * the app's `onEvent` hook (for metrics or audit) and written as one log line at its level,
 * with `event: 'oauth2.<type>'` and the event's other fields. One table says every event's
 * level and words, so the hook and the log never disagree.
 *
 * No event carries a token, code, state, verifier, secret, cookie value or session id: fields
 * are event names, error codes (RFC-shaped only), hosts, ports, statuses and durations.
 *
 * @module
 */

import { OAuth2Error } from '../errors.js';
import { type Logger, type LogLevel, writeLog } from './logger.js';

/** Why a request was answered 503. */
export type UnavailableCause = 'store' | 'refresh_coordination';

/** How a wait for another process's refresh ended. */
export type WaitOutcome = 'adopted' | 'ended' | 'acquired' | 'timed_out';

/** Every event of the web layer, by `type`. */
export type OAuthEvent =
  /** A callback stored a token: the user is signed in. */
  | { type: 'login.succeeded'; host: string }
  /**
   * A callback failed: `code` is the page's code (`access_denied`, `transaction_missing`,
   * `OAUTH_MISMATCHING_STATE`, ...), `status` the page's status; `check` names the ID token
   * rule that failed, for `OAUTH_INVALID_ID_TOKEN`.
   */
  | { type: 'login.failed'; code: string; status: number; check?: string | undefined }
  /** A refresh at the token endpoint renewed the token. */
  | { type: 'refresh.succeeded'; host: string }
  /** A refresh failed; `final` when the grant is gone and the session ends with it. */
  | {
      type: 'refresh.failed';
      host: string;
      code: string;
      final: boolean;
      check?: string | undefined;
    }
  /** This process waited for another one's refresh of the same stored session. */
  | { type: 'refresh.waited'; waitedMs: number; outcome: WaitOutcome }
  /** A session store cannot be reached (once per outage); Redis names its host and port. */
  | { type: 'store.unavailable'; store: string; reason: string; host?: string; port?: number }
  /** A session store that was unreachable answers again. */
  | { type: 'store.recovered'; store: string; host?: string; port?: number }
  /** A memory store reached its size limit: the oldest sessions are evicted from now on. */
  | { type: 'store.full'; store: string; maxEntries: number }
  /** A request got a 503 (its store down, or a refresh waited for too long). */
  | { type: 'request.unavailable'; cause: UnavailableCause }
  /** Revoking a token at logout failed; the session ended anyway. */
  | {
      type: 'logout.revocation_failed';
      host: string;
      hint: 'access_token' | 'refresh_token';
      code: string;
    }
  /** The RP-Initiated Logout redirect could not be built; the user lands on `afterLogoutPath`. */
  | { type: 'logout.end_session_skipped'; code: string };

/** The app's hook for every event; it may not throw into a request (a throw is ignored). */
export type OAuthEventHandler = (event: OAuthEvent) => void;

/** What reports events: the web layer's modules hold one. */
export interface Observer {
  /** Reports one event: to the app's `onEvent`, and as one log line at the event's level. */
  emit(event: OAuthEvent): void;
}

/** An observer that reports nothing. */
export const NO_OBSERVER: Observer = Object.freeze({ emit: () => {} });

/** A store's own observer options (`RedisStore`, `MemoryStore`). */
export interface ObserverOptions {
  /** Where the events are written; see {@link Logger}. Default: nothing is written. */
  logger?: Logger | undefined;
  /** Called with every event. */
  onEvent?: OAuthEventHandler | undefined;
}

/** An observer writing to `logger` and calling `onEvent`; either may be absent. */
export function createObserver(
  logger: Logger | undefined,
  onEvent?: OAuthEventHandler | undefined,
): Observer {
  if (!logger && !onEvent) return NO_OBSERVER;
  return {
    emit(event) {
      if (onEvent) ignoringThrow(() => onEvent(event));
      if (!logger) return;
      const { type, ...fields } = event;
      const { level, message } = describe(event);
      writeLog(logger, level, { event: `oauth2.${type}`, ...fields }, message);
    },
  };
}

function ignoringThrow(step: () => void): void {
  try {
    step();
  } catch {
    // the app's hook must not change the answer to the user
  }
}

/** Where a store is, in words: ` at 127.0.0.1:6379`, or nothing when it has no address. */
function at(event: { host?: string; port?: number }): string {
  if (event.host === undefined) return '';
  const host = event.host.includes(':') ? `[${event.host}]` : event.host;
  return ` at ${event.port === undefined ? host : `${host}:${event.port}`}`;
}

/** Each event's level and line. */
function describe(event: OAuthEvent): { level: LogLevel; message: string } {
  switch (event.type) {
    case 'login.succeeded':
      return { level: 'info', message: `login succeeded at ${event.host}` };
    case 'login.failed':
      return {
        level: 'warn',
        message: event.check
          ? `id token refused at login: ${event.check}`
          : `login failed: ${event.code} (${event.status})`,
      };
    case 'refresh.succeeded':
      return { level: 'info', message: `refresh at ${event.host}: token renewed` };
    case 'refresh.failed':
      return {
        level: 'warn',
        message: event.check
          ? `id token refused at refresh: ${event.check}`
          : `refresh at ${event.host} failed (${event.code}); ${event.final ? 'the session ended' : 'the session is kept'}`,
      };
    case 'refresh.waited':
      return {
        level: event.outcome === 'timed_out' ? 'warn' : 'debug',
        message: `refresh: waited ${event.waitedMs} ms for another process (${event.outcome})`,
      };
    case 'store.unavailable':
      return {
        level: 'error',
        message: `session store: ${event.store} unavailable${at(event)} (${event.reason})`,
      };
    case 'store.recovered':
      return {
        level: 'info',
        message: `session store: ${event.store} reachable again${at(event)}`,
      };
    case 'store.full':
      return {
        level: 'warn',
        message: `session store: ${event.store} is full (${event.maxEntries} sessions); the oldest are evicted`,
      };
    case 'request.unavailable':
      return { level: 'debug', message: `answered 503 (${event.cause.replace('_', ' ')})` };
    case 'logout.revocation_failed':
      return {
        level: 'warn',
        message: `logout: revoking the ${event.hint} at ${event.host} failed (${event.code}); the session ended anyway`,
      };
    case 'logout.end_session_skipped':
      return { level: 'warn', message: `end-session redirect skipped: ${event.code}` };
  }
}

/** Only RFC-shaped codes are reported (a provider's `error` is its own text). */
const SAFE_CODE = /^[a-z0-9_.-]{1,64}$/i;

/** A short code for an error: the server's RFC code, the core's code, or the error's name. */
export function errorCode(error: unknown): string {
  if (error instanceof OAuth2Error) {
    return error.error && SAFE_CODE.test(error.error) ? error.error : error.code;
  }
  if (error instanceof Error && SAFE_CODE.test(error.name)) return error.name;
  return 'unknown_error';
}

/** Only enumerated names are reported (`IdTokenError.check`: `signature`, `nonce`, ...). */
const CHECK_NAME = /^[a-z_]{1,32}$/;

/** The ID token rule a refused ID token broke, for `OAUTH_INVALID_ID_TOKEN`; else `undefined`. */
export function idTokenCheck(error: unknown): string | undefined {
  if (!(error instanceof OAuth2Error) || error.code !== 'OAUTH_INVALID_ID_TOKEN') return undefined;
  const raw = (error as { check?: unknown }).check;
  return typeof raw === 'string' && CHECK_NAME.test(raw) ? raw : 'unknown';
}
