/**
 * Misuse types of the web layer, kept for compatibility: the web layer throws the core's misuse
 * errors (a `TypeError` with a {@link MisuseCode}), so one code means one thing everywhere.
 * Protocol failures stay the core's `OAuth2Error` classes; store outages are
 * `SessionStoreUnavailableError` from the store contract.
 *
 * @module
 */

import type { MisuseCode, MisuseError } from '../errors.js';

/** @deprecated Use {@link MisuseCode} from `oauth2-session`; the same union. */
export type WebMisuseCode = MisuseCode;

/** @deprecated Use {@link MisuseError} from `oauth2-session`; the same type. */
export type WebMisuseError = MisuseError;
