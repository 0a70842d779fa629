/**
 * The {@link Token} shape and its rules: parsing a token response body (JSON or form),
 * `expires_in` -> `expires_at`, scope lists, expiry checks.
 *
 * @module
 */

import { MissingTokenError, OAuth2Error, UnsupportedTokenTypeError } from './errors.js';

/**
 * A token as the provider sent it, with wire names kept (RFC 6749 section 5.1), so it is plain
 * JSON that can be stored and restored. Added or normalized by this library: `expires_at`
 * (epoch seconds, from `expires_in`) and `scope` (a string[]).
 */
export interface Token {
  access_token: string;
  /** As sent (compared case-insensitively); `Bearer` when the provider omitted it. */
  token_type: string;
  /** Lifetime in seconds, as a number. */
  expires_in?: number | undefined;
  /** Expiry instant in epoch seconds; absent = treated as never expiring. */
  expires_at?: number | undefined;
  refresh_token?: string | undefined;
  /** Granted scopes (space- or comma-separated on the wire). */
  scope?: string[] | undefined;
  id_token?: string | undefined;
  /** Anything else the provider sent. */
  [field: string]: unknown;
}

/**
 * Parses scopes written as a list, or as separated text: by default space- or comma-separated,
 * as token responses write them (GitHub uses commas).
 *
 * @param separator what separates scopes in text; options pass `/\s+/` (RFC 6749 section 3.3)
 * @example
 * ```ts
 * parseScope('repo,gist'); // ['repo', 'gist']
 * ```
 */
export function parseScope(
  scope: string | readonly string[] | undefined,
  // Stryker disable next-line Regex: the variant without + splits a run of separators into
  // empty entries, which the filter below drops; the variants that split at the scopes
  // themselves ([^\s,]+, [\S,]+) fail the parseScope tests (token-rules)
  separator: RegExp = /[\s,]+/,
): string[] {
  if (scope === undefined) return [];
  const list = typeof scope === 'string' ? scope.split(separator) : scope;
  return list.filter((s) => s.length > 0);
}

/** Whether two scope lists hold the same set, in any order. */
export function sameScope(a: readonly string[], b: readonly string[]): boolean {
  const set = new Set(a);
  return set.size === new Set(b).size && b.every((s) => set.has(s));
}

/**
 * The change of scope a token reports, when its granted scope differs from the requested one
 * (RFC 6749 section 3.3: the server may grant less, or more); undefined when it does not.
 */
export function scopeChange(
  requested: readonly string[] | undefined,
  token: Token,
): { requested: string[]; granted: string[]; token: Token } | undefined {
  const granted = token.scope;
  if (!requested?.length || !granted || sameScope(requested, granted)) return undefined;
  return { requested: [...requested], granted: [...granted], token };
}

/**
 * Parses a token response body as JSON or as `application/x-www-form-urlencoded` (GitHub's
 * default), chosen by content type; an unknown type is tried as JSON when it looks like JSON.
 *
 * @returns the fields, or `undefined` when the body is neither.
 */
export function parseBody(
  text: string,
  contentType: string | null,
): Record<string, unknown> | undefined {
  // Stryker disable next-line StringLiteral: any stand-in for a missing type names neither
  // a form nor JSON
  const type = (contentType ?? '').toLowerCase();
  if (type.includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  // Stryker disable next-line ConditionalExpression,BooleanLiteral,StringLiteral: equivalent
  // when this early answer is dropped: it only spares a parse that would fail or find no object
  // (a JSON object starts with { once trimStart drops the whitespace). The variants disabled with
  // them that refuse JSON fail the sniffing tests (token-rules).
  if (!type.includes('json') && !text.trimStart().startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } /* Stryker disable next-line BlockStatement: an empty catch answers undefined as well */ catch {
    return undefined;
  }
}

/** The token types a client that sends Bearer tokens accepts (RFC 6750). */
export const BEARER_ONLY: readonly string[] = Object.freeze(['bearer']);

/**
 * The one check of `token_type`: RFC 6749 section 7.1 says a client must not use a token type
 * it does not understand, so a type outside `accepted` (lowercase names, compared
 * case-insensitively) is refused.
 *
 * @throws UnsupportedTokenTypeError
 */
export function assertTokenType(tokenType: string, accepted: readonly string[]): void {
  if (!accepted.includes(tokenType.toLowerCase()))
    throw new UnsupportedTokenTypeError('unsupported token_type');
}

const invalid = (message: string) => new OAuth2Error(message, { code: 'OAUTH_INVALID_RESPONSE' });

/** An access token must fit in a header: visible ASCII only (RFC 6749 appendix A.12). */
const VSCHAR = /^[\x21-\x7E]+$/;

/**
 * Reads `expires_in` as a number or numeric string. Anything else is an error rather than
 * being ignored: ignoring it would make the token look eternal.
 */
function expiresIn(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value;
  // Stryker disable next-line ConditionalExpression: Number.isFinite refuses every non-number
  // too, so dropping the typeof test changes nothing; the variants disabled with it that accept a
  // bad value fail the expires_in tests (token-rules).
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) throw invalid('invalid expires_in');
  return Math.floor(n);
}

function optionalString(fields: Record<string, unknown>, name: string): void {
  const v = fields[name];
  if (v !== undefined && typeof v !== 'string') throw invalid(`invalid ${name}`);
}

/**
 * Validates and normalizes a successful token response's fields (RFC 6749 section 5.1).
 *
 * @param fields the parsed body
 * @param nowSeconds the current time, epoch seconds
 * @param defaultScope the scope to assume when the answer has none (RFC 6749 section 5.1: the
 *   requested one)
 * @param tokenTypes the token types the client can send (lowercase); default Bearer only
 * @throws MissingTokenError without `access_token`; `OAUTH_INVALID_RESPONSE` on bad field types;
 *   UnsupportedTokenTypeError for a `token_type` the client cannot send.
 */
export function normalizeToken(
  fields: Record<string, unknown>,
  nowSeconds: number,
  defaultScope?: readonly string[],
  tokenTypes: readonly string[] = BEARER_ONLY,
): Token {
  const { access_token, token_type, scope } = fields;
  if (access_token === undefined || access_token === '') {
    throw new MissingTokenError('token response has no access_token');
  }
  if (typeof access_token !== 'string' || !VSCHAR.test(access_token)) {
    throw invalid('invalid access_token');
  }
  if (token_type !== undefined && typeof token_type !== 'string')
    throw invalid('invalid token_type');
  // Refused before the token is stored anywhere, not only when it is first used.
  if (token_type) assertTokenType(token_type, tokenTypes);
  if (scope !== undefined && typeof scope !== 'string' && !Array.isArray(scope)) {
    throw invalid('invalid scope');
  }
  optionalString(fields, 'refresh_token');
  optionalString(fields, 'id_token');
  const token: Token = { ...fields, access_token, token_type: token_type || 'Bearer' };
  const lifetime = expiresIn(fields['expires_in']);
  if (lifetime === undefined) delete token.expires_in;
  else
    Object.assign(token, { expires_in: lifetime, expires_at: Math.floor(nowSeconds) + lifetime });
  if (scope !== undefined) token.scope = parseScope(scope as string | string[]);
  else if (defaultScope?.length) token.scope = [...defaultScope];
  return token;
}

/**
 * Whether `token` expires within `leewaySeconds` of `nowMs` (milliseconds). A token without
 * `expires_at` is treated as not expired: the resource server's 401 then decides.
 */
export function isExpired(token: Token, nowMs: number, leewaySeconds = 0): boolean {
  const at = token.expires_at;
  return typeof at === 'number' && at - leewaySeconds <= nowMs / 1000;
}
