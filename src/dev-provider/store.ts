import { DEV_DEFAULTS } from './defaults.js';
import { digest, newCode, newRequestId, newToken } from './secrets.js';

/** An authorization request that passed validation (RFC 6749 section 4.1.1). */
export interface AuthRequest {
  clientId: string;
  /** The redirect URI in effect: the one asked for, or the registered callback. */
  redirectUri: string;
  /** Whether the request named `redirect_uri` (then the token request must not differ). */
  redirectUriGiven: boolean;
  scopes: string[];
  state: string | undefined;
  codeChallenge: string | undefined;
  /** OIDC mode: the request's `nonce`, for the ID token of the code it leads to. */
  nonce?: string | undefined;
}

/** What a code, a token or a refresh token was granted for. */
export interface Grant {
  clientId: string;
  login: string;
  scopes: string[];
  /** When the user approved, in milliseconds (an ID token's `auth_time`, kept across refreshes). */
  authTime: number;
}

/** A token pair as the token endpoint answers it. */
export interface IssuedTokens {
  /** What the pair was issued for. */
  grant: Grant;
  accessToken: string;
  scopes: string[];
  /** Seconds; set in expiring mode only. */
  expiresIn?: number | undefined;
  refreshToken?: string | undefined;
  refreshTokenExpiresIn?: number | undefined;
}

interface CodeRecord extends AuthRequest, Grant {
  expiresAt: number;
  used: boolean;
  familyId: string | undefined;
}

/** Every token descending from one code: reuse of the code or of a refresh token revokes it. */
interface Family extends Grant {
  tokens: Set<string>;
}

interface TokenRecord {
  familyId: string;
  kind: 'access' | 'refresh';
  expiresAt: number;
  used: boolean;
}

/** Result of redeeming a code or a refresh token. */
export type Redemption<T> =
  | { ok: true; value: T }
  | { ok: false; reason: 'unknown' | 'expired' | 'reused' | 'client' };

/** Token shape and lifetimes of a {@link GrantStore}. */
export interface StoreConfig {
  clock: () => number;
  expiring: boolean;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
}

/**
 * In-memory codes, consents and tokens. Secrets are kept under their SHA-256 digest, so the
 * store never holds a usable code or token in clear.
 */
export class GrantStore {
  readonly #pending = new Map<string, AuthRequest & { expiresAt: number }>();
  readonly #codes = new Map<string, CodeRecord>();
  readonly #tokens = new Map<string, TokenRecord>();
  readonly #families = new Map<string, Family>();
  readonly #config: StoreConfig;
  #familySeq = 0;

  constructor(config: StoreConfig) {
    this.#config = config;
  }

  #now(): number {
    return this.#config.clock();
  }

  /** Keeps a validated request until the person answers the consent page; returns its id. */
  savePending(request: AuthRequest): string {
    this.#sweep();
    const id = newRequestId();
    const expiresAt = this.#now() + DEV_DEFAULTS.consentTtlSeconds * 1000;
    this.#pending.set(id, { ...request, expiresAt });
    return id;
  }

  /** Takes (once) the request a consent form answers. */
  takePending(id: string): AuthRequest | undefined {
    const pending = this.#pending.get(id);
    this.#pending.delete(id);
    if (!pending || pending.expiresAt <= this.#now()) return undefined;
    const { expiresAt: _, ...request } = pending;
    return request;
  }

  /**
   * Issues a single-use, 10-minute code for a request the user approves now (RFC 6749 section
   * 4.1.2).
   */
  issueCode(request: AuthRequest, login: string): string {
    this.#sweep();
    const code = newCode();
    const now = this.#now();
    const expiresAt = now + DEV_DEFAULTS.codeTtlSeconds * 1000;
    this.#codes.set(digest(code), {
      ...request,
      login,
      authTime: now,
      expiresAt,
      used: false,
      familyId: undefined,
    });
    return code;
  }

  /**
   * Marks a code used and answers what it was issued for. A second use revokes every token
   * issued from it (RFC 6749 section 4.1.2). A code of another client is left untouched.
   */
  redeemCode(code: string, clientId: string): Redemption<AuthRequest & Grant> {
    const record = this.#codes.get(digest(code));
    if (!record) return { ok: false, reason: 'unknown' };
    if (record.clientId !== clientId) return { ok: false, reason: 'client' };
    if (record.used) {
      this.#revokeFamily(record.familyId);
      return { ok: false, reason: 'reused' };
    }
    record.used = true;
    if (record.expiresAt <= this.#now()) return { ok: false, reason: 'expired' };
    const { expiresAt: _e, used: _u, familyId: _f, ...grant } = record;
    return { ok: true, value: grant };
  }

  /** Issues the first token pair for a redeemed code and ties it to the code's family. */
  issueForCode(code: string, grant: Grant): IssuedTokens {
    const familyId = `f${++this.#familySeq}`;
    this.#families.set(familyId, { ...grant, tokens: new Set() });
    const record = this.#codes.get(digest(code));
    if (record) record.familyId = familyId;
    return this.#issuePair(familyId);
  }

  /**
   * Exchanges a single-use refresh token for a new pair; the old pair is revoked. A refresh
   * token used twice revokes its whole family (RFC 9700 section 4.14.2).
   */
  rotateRefresh(refreshToken: string, clientId: string): Redemption<IssuedTokens> {
    const record = this.#tokens.get(digest(refreshToken));
    if (record?.kind !== 'refresh') return { ok: false, reason: 'unknown' };
    const family = this.#families.get(record.familyId);
    if (!family) return { ok: false, reason: 'unknown' };
    if (family.clientId !== clientId) return { ok: false, reason: 'client' };
    if (record.used) {
      this.#revokeFamily(record.familyId);
      return { ok: false, reason: 'reused' };
    }
    if (record.expiresAt <= this.#now()) return { ok: false, reason: 'expired' };
    this.#retireFamilyTokens(family);
    record.used = true;
    return { ok: true, value: this.#issuePair(record.familyId) };
  }

  /** The grant behind a live access token, or undefined for unknown, revoked or expired ones. */
  lookupAccessToken(token: string): Grant | undefined {
    const record = this.#tokens.get(digest(token));
    if (record?.kind !== 'access' || record.used) return undefined;
    if (record.expiresAt <= this.#now()) return undefined;
    const family = this.#families.get(record.familyId);
    return family && grantOf(family);
  }

  /** Revokes the family of an access token of `clientId`; false when there was none. */
  revokeAccessToken(token: string, clientId: string): boolean {
    return this.revokeToken(token, clientId, 'access');
  }

  /**
   * Revokes the family of a live token of `clientId`, of the kind given or either (RFC 7009
   * section 2.1: revoking a refresh token ends the grant); false when there was none.
   */
  revokeToken(token: string, clientId: string, kind?: TokenRecord['kind']): boolean {
    const record = this.#tokens.get(digest(token));
    if (!record || record.used || (kind !== undefined && record.kind !== kind)) return false;
    const family = this.#families.get(record.familyId);
    if (!family || family.clientId !== clientId) return false;
    this.#revokeFamily(record.familyId);
    return true;
  }

  /** Forgets every consent, code and token. */
  revokeAll(): void {
    this.#pending.clear();
    this.#codes.clear();
    this.#tokens.clear();
    this.#families.clear();
  }

  #issuePair(familyId: string): IssuedTokens {
    const family = this.#families.get(familyId)!;
    const { expiring, accessTokenTtlSeconds, refreshTokenTtlSeconds } = this.#config;
    const accessToken = newToken(expiring ? 'ghu_' : 'gho_');
    const accessTtl = expiring ? accessTokenTtlSeconds : Number.POSITIVE_INFINITY;
    this.#addToken(family, familyId, accessToken, 'access', accessTtl);
    const grant = grantOf(family);
    if (!expiring) return { grant, accessToken, scopes: family.scopes };
    const refreshToken = newToken('ghr_');
    this.#addToken(family, familyId, refreshToken, 'refresh', refreshTokenTtlSeconds);
    return {
      grant,
      accessToken,
      scopes: family.scopes,
      expiresIn: accessTokenTtlSeconds,
      refreshToken,
      refreshTokenExpiresIn: refreshTokenTtlSeconds,
    };
  }

  #addToken(
    family: Family,
    familyId: string,
    token: string,
    kind: TokenRecord['kind'],
    ttl: number,
  ): void {
    const key = digest(token);
    const expiresAt = this.#now() + ttl * 1000;
    this.#tokens.set(key, { familyId, kind, expiresAt, used: false });
    family.tokens.add(key);
  }

  /** Retires the current access tokens; refresh tokens stay, marked used, to detect reuse. */
  #retireFamilyTokens(family: Family): void {
    for (const key of family.tokens) {
      const record = this.#tokens.get(key);
      if (record?.kind === 'access') {
        this.#tokens.delete(key);
        family.tokens.delete(key);
      } else if (record) record.used = true;
    }
  }

  #revokeFamily(familyId: string | undefined): void {
    const family = familyId === undefined ? undefined : this.#families.get(familyId);
    if (!family || familyId === undefined) return;
    for (const key of family.tokens) this.#tokens.delete(key);
    this.#families.delete(familyId);
  }

  /**
   * Drops expired consents and codes so a long benchmark does not grow without bound. Both maps
   * hold one lifetime each, so insertion order is expiry order and the scan stops at the first
   * live entry.
   */
  #sweep(): void {
    const now = this.#now();
    dropExpired(this.#pending, now);
    dropExpired(this.#codes, now);
  }
}

function grantOf(family: Family): Grant {
  const { clientId, login, scopes, authTime } = family;
  return { clientId, login, scopes, authTime };
}

function dropExpired<K>(map: Map<K, { expiresAt: number }>, now: number): void {
  for (const [key, entry] of map) {
    if (entry.expiresAt > now) return;
    map.delete(key);
  }
}
