/**
 * The example app's configuration, read from environment variables whose names, meanings and
 * defaults are a fixed contract (outside checks start the app with them).
 *
 * | variable | meaning | default |
 * |---|---|---|
 * | `PORT` | where the app listens | 5000 |
 * | `HOST` | interface to listen on (not in the contract; a convenience) | 127.0.0.1 |
 * | `APP_URL` | the app's public origin: https makes cookies Secure with the `__Host-` prefix; a POST logout must come from it (not in the original contract) | `OAUTH_REDIRECT_URI`'s origin, else the listening address |
 * | `OAUTH_CLIENT_ID`, `OAUTH_CLIENT_SECRET` | the registered client | unset: the built-in dev provider |
 * | `OAUTH_AUTHORIZE_URL`, `OAUTH_TOKEN_URL`, `OAUTH_USER_URL` | provider endpoints | GitHub's |
 * | `OAUTH_REVOCATION_URL` | RFC 7009 revocation endpoint for logout (not in the original contract) | GitHub-shaped providers: GitHub's API; others: none |
 * | `OAUTH_REDIRECT_URI` | sent when set; when unset, none is sent (like the seed) | unset |
 * | `OAUTH_SCOPE` | space-separated scopes | none |
 * | `SESSION_SECRET` | sealed-cookie key material, 32+ characters | random per start, with a warning |
 * | `SESSION_STORE` | `cookie`, `memory` or `redis://...` | `cookie` |
 * | `OAUTH2_INSECURE_TRANSPORT` | `1` allows plain http to non-loopback hosts | unset |
 */
import { randomBytes } from 'node:crypto';

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
  /** `undefined`: start the dev provider in the same process and use its client. */
  client: { clientId: string; clientSecret: string | undefined } | undefined;
  authorizeUrl: string;
  tokenUrl: string;
  userUrl: string;
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

/**
 * Reads the configuration; throws a `TypeError` with a `code` for a value that cannot work.
 *
 * @example
 * const config = readConfig(process.env);
 */
export function readConfig(env: AppEnv): AppConfig {
  const { secret, generated } = readSecret(env.SESSION_SECRET);
  return {
    port: readPort(env.PORT),
    host: nonEmpty(env.HOST) ?? '127.0.0.1',
    client: readClient(env),
    authorizeUrl: nonEmpty(env.OAUTH_AUTHORIZE_URL) ?? GITHUB_ENDPOINTS.authorizeUrl,
    tokenUrl: nonEmpty(env.OAUTH_TOKEN_URL) ?? GITHUB_ENDPOINTS.tokenUrl,
    userUrl: nonEmpty(env.OAUTH_USER_URL) ?? GITHUB_ENDPOINTS.userUrl,
    redirectUri: nonEmpty(env.OAUTH_REDIRECT_URI),
    appUrl: readAppUrl(env),
    revocationUrl: nonEmpty(env.OAUTH_REVOCATION_URL),
    scope: (env.OAUTH_SCOPE ?? '').split(/\s+/).filter(Boolean),
    sessionSecret: secret,
    sessionSecretGenerated: generated,
    sessionStore: readStore(env.SESSION_STORE),
    allowInsecureTransport: env.OAUTH2_INSECURE_TRANSPORT === '1',
  };
}
