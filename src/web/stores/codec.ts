/**
 * Argument checks and the JSON codec shared by every store, so that all stores accept and
 * answer exactly the same things (the contract suite holds them to it).
 *
 * @module
 */

import { checkNumber, misuse } from '../../errors.js';
import type { SessionData } from './store.js';

/** Longest id or lock key a store accepts; ids come from cookies, so they are bounded. */
const MAX_KEY_LENGTH = 512;

/**
 * Checks a session id or lock key: a non-empty string (else `ERR_INVALID_ARG_TYPE`) of bounded
 * length (else `ERR_INVALID_ARG_VALUE`).
 */
export function assertKey(name: string, value: unknown): asserts value is string {
  const rule = `${name} must be a non-empty string of at most ${MAX_KEY_LENGTH} chars`;
  if (typeof value !== 'string' || value.length === 0) throw misuse(rule, 'ERR_INVALID_ARG_TYPE');
  if (value.length > MAX_KEY_LENGTH) throw misuse(rule, 'ERR_INVALID_ARG_VALUE');
}

/** Checks a time to live: a finite number (zero or less means "already expired"). */
export function assertTtl(name: string, value: unknown): asserts value is number {
  checkNumber(value, `${name} must be a finite number`);
}

/** Checks a lock time to live: a positive number of milliseconds. */
export function assertLockTtl(value: unknown): asserts value is number {
  checkNumber(value, 'ttlMs must be a number of milliseconds, at least 1', { min: 1 });
}

/**
 * Serializes session data. JSON on every store (even in memory) so that a value read back is
 * the same whatever the store, and a caller can never hold a reference into stored state.
 */
export function encodeSession(data: SessionData): string {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw misuse('data must be a plain object', 'ERR_INVALID_ARG_TYPE');
  }
  return JSON.stringify(data);
}

/** Parses stored session data; anything that is not a JSON object reads as no session. */
export function decodeSession(raw: string | null | undefined): SessionData | undefined {
  if (typeof raw !== 'string') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined; // corrupt: treat as absent, so the user logs in again instead of a 500
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  return value as SessionData;
}

/** Session TTL in whole milliseconds, rounded up so a session never expires early. */
export function ttlToMs(ttlSeconds: number): number {
  return Math.ceil(ttlSeconds * 1000);
}
