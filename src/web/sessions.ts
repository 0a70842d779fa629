/**
 * Sessions: load from a Request, change, commit into `Set-Cookie` values. Two strategies:
 * - sealed cookie (default): the whole session is sealed into the cookie (chunked if large);
 * - server-side {@link SessionStore}: the cookie holds only a sealed opaque 256-bit id.
 *
 * @module
 */

import { checkNumber } from '../errors.js';
import { clearChunked, readChunked, writeChunked } from './chunks.js';
import { type CookieAttributes, cookieName, requestCookies } from './cookies.js';
import { Sealer, type SessionSecrets } from './sealed-cookie.js';
import { newSessionId } from './stores/id.js';
import { replaceSession, type SessionData, type SessionStore } from './stores/store.js';

/** Options of {@link SessionManager}. */
export interface SessionOptions {
  /** Key material for sealing (each 32+ characters); see {@link SessionSecrets}. */
  secrets: SessionSecrets;
  /** Keep sessions server-side in this store; the cookie then holds only an id. */
  store?: SessionStore | undefined;
  /** Session lifetime in seconds, renewed on every write. Default 604 800 (7 days). */
  ttlSeconds?: number | undefined;
  /** Cookie name, before the `__Host-` prefix. Default `'oauth2_session'`. */
  cookieName?: string | undefined;
  /** Secure cookies with the `__Host-` prefix. Default false; set it when the app is on https. */
  secure?: boolean | undefined;
  /** The clock in epoch milliseconds. Default `Date.now`. */
  now?: (() => number) | undefined;
}

/** Defaults of {@link SessionOptions}. */
export const SESSION_DEFAULTS = Object.freeze({
  /** Seconds: 7 days. */
  ttlSeconds: 7 * 24 * 60 * 60,
  cookieName: 'oauth2_session',
  secure: false,
});

/** What the cookie holds in store mode. */
interface IdPayload {
  sid: string;
}

/**
 * One request's session. Changes are kept here until {@link SessionManager.commit}.
 */
export class Session {
  #data: SessionData;
  #changed = false;
  #regenerate = false;
  #destroyed = false;
  /** The store id the request's cookie named (store mode), `undefined` otherwise. */
  readonly loadedId: string | undefined;
  /** @internal The request's cookies, to find stale chunks on commit. */
  readonly requestCookies: ReadonlyMap<string, string>;

  /** Sessions come from {@link SessionManager.load}. */
  constructor(
    data: SessionData,
    loadedId: string | undefined,
    cookies: ReadonlyMap<string, string>,
  ) {
    this.#data = data;
    this.loadedId = loadedId;
    this.requestCookies = cookies;
  }

  /** A value of the session, `undefined` when absent. */
  get<T = unknown>(key: string): T | undefined {
    return (Object.hasOwn(this.#data, key) ? this.#data[key] : undefined) as T | undefined;
  }

  /** Sets a value (plain JSON). */
  set(key: string, value: unknown): void {
    this.#data = { ...this.#data, [key]: value };
    this.#changed = true;
  }

  /**
   * @internal Sets a value the store already holds (the refresh coordinator wrote it there):
   * the session sees it, and commit does not write the session again for it alone.
   */
  adoptStored(key: string, value: unknown): void {
    this.#data = { ...this.#data, [key]: value };
  }

  /** Removes a value. */
  delete(key: string): void {
    if (!Object.hasOwn(this.#data, key)) return;
    const { [key]: _removed, ...rest } = this.#data;
    this.#data = rest;
    this.#changed = true;
  }

  /** A copy of everything the session holds. */
  get data(): SessionData {
    return { ...this.#data };
  }

  /** Whether the session holds nothing. */
  get empty(): boolean {
    return Object.keys(this.#data).length === 0;
  }

  /**
   * Issues a new session id on commit and drops the old one: call it at login, so an id an
   * attacker planted before login is worthless after it (session fixation, OWASP).
   */
  regenerate(): void {
    this.#regenerate = true;
    this.#changed = true;
  }

  /** Ends the session: the store entry and the cookie are deleted on commit. */
  destroy(): void {
    this.#data = {};
    this.#destroyed = true;
    this.#changed = true;
  }

  /** @internal What commit has to do. */
  get pending(): { changed: boolean; regenerate: boolean; destroyed: boolean } {
    return { changed: this.#changed, regenerate: this.#regenerate, destroyed: this.#destroyed };
  }
}

/**
 * Loads and commits sessions.
 *
 * @example
 * ```ts
 * const sessions = new SessionManager({ secrets: process.env.SESSION_SECRET! });
 * const session = await sessions.load(request);
 * session.set('theme', 'dark');
 * for (const c of await sessions.commit(session)) response.headers.append('set-cookie', c);
 * ```
 */
export class SessionManager {
  readonly #sealer: Sealer;
  /** The server-side store, when sessions live there. */
  readonly store: SessionStore | undefined;
  /** Session lifetime in seconds. */
  readonly ttlSeconds: number;
  /** The cookie's name, prefix included. */
  readonly cookieName: string;
  /** Attributes of the session cookie. */
  readonly cookieAttributes: CookieAttributes;

  /** @throws TypeError with a code on bad options (short secret, bad ttl). */
  constructor(options: SessionOptions) {
    this.#sealer = new Sealer({ secrets: options.secrets, now: options.now });
    this.store = options.store;
    this.ttlSeconds = options.ttlSeconds ?? SESSION_DEFAULTS.ttlSeconds;
    checkNumber(this.ttlSeconds, 'session.ttlSeconds must be a number of seconds, at least 1', {
      min: 1,
    });
    const secure = options.secure ?? SESSION_DEFAULTS.secure;
    this.cookieName = cookieName(options.cookieName ?? SESSION_DEFAULTS.cookieName, secure);
    this.cookieAttributes = { secure, maxAgeSeconds: this.ttlSeconds };
  }

  /** The sealer, shared with the login transaction so both use the same keys. */
  get sealer(): Sealer {
    return this.#sealer;
  }

  /**
   * Reads the request's session; a missing, tampered, truncated, expired or wrongly keyed
   * cookie gives an empty session.
   *
   * @throws SessionStoreUnavailableError when the store cannot be reached.
   */
  async load(request: Request): Promise<Session> {
    const cookies = requestCookies(request);
    const sealed = readChunked(this.cookieName, cookies);
    const opened =
      sealed === undefined ? undefined : await this.#sealer.unseal(this.cookieName, sealed);
    if (opened?.status !== 'ok') return new Session({}, undefined, cookies);
    if (!this.store) return new Session(asData(opened.data), undefined, cookies);
    const sid = (opened.data as Partial<IdPayload> | null)?.sid;
    if (typeof sid !== 'string') return new Session({}, undefined, cookies);
    const stored = await this.store.get(sid);
    return stored ? new Session(stored, sid, cookies) : new Session({}, undefined, cookies);
  }

  /**
   * Writes the session's changes (store first) and answers the `Set-Cookie` values to send.
   * Nothing changed: no values. When the store fails, it throws before any value is made, so
   * the caller writes nothing.
   *
   * @throws SessionStoreUnavailableError when the store cannot be reached.
   */
  async commit(session: Session): Promise<string[]> {
    const { changed, regenerate, destroyed } = session.pending;
    if (!changed) return [];
    if (destroyed || session.empty) return this.#clear(session);
    if (!this.store) {
      const value = await this.#sealer.seal(this.cookieName, session.data, this.ttlSeconds);
      return this.#write(session, value);
    }
    const id = regenerate || !session.loadedId ? newSessionId() : session.loadedId;
    if (id === session.loadedId) {
      // A write-back: another request or process may have ended the session since it was
      // loaded (a logout); writing it whole again would log that user back in.
      if (!(await replaceSession(this.store, id, session.data, this.ttlSeconds))) {
        return this.#clear(session);
      }
    } else {
      await this.store.set(id, session.data, this.ttlSeconds);
      if (session.loadedId) await this.store.delete(session.loadedId);
    }
    const payload: IdPayload = { sid: id };
    return this.#write(session, await this.#sealer.seal(this.cookieName, payload, this.ttlSeconds));
  }

  /** Re-reads a stored session by id (store mode); for the refresh coordinator. */
  async reread(id: string): Promise<SessionData | undefined> {
    return this.store?.get(id);
  }

  #write(session: Session, value: string): string[] {
    return writeChunked(this.cookieName, value, this.cookieAttributes, session.requestCookies);
  }

  async #clear(session: Session): Promise<string[]> {
    if (this.store && session.loadedId) await this.store.delete(session.loadedId);
    return clearChunked(this.cookieName, this.cookieAttributes, session.requestCookies);
  }
}

function asData(value: unknown): SessionData {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as SessionData)
    : {};
}
