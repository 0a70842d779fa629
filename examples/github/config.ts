/**
 * The example app's configuration, read from environment variables whose names, meanings and
 * defaults are a fixed contract (outside checks start the app with them).
 *
 * | variable | meaning | default |
 * |---|---|---|
 * | `PORT` | where the app listens | 5000 |
 * | `HOST` | interface to listen on (not in the contract; a convenience) | 127.0.0.1 |
 * | `APP_URL` | the app's public origin: https makes cookies Secure with the `__Host-` prefix; a POST logout must come from it (not in the original contract) | `OAUTH_REDIRECT_URI`'s origin, else the listening address |
 * | `OAUTH_PROVIDER` | a preset of `oauth2-session/providers` by id (`google`, `strava`, ...; the list is `PRESET_IDS` in ./presets.ts): its endpoints, quirks, default scopes and user endpoint; an unknown id stops the start; any id but `github` needs `OAUTH_CLIENT_ID` | `github` (unset: GitHub-shaped endpoints get the GitHub preset, others plain OAuth 2.0) |
 * | `OAUTH_CLIENT_ID`, `OAUTH_CLIENT_SECRET` | the registered client; for `OAUTH_PROVIDER=apple`, the Services ID and the client secret JWT the app signed with its Sign in with Apple key (ES256; see `appleClientSecret` in `oauth2-session/providers`), valid at most six months | unset: the built-in dev provider |
 * | `OAUTH_ISSUER` | with `OAUTH_PROVIDER`: the tenant, domain or realm of the presets that take one (`microsoft`, `okta`, `auth0`, `keycloak`, `cognito`, `salesforce`; the table in ./presets.ts), nothing is discovered; for `apple`, the issuer `https://appleid.apple.com` (the default), or the origin of an emulator standing in for it on loopback, whose `/auth/*` endpoints and keys the app then uses. Without `OAUTH_PROVIDER`: discover the provider from this issuer (OpenID Connect Discovery) at start-up and sign users in as an OpenID Connect relying party: ID tokens verified, `/profile` answers userinfo, logout through the provider's end-session endpoint; needs `OAUTH_CLIENT_ID` and `OAUTH_REDIRECT_URI` | unset (plain OAuth 2.0) |
 * | `OAUTH_AUTHORIZE_URL`, `OAUTH_TOKEN_URL`, `OAUTH_USER_URL` | provider endpoints; with `OAUTH_PROVIDER`, each replaces the preset's (and their hosts are where the preset's other endpoints and API headers go); with `OAUTH_ISSUER` alone, each replaces the discovered one (`OAUTH_USER_URL` the userinfo endpoint) | GitHub's; the preset's; with `OAUTH_ISSUER` alone, the discovered ones |
 * | `OAUTH_REVOCATION_URL` | RFC 7009 revocation endpoint for logout (not in the original contract) | GitHub-shaped providers: GitHub's API; with `OAUTH_ISSUER`, the discovered one; others: none |
 * | `OAUTH_REDIRECT_URI` | sent when set; when unset, none is sent (like the seed); required with `OAUTH_ISSUER` | unset |
 * | `OAUTH_SCOPE` | space-separated scopes (a preset writes them its provider's way, commas for Strava) | none; with `OAUTH_PROVIDER`, the preset's defaults (enough to log in and read the profile); with `OAUTH_ISSUER` alone, `openid profile email` |
 * | `SESSION_SECRET` | sealed-cookie key material, 32+ characters | random per start, with a warning |
 * | `SESSION_STORE` | `cookie`, `memory` or `redis://...` | `cookie` |
 * | `OAUTH2_INSECURE_TRANSPORT` | `1` allows plain http to non-loopback hosts | unset |
 */
import { randomBytes } from 'node:crypto';
import { isPresetId, PRESET_IDS } from './presets.js';

/** GitHub's OAuth app endpoints (the seed's, plus the REST API's user endpoint). */
export const GITHUB_ENDPOINTS = Object.freeze({
  authorizeUrl: 'https://github.com/login/oauth/authorize',
  tokenUrl: 'https://github.com/login/oauth/access_token',
  userUrl: 'https://api.github.com/user',
});

/** Where sessions live: the sealed cookie itself, process memory, or Redis (by URL). */
export type SessionStoreSetting =
  | { kind: 'cookie' }
  | { kind: 'memory' }
  | { kind: 'redis'; url: string };

/** The app's settings after reading the environment; nothing here is printed. */
export interface AppConfig {
  port: number;
  host: string;
  /**
   * `OAUTH_PROVIDER`: the preset by id; `undefined` when unset (GitHub's preset for GitHub-shaped
   * endpoints, plain OAuth 2.0 for others, or discovery with `OAUTH_ISSUER`).
   */
  preset: string | undefined;
  /** `OAUTH_ISSUER` with `OAUTH_PROVIDER`: the preset's tenant, domain or realm. */
  tenant: string | undefined;
  /** `undefined`: start the dev provider in the same process and use its client. */
  client: { clientId: string; clientSecret: string | undefined } | undefined;
  authorizeUrl: string;
  tokenUrl: string;
  userUrl: string;
  /**
   * `OAUTH_ISSUER` without `OAUTH_PROVIDER`: the app discovers this provider at start-up and is
   * an OpenID Connect relying party of it; `undefined`: OAuth 2.0 at the endpoint URLs above.
   */
  issuer: string | undefined;
  /** The endpoint variables that were set: with an issuer, they replace the discovered endpoints. */
  endpointOverrides: EndpointOverrides;
  redirectUri: string | undefined;
  /**
   * The app's public origin (`APP_URL`, else `OAUTH_REDIRECT_URI`'s origin); `undefined`: the
   * address the app listens on, known once it does.
   */
  appUrl: string | undefined;
  /** `OAUTH_REVOCATION_URL`: replaces the preset's revocation endpoint (or adds one). */
  revocationUrl: string | undefined;
  scope: string[];
  sessionSecret: string;
  /** True when no SESSION_SECRET was given and a random one was made for this start. */
  sessionSecretGenerated: boolean;
  sessionStore: SessionStoreSetting;
  allowInsecureTransport: boolean;
}

/** The endpoint URLs set in the environment (never GitHub's defaults). */
export interface EndpointOverrides {
  authorizeUrl?: string | undefined;
  tokenUrl?: string | undefined;
  userUrl?: string | undefined;
}

/** The scope of an OpenID Connect login when `OAUTH_SCOPE` is unset. */
export const OPENID_DEFAULT_SCOPE: readonly string[] = Object.freeze([
  'openid',
  'profile',
  'email',
]);

/** The environment as the app reads it (process.env, or a plain object in tests). */
export type AppEnv = Readonly<Record<string, string | undefined>>;

/** Minimum SESSION_SECRET length: 32 characters carry at least the 256 bits HKDF is fed. */
export const MIN_SECRET_LENGTH = 32;

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function readPort(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return 5000;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw Object.assign(new TypeError('PORT must be an integer from 0 to 65535'), {
      code: 'ERR_INVALID_PORT',
    });
  }
  return port;
}

function readSecret(value: string | undefined): { secret: string; generated: boolean } {
  if (value === undefined || value === '') {
    return { secret: randomBytes(32).toString('base64url'), generated: true };
  }
  // A short secret set on purpose is a mistake to fix, not to paper over with a random one.
  if (value.length < MIN_SECRET_LENGTH) {
    throw Object.assign(
      new TypeError(`SESSION_SECRET must be at least ${MIN_SECRET_LENGTH} characters`),
      { code: 'ERR_SESSION_SECRET_TOO_SHORT' },
    );
  }
  return { secret: value, generated: false };
}

function readStore(value: string | undefined): SessionStoreSetting {
  const setting = nonEmpty(value) ?? 'cookie';
  if (setting === 'cookie' || setting === 'memory') return { kind: setting };
  if (/^rediss?:\/\//.test(setting)) return { kind: 'redis', url: setting };
  throw Object.assign(new TypeError('SESSION_STORE must be cookie, memory or a redis:// URL'), {
    code: 'ERR_SESSION_STORE',
  });
}

/** An absolute http(s) URL's origin; `code` names the variable's error. */
function readOrigin(value: string | undefined, name: string, code: string): string | undefined {
  if (value === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {}
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') {
    throw Object.assign(new TypeError(`${name} must be an absolute http or https URL`), { code });
  }
  return url.origin;
}

/** `APP_URL`, else the redirect URI's origin (the callback is on the app). */
function readAppUrl(env: AppEnv): string | undefined {
  const explicit = readOrigin(nonEmpty(env.APP_URL), 'APP_URL', 'ERR_APP_URL');
  if (explicit) return explicit;
  const redirect = URL.parse(nonEmpty(env.OAUTH_REDIRECT_URI) ?? '');
  return redirect?.protocol === 'https:' || redirect?.protocol === 'http:'
    ? redirect.origin
    : undefined;
}

function readClient(env: AppEnv): AppConfig['client'] {
  const clientId = nonEmpty(env.OAUTH_CLIENT_ID);
  return clientId ? { clientId, clientSecret: nonEmpty(env.OAUTH_CLIENT_SECRET) } : undefined;
}

function configError(message: string, code: string): TypeError {
  return Object.assign(new TypeError(message), { code });
}

/**
 * `OAUTH_ISSUER`, checked: an absolute http(s) URL (kept exactly as written: discovery compares
 * the provider's `issuer` with it character for character), with the client id and the redirect
 * URI an OpenID login cannot do without.
 */
function readIssuer(env: AppEnv): string | undefined {
  const issuer = nonEmpty(env.OAUTH_ISSUER);
  if (issuer === undefined) return undefined;
  readOrigin(issuer, 'OAUTH_ISSUER', 'ERR_ISSUER');
  if (!nonEmpty(env.OAUTH_CLIENT_ID))
    throw configError(
      'OAUTH_ISSUER needs OAUTH_CLIENT_ID (the client registered with the provider)',
      'ERR_CLIENT_ID_REQUIRED',
    );
  if (!nonEmpty(env.OAUTH_REDIRECT_URI))
    throw configError(
      'OAUTH_ISSUER needs OAUTH_REDIRECT_URI (the callback URL registered with the provider, e.g. http://127.0.0.1:5000/callback)',
      'ERR_REDIRECT_URI_REQUIRED',
    );
  return issuer;
}

function readOverrides(env: AppEnv): EndpointOverrides {
  const overrides: EndpointOverrides = {};
  const authorizeUrl = nonEmpty(env.OAUTH_AUTHORIZE_URL);
  const tokenUrl = nonEmpty(env.OAUTH_TOKEN_URL);
  const userUrl = nonEmpty(env.OAUTH_USER_URL);
  if (authorizeUrl) overrides.authorizeUrl = authorizeUrl;
  if (tokenUrl) overrides.tokenUrl = tokenUrl;
  if (userUrl) overrides.userUrl = userUrl;
  return overrides;
}

/**
 * `OAUTH_PROVIDER`, checked against the presets; any preset but `github` needs the client it is
 * registered as (the built-in dev provider is GitHub-shaped).
 */
function readPreset(env: AppEnv): string | undefined {
  const id = nonEmpty(env.OAUTH_PROVIDER);
  if (id === undefined) return undefined;
  if (!isPresetId(id))
    throw configError(
      `OAUTH_PROVIDER ${JSON.stringify(id)} is not a preset; one of: ${PRESET_IDS.join(', ')}`,
      'ERR_UNKNOWN_PROVIDER',
    );
  if (id !== 'github' && !nonEmpty(env.OAUTH_CLIENT_ID))
    throw configError(
      `OAUTH_PROVIDER=${id} needs OAUTH_CLIENT_ID (the client registered with the provider)`,
      'ERR_CLIENT_ID_REQUIRED',
    );
  return id;
}

function readScope(value: string | undefined, issuer: string | undefined): string[] {
  const scope = (value ?? '').split(/\s+/).filter(Boolean);
  return scope.length === 0 && issuer ? [...OPENID_DEFAULT_SCOPE] : scope;
}

/**
 * Reads the configuration; throws a `TypeError` with a `code` for a value that cannot work.
 *
 * @example
 * const config = readConfig(process.env);
 */
export function readConfig(env: AppEnv): AppConfig {
  const { secret, generated } = readSecret(env.SESSION_SECRET);
  const preset = readPreset(env);
  // With a preset, OAUTH_ISSUER is its tenant; alone, it is the issuer to discover.
  const issuer = preset === undefined ? readIssuer(env) : undefined;
  const overrides = readOverrides(env);
  return {
    preset,
    tenant: preset === undefined ? undefined : nonEmpty(env.OAUTH_ISSUER),
    port: readPort(env.PORT),
    host: nonEmpty(env.HOST) ?? '127.0.0.1',
    client: readClient(env),
    authorizeUrl: overrides.authorizeUrl ?? GITHUB_ENDPOINTS.authorizeUrl,
    tokenUrl: overrides.tokenUrl ?? GITHUB_ENDPOINTS.tokenUrl,
    userUrl: overrides.userUrl ?? GITHUB_ENDPOINTS.userUrl,
    issuer,
    endpointOverrides: overrides,
    redirectUri: nonEmpty(env.OAUTH_REDIRECT_URI),
    appUrl: readAppUrl(env),
    revocationUrl: nonEmpty(env.OAUTH_REVOCATION_URL),
    scope: readScope(env.OAUTH_SCOPE, issuer),
    sessionSecret: secret,
    sessionSecretGenerated: generated,
    sessionStore: readStore(env.SESSION_STORE),
    allowInsecureTransport: env.OAUTH2_INSECURE_TRANSPORT === '1',
  };
}
