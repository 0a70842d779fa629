/**
 * The session's schema: what the web layer keeps in a session, under which key, and the typed
 * accessors for it. Nothing else reads or writes these keys by string, so a field that comes
 * later (a DPoP key, say) is one entry in
 * {@link SessionSchema}, {@link SESSION_KEYS} and the shape checks here.
 *
 * @module
 */

import type { Token } from '../token.js';
import type { OpenIDClaims } from './openid.js';
import type { Session } from './sessions.js';
import type { SessionData } from './stores/store.js';

/** What the web layer keeps in a session, by field. */
export interface SessionSchema {
  /** The OAuth token, plain JSON with the wire names. */
  token: Token;
  /**
   * The session's CSRF token (256 random bits, base64url): state-changing forms of this
   * session (logout) carry it, so another site cannot submit them (see `csrf.ts`).
   */
  csrf: string;
  /**
   * The verified claims of the ID token that came with `token` (OpenID Connect logins only):
   * written at the callback and again by every refresh that brings a new, verified ID token.
   */
  idTokenClaims: OpenIDClaims;
}

/** A field of {@link SessionSchema}. */
export type SessionField = keyof SessionSchema;

/**
 * The session key of each field. They are stored (in cookies and stores), so renaming one logs
 * every user out: add fields, do not rename them.
 */
export const SESSION_KEYS: Readonly<Record<SessionField, string>> = Object.freeze({
  token: 'token',
  csrf: 'csrf',
  idTokenClaims: 'id_token_claims',
});

/** The session key holding the token. */
export const TOKEN_KEY = SESSION_KEYS.token;

type ShapeCheck<T> = (value: unknown) => value is T;

/** Stored data comes back untyped (an old cookie, another version): each field's shape check. */
const SHAPES: { readonly [F in SessionField]: ShapeCheck<SessionSchema[F]> } = {
  token: (value): value is Token => typeof (value as Token | null)?.access_token === 'string',
  csrf: (value): value is string => typeof value === 'string' && value.length > 0,
  idTokenClaims: (value): value is OpenIDClaims => {
    const claims = value as Partial<OpenIDClaims> | null;
    return (
      typeof claims === 'object' &&
      claims !== null &&
      !Array.isArray(claims) &&
      typeof claims.iss === 'string' &&
      typeof claims.sub === 'string'
    );
  },
};

/** A field of stored session data; `undefined` when absent or not of the field's shape. */
export function readField<F extends SessionField>(
  data: SessionData | undefined,
  field: F,
): SessionSchema[F] | undefined {
  const value = data?.[SESSION_KEYS[field]];
  return SHAPES[field](value) ? value : undefined;
}

/** A copy of `data` with `field` set. */
export function withField<F extends SessionField>(
  data: SessionData | undefined,
  field: F,
  value: SessionSchema[F],
): SessionData {
  return { ...data, [SESSION_KEYS[field]]: value };
}

/** A field of a request's session; `undefined` when absent or not of the field's shape. */
export function getField<F extends SessionField>(
  session: Session,
  field: F,
): SessionSchema[F] | undefined {
  const value = session.get(SESSION_KEYS[field]);
  return SHAPES[field](value) ? value : undefined;
}

/**
 * Sets a field of a request's session. `stored: true` says the store already holds this value
 * (the refresh coordinator wrote it), so committing the session does not write it again.
 */
export function setField<F extends SessionField>(
  session: Session,
  field: F,
  value: SessionSchema[F],
  options: { stored?: boolean | undefined } = {},
): void {
  if (options.stored) session.adoptStored(SESSION_KEYS[field], value);
  else session.set(SESSION_KEYS[field], value);
}

/** The token stored session data holds, if any. */
export function tokenOf(data: SessionData | undefined): Token | undefined {
  return readField(data, 'token');
}

/** The ID token claims stored session data holds (OpenID Connect logins), if any. */
export function claimsOf(data: SessionData | undefined): OpenIDClaims | undefined {
  return readField(data, 'idTokenClaims');
}
