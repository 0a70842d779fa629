/**
 * The userinfo answer (OpenID Connect Core 1.0 section 5.3): read with the session's token
 * through the same transport as every request, plain JSON or a signed JWT, and only believed
 * when its `sub` is the ID token's.
 *
 * @module
 */

import { defaults } from '../defaults.js';
import { timingSafeEqual } from '../random.js';
import { readBounded } from '../transport.js';
import { UserinfoError } from './errors.js';
import type { KeySource } from './jwks.js';
import { claimsOf, verifyJws, withSecret } from './jws.js';

/** The claims of a userinfo answer (wire names; other claims kept). */
export interface UserinfoClaims {
  sub: string;
  name?: string | undefined;
  email?: string | undefined;
  email_verified?: boolean | undefined;
  preferred_username?: string | undefined;
  picture?: string | undefined;
  [claim: string]: unknown;
}

/** What a userinfo answer must match. */
export interface UserinfoExpectations {
  /** The ID token's `sub`: the answer's must equal it (section 5.3.4). */
  subject: string;
  /** For a signed answer: `iss`, when present, must equal it. */
  issuer?: string | undefined;
  /** For a signed answer: `aud`, when present, must contain it. */
  clientId?: string | undefined;
  /** For a signed answer: the keys and algorithms (default `['RS256']`). */
  keys?: KeySource | undefined;
  algorithms?: readonly string[] | undefined;
  /** For a signed answer with HS256/384/512 (when in `algorithms`): the client secret, its key. */
  clientSecret?: string | undefined;
  /** The largest answer read, in bytes. Default 65 536. */
  maxResponseBytes?: number | undefined;
}

/** Anything that sends a request with the token attached (an `OAuth2Session`). */
export interface TokenFetcher {
  /** Sends `url` with the token attached (refreshed first when it is due). */
  fetch(url: string, init?: RequestInit): Promise<Response>;
}

/**
 * Fetches and checks the userinfo answer.
 *
 * @throws UserinfoError (`check` names the rule), and the session's errors (refresh, transport)
 * @example
 * ```ts
 * const user = await fetchUserinfo(session, server.userinfo_endpoint!, { subject: claims.sub });
 * ```
 */
export async function fetchUserinfo(
  session: TokenFetcher,
  url: string,
  expected: UserinfoExpectations,
  signal?: AbortSignal,
): Promise<UserinfoClaims> {
  const headers = { accept: 'application/json, application/jwt' };
  const response = await session.fetch(url, signal ? { headers, signal } : { headers });
  const text = await readBounded(response, expected.maxResponseBytes ?? defaults.maxResponseBytes);
  if (response.status !== 200)
    throw new UserinfoError('status', `status ${response.status}`, { status: response.status });
  const signed = /^application\/jwt\b/i.test(response.headers.get('content-type') ?? '');
  const claims = signed ? await signedClaims(text, expected) : jsonClaims(text);
  const sub = claims['sub'];
  if (typeof sub !== 'string' || !timingSafeEqual(sub, expected.subject))
    throw new UserinfoError('sub', 'sub is not the id token subject');
  return claims as UserinfoClaims;
}

const notAnObject = () => new UserinfoError('format', 'the answer is not a JSON object');

function jsonClaims(text: string): Record<string, unknown> {
  return claimsOf(new TextEncoder().encode(text), notAnObject);
}

async function signedClaims(
  jwt: string,
  expected: UserinfoExpectations,
): Promise<Record<string, unknown>> {
  const key = withSecret(expected.keys, expected.clientSecret, () => {
    return new UserinfoError('signature', 'a signed answer, and no keys to verify it');
  });
  const algorithms = expected.algorithms ?? ['RS256'];
  const payload = await verifyJws(jwt.trim(), key, algorithms, (check, message) =>
    check === 'format' ? notAnObject() : new UserinfoError('signature', message),
  );
  const claims = claimsOf(payload, notAnObject);
  if (claims['iss'] !== undefined && claims['iss'] !== expected.issuer)
    throw new UserinfoError('iss', 'signed by another issuer');
  const aud = claims['aud'];
  if (aud !== undefined && !(Array.isArray(aud) ? aud : [aud]).includes(expected.clientId))
    throw new UserinfoError('aud', 'not issued to this client');
  return claims;
}
