/**
 * Who the signed-in user is, read from a provider's user JSON or an ID token's claims by the
 * field names providers use (GitHub's `login` and `avatar_url`, OpenID Connect's
 * `preferred_username` and `picture`, ...), so one profile page serves every preset.
 *
 * @module
 */

import { isLoopback } from '../secure-url.js';

/** What a profile page shows of a user; each part only when the provider gave it. */
export interface UserProfile {
  name?: string | undefined;
  login?: string | undefined;
  /** Only an https URL, or http on a loopback host (see {@link safeImageUrl}). */
  avatarUrl?: string | undefined;
}

/** Longest name or login shown, in characters: past it, the value is cut. */
const MAX_TEXT = 200;
/** Longest avatar URL kept, in characters. */
const MAX_URL = 2048;

const NAME_PATHS = [
  ['name'],
  ['display_name'],
  ['displayName'],
  ['full_name'],
  ['name', 'formatted'],
  ['localizedFirstName'],
  ['nickname'],
];
const LOGIN_PATHS = [
  ['login'],
  ['preferred_username'],
  ['username'],
  ['screen_name'],
  ['user_name'],
  ['userPrincipalName'],
  ['email'],
  ['mail'],
  // an ID token's subject, when nothing friendlier was given: the page still says who it is
  ['sub'],
];
const AVATAR_PATHS = [
  ['avatar_url'],
  ['picture'],
  ['picture', 'data', 'url'],
  ['profile_image_url_https'],
  ['profile_image_url'],
  ['image_url'],
  ['image', 'url'],
  ['image'],
  ['avatar'],
  ['photo'],
  ['pic_url'],
];

/** The value at `path` inside `value`, if every step is an object's own property. */
function at(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    if (!Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** The first non-empty string at one of `paths`, trimmed and bounded. */
function firstText(value: unknown, paths: readonly (readonly string[])[]): string | undefined {
  for (const path of paths) {
    const found = at(value, path);
    if (typeof found === 'string' && found.trim() !== '') return found.trim().slice(0, MAX_TEXT);
  }
  return undefined;
}

/** `given_name family_name` when the provider splits the name (OpenID Connect). */
function splitName(value: unknown): string | undefined {
  const parts = [firstText(value, [['given_name']]), firstText(value, [['family_name']])];
  const joined = parts.filter(Boolean).join(' ');
  return joined === '' ? undefined : joined.slice(0, MAX_TEXT);
}

/**
 * An image URL a page may show: absolute https, or http to a loopback host (a development
 * provider); anything else (`javascript:`, `data:`, plain http elsewhere, credentials in the
 * URL) is `undefined`.
 */
export function safeImageUrl(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > MAX_URL) return undefined;
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return undefined;
  }
  if (url.username !== '' || url.password !== '') return undefined;
  if (url.protocol === 'https:') return url.href;
  if (url.protocol === 'http:' && isLoopback(url.hostname)) return url.href;
  return undefined;
}

/** The first safe image URL at one of the avatar fields. */
function avatarOf(value: unknown): string | undefined {
  for (const path of AVATAR_PATHS) {
    const url = safeImageUrl(at(value, path));
    if (url) return url;
  }
  return undefined;
}

/**
 * The name, login and avatar of a user JSON (any provider's) or ID token claims; fields that
 * are missing, not strings, or (for the avatar) not a safe URL are left out.
 *
 * @example
 * ```ts
 * userProfile({ login: 'octocat', name: 'The Octocat', avatar_url: 'https://...' });
 * // { name: 'The Octocat', login: 'octocat', avatarUrl: 'https://...' }
 * ```
 */
export function userProfile(user: unknown): UserProfile {
  const profile: UserProfile = {};
  const name = firstText(user, NAME_PATHS) ?? splitName(user);
  const login = firstText(user, LOGIN_PATHS);
  const avatarUrl = avatarOf(user);
  if (name !== undefined) profile.name = name;
  if (login !== undefined) profile.login = login;
  if (avatarUrl !== undefined) profile.avatarUrl = avatarUrl;
  return profile;
}
