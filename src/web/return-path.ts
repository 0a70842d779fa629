/**
 * Where to send the user after login: only a path on this origin, so a crafted link cannot turn
 * the login into an open redirect (RFC 6749 section 10.15; OWASP "Unvalidated Redirects").
 *
 * @module
 */

/** Longest return path read, in characters, before normalizing. */
const MAX_LENGTH = 2048;
/**
 * Longest return path a login remembers, in bytes **after** normalizing (the percent-encoded
 * form that goes into the login transaction's cookie): a path of 2048 non-ASCII characters is
 * over 18 000 bytes once encoded. It bounds the transaction cookie (see
 * `MAX_TRANSACTION_COOKIE_BYTES`).
 */
export const MAX_RETURN_PATH_BYTES = 512;
/** Percent-decoding rounds checked: enough for double and triple encoding tricks. */
const DECODE_ROUNDS = 3;
/** C0 controls, DEL and backslash: browsers strip or reinterpret them (`/\evil` = `//evil`). */
function hasForbiddenChar(text: string): boolean {
  // Stryker disable next-line EqualityOperator: charCodeAt past the end is NaN, which matches
  // no check
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f || c === 0x5c) return true;
  }
  return false;
}
const PLACEHOLDER_ORIGIN = 'http://return-path.invalid';

/**
 * Answers `input` normalized when it is a same-origin relative path (`/profile?tab=1`), else
 * `'/'`. Refused: absolute and protocol-relative URLs (`https://evil`, `//evil`, `/\evil`),
 * schemes (`javascript:`), control characters, backslashes, and the same in percent-encoded
 * form (`/%2F%2Fevil`, `/%5Cevil`).
 *
 * @example
 * ```ts
 * safeReturnPath('/profile?tab=1'); // '/profile?tab=1'
 * safeReturnPath('//evil.example'); // '/'
 * ```
 */
export function safeReturnPath(input: unknown): string {
  if (typeof input !== 'string' || input.length > MAX_LENGTH) return '/';
  // Stryker disable next-line StringLiteral: decodedFormsAreSafe asks for the leading / too
  if (!input.startsWith('/') || !decodedFormsAreSafe(input)) return '/';
  let url: URL;
  try {
    url = new URL(input, PLACEHOLDER_ORIGIN);
  } /* Stryker disable next-line BlockStatement: a path-absolute reference always parses */ catch {
    // Stryker disable next-line StringLiteral: never reached: an input with one leading / and no
    // \ or control character (checked above) is a path-absolute reference, which the URL parser
    // resolves against any valid base without refusing it
    return '/';
  }
  const path = url.pathname + url.search + url.hash;
  // Dot segments can normalize `/.//evil` into `//evil`, and `/../%2F%2Fevil` into
  // `/%2F%2Fevil`: what we answer gets the same decoded checks as the input.
  // Stryker disable next-line ConditionalExpression: a path-absolute reference (one leading /,
  // checked above) keeps the base's scheme and host, so the origin is always the placeholder;
  // the check backs up the ones above. Dropping the decoded check fails the dot-segment tests
  if (url.origin !== PLACEHOLDER_ORIGIN || !decodedFormsAreSafe(path)) return '/';
  return path;
}

/**
 * The return path a login remembers: {@link safeReturnPath} of `input` (so `'/'` for an unsafe
 * one), or `fallback` (the after-login path) when `input` is absent or longer than
 * {@link MAX_RETURN_PATH_BYTES} once normalized. Dropped, never cut: a cut path could name
 * another page.
 *
 * @example
 * ```ts
 * loginReturnPath('/profile?tab=1', '/'); // '/profile?tab=1'
 * loginReturnPath(`/${'€'.repeat(200)}`, '/home'); // '/home' (1800 bytes encoded)
 * ```
 */
export function loginReturnPath(input: string | null | undefined, fallback: string): string {
  if (input === null || input === undefined) return fallback;
  const path = safeReturnPath(input);
  return byteLength(path) > MAX_RETURN_PATH_BYTES ? fallback : path;
}

const encoder = new TextEncoder();

/** UTF-8 bytes of `text` (a normalized path is ASCII, but measure what is written). */
export function byteLength(text: string): number {
  return encoder.encode(text).byteLength;
}

/** A path that no browser reads as another origin. */
function isPlainPath(path: string): boolean {
  // Stryker disable next-line StringLiteral: every form checked here starts with a /: the input
  // (safeReturnPath asked for it), its percent-decodings (decoding keeps a leading /) and a
  // URL's pathname (always has one)
  return path.startsWith('/') && !path.startsWith('//') && !hasForbiddenChar(path);
}

/** The raw string and each percent-decoded form are all plain paths. */
function decodedFormsAreSafe(input: string): boolean {
  let current = input;
  for (let round = 0; round <= DECODE_ROUNDS; round++) {
    if (!isPlainPath(current)) return false;
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      return false; // malformed escapes: not something a link of ours would hold
    }
    if (next === current) return true;
    current = next;
  }
  return false;
}
