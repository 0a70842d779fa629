/**
 * The token's lifecycle on one session: which token is current, whether it is fresh enough,
 * renewing it early (and keeping a still-valid token when the renewal fails for a transient
 * reason), one renewal at a time (single-flight), cross-process coordination, and `onToken`.
 *
 * @module
 */

import { defaults } from './defaults.js';
import { misuse, OAuth2Error, TokenExpiredError } from './errors.js';
import type { RefreshCoordinator } from './options.js';
import { SingleFlight } from './single-flight.js';
import { isExpired, type Token } from './token.js';

/** How a stale token is renewed (refresh, or client credentials again); undefined = it cannot be. */
export type Renewal = (() => Promise<Token>) | undefined;

/** What {@link TokenLifecycle} reads of a session's options. */
export interface TokenLifecycleOptions {
  token?: Token | undefined;
  onToken?: ((token: Token) => void | Promise<void>) | undefined;
  refreshCoordinator?: RefreshCoordinator | undefined;
  /** Renew this many seconds before `expires_at`; default 60. */
  expiryLeewaySeconds?: number | undefined;
  /** The current time, epoch milliseconds; default `Date.now`. */
  clock?: (() => number) | undefined;
}

/** Failures that say nothing about the grant: the provider or the network had trouble. */
const TRANSIENT = new Set<string>([
  'OAUTH_SERVER_ERROR',
  'OAUTH_TEMPORARILY_UNAVAILABLE',
  'OAUTH_TIMEOUT',
  'OAUTH_COORDINATION_TIMEOUT',
  'OAUTH_NETWORK_ERROR',
]);

/** Whether a renewal failed for a reason that a later attempt may not meet. */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof OAuth2Error)) return false;
  if (error.code === 'OAUTH_HTTP_ERROR') return (error.status ?? 0) >= 500;
  return TRANSIENT.has(error.code);
}

/** @internal The current token of one session and the rules of its renewal. */
export class TokenLifecycle {
  readonly #o: TokenLifecycleOptions;
  readonly #flight = new SingleFlight<Token>();
  #token: Token | undefined;

  constructor(options: TokenLifecycleOptions) {
    this.#o = options;
    this.#token = options.token;
  }

  get token(): Token | undefined {
    return this.#token;
  }
  set token(token: Token | undefined) {
    this.#token = token;
  }

  /** Makes `token` current and tells `onToken` (awaited). */
  async adopt(token: Token): Promise<Token> {
    this.#token = token;
    await this.#o.onToken?.(token);
    return token;
  }

  /** Renews through the single-flight and the coordinator: concurrent callers share one renewal. */
  renew(direct: () => Promise<Token>): Promise<Token> {
    return this.#flight.run(() => this.#coordinated(direct));
  }

  /**
   * The token to send now: as is while fresh; renewed within the leeway when it can be (a
   * transient failure then keeps a token that is still valid); else expired is an error.
   *
   * @throws TypeError `ERR_NO_TOKEN`, TokenExpiredError, the renewal's error
   */
  async fresh(renewal: Renewal): Promise<Token> {
    const token = this.#token;
    if (!token) throw misuse('session has no token', 'ERR_NO_TOKEN');
    const now = (this.#o.clock ?? Date.now)();
    if (!isExpired(token, now, this.#o.expiryLeewaySeconds ?? defaults.expiryLeewaySeconds))
      return token;
    if (renewal) return this.#renewEarly(token, now, renewal);
    if (isExpired(token, now)) throw new TokenExpiredError('access token expired');
    return token;
  }

  /** After the resource server rejected `rejected`: renew, unless another caller replaced it already. */
  afterRejection(rejected: Token, renewal: () => Promise<Token>): Promise<Token> {
    const current = this.#token;
    if (current && current.access_token !== rejected.access_token) return Promise.resolve(current);
    return this.renew(renewal);
  }

  /**
   * A failed early renewal keeps a token that is still valid when the failure is transient (5xx,
   * timeout, network): the next request tries again, and the session is not lost to a provider
   * hiccup. A refused grant, or a token already expired, is the caller's error.
   */
  async #renewEarly(token: Token, now: number, renewal: () => Promise<Token>): Promise<Token> {
    try {
      return await this.renew(renewal);
    } catch (error) {
      if (isExpired(token, now) || !isTransient(error)) throw error;
      return token;
    }
  }

  /** Lets the coordinator answer (or obtain) the new token, then adopts it. */
  async #coordinated(direct: () => Promise<Token>): Promise<Token> {
    const stale = this.#token;
    const coordinator = this.#o.refreshCoordinator;
    if (!coordinator || !stale) return this.adopt(await direct());
    const token = await coordinator(direct, stale);
    if (token.access_token !== stale.access_token) return this.adopt(token);
    this.#token = token;
    return token;
  }
}
