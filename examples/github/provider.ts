/**
 * Which provider the example app talks to: the one the environment names, or, with no
 * `OAUTH_CLIENT_ID`, the built-in GitHub-compatible dev provider started in this process. The
 * provider is a preset (`oauth2-session/providers`): its server description, its quirks and
 * its user endpoint, all reached through the handlers. `OAUTH_PROVIDER` picks the preset by id
 * (./presets.ts); without it, GitHub-shaped endpoints get GitHub's and others a plain one. With
 * `OAUTH_ISSUER` alone, the server description is discovered at start-up
 * (`oauth2-session/oidc`, loaded only then) and the app signs users in as an OpenID Connect
 * relying party; so does `OAUTH_PROVIDER=apple` (on the preset's issuer), whose user is the ID
 * token.
 */
import { randomBytes } from 'node:crypto';
import type { AuthorizationServer } from 'oauth2-session';
import { type DevProvider, startDevProvider } from 'oauth2-session/dev-provider';
import { envProxyFetch } from 'oauth2-session/node';
import { definePreset, githubProvider, type ProviderPreset } from 'oauth2-session/providers';
import type { OpenIDLogin } from 'oauth2-session/web';
import type { AppConfig, EndpointOverrides } from './config.js';
import { presetById } from './presets.js';

/** The OAuth side of the app, settled. */
export interface ResolvedProvider {
  clientId: string;
  clientSecret: string | undefined;
  /** The provider: endpoints (revocation included, for GitHub), hooks and user endpoint. */
  preset: ProviderPreset;
  /** Set when the app runs its own dev provider (closed with the app). */
  devProvider: DevProvider | undefined;
  /**
   * With `OAUTH_ISSUER`: the issuer, and the OpenID Connect login the handlers run, given the
   * app's logged-out page (where the provider sends the browser after its own logout).
   */
  openid: { issuer: string; login: (postLogoutRedirectUri: string) => OpenIDLogin } | undefined;
}

/** The endpoint URLs the environment (or the dev provider) names. */
interface Endpoints {
  authorizeUrl: string;
  tokenUrl: string;
  userUrl: string;
}

const GITHUB_AUTHORIZE_PATH = '/login/oauth/authorize';
const DEV_CLIENT_ID = 'oauth2-session-example';
const USER_AGENT = 'oauth2-session-example';

/**
 * GitHub's preset when the authorize endpoint is GitHub-shaped (github.com or the dev
 * provider): its quirks (form-encoded token answers, 200 errors, User-Agent, its revocation
 * API) then apply. The configured URLs stay the ones used, whatever the preset would derive.
 */
function githubPreset(endpoints: Endpoints): ProviderPreset {
  const apiUrl = endpoints.userUrl.replace(/\/user\/?$/, '');
  const baseUrl = new URL(endpoints.authorizeUrl).origin;
  const github = githubProvider({ baseUrl, apiUrl, userAgent: USER_AGENT });
  return definePreset({
    ...github,
    server: {
      ...github.server,
      authorization_endpoint: endpoints.authorizeUrl,
      token_endpoint: endpoints.tokenUrl,
    },
    user: { ...github.user, url: endpoints.userUrl },
  });
}

/** Another provider (an OpenID server, say) speaks plain RFC 6749: no hooks. */
function plainPreset(endpoints: Endpoints): ProviderPreset {
  return definePreset({
    id: 'configured',
    server: {
      authorization_endpoint: endpoints.authorizeUrl,
      token_endpoint: endpoints.tokenUrl,
    },
    user: { url: endpoints.userUrl, headers: { accept: 'application/json' } },
  });
}

/** The preset for the endpoints: GitHub's for GitHub-shaped ones, else a plain one. */
export function presetFor(endpoints: Endpoints): ProviderPreset {
  const shaped = new URL(endpoints.authorizeUrl).pathname === GITHUB_AUTHORIZE_PATH;
  return shaped ? githubPreset(endpoints) : plainPreset(endpoints);
}

async function startOwnProvider(): Promise<ResolvedProvider> {
  const devProvider = await startDevProvider({ host: '127.0.0.1', port: 0 });
  return {
    clientId: DEV_CLIENT_ID,
    // A fresh secret per start: nobody outside this process ever needs it.
    clientSecret: randomBytes(32).toString('base64url'),
    preset: presetFor(devProvider),
    devProvider,
    openid: undefined,
  };
}

/** Settles the provider: the configured one, or a dev provider of our own. */
export async function resolveProvider(config: AppConfig): Promise<ResolvedProvider> {
  if (!config.client) return startOwnProvider();
  if (config.issuer) return discoverProvider(config, config.client, config.issuer);
  const preset = config.preset
    ? presetById(config.preset, {
        ...config.endpointOverrides,
        tenant: config.tenant,
        userAgent: USER_AGENT,
      })
    : presetFor(config);
  const openid = preset.id === 'apple' ? await idTokenLogin(preset) : undefined;
  return { ...config.client, preset, devProvider: undefined, openid };
}

/**
 * Sign in with Apple has no user endpoint: the user is its verified ID token's claims, so the
 * app signs in as an OpenID Connect relying party on the preset's issuer and keys
 * (`/auth/keys`), nothing discovered. Apple has no end-session endpoint either.
 */
async function idTokenLogin(preset: ProviderPreset): Promise<ResolvedProvider['openid']> {
  const { openidLogin } = await import('oauth2-session/oidc');
  const issuer = preset.server.issuer ?? '';
  return { issuer, login: () => openidLogin() };
}

/** The deadline of the discovery request at start-up, in milliseconds. */
export const DISCOVERY_TIMEOUT_MS = 10_000;

/**
 * A start-up failure the app reports in one line (see `startFailure` in ./server.ts): what was
 * being done, and the error's own short message (which names no secret).
 */
export class StartupError extends Error {
  override name = 'StartupError';
}

/**
 * `OAUTH_ISSUER`: the provider's metadata, fetched and checked (its `issuer` must be exactly
 * the one configured, its endpoints https or loopback), then the `OAUTH_*_URL` overrides laid
 * over it.
 */
async function discoverProvider(
  config: AppConfig,
  client: NonNullable<AppConfig['client']>,
  issuer: string,
): Promise<ResolvedProvider> {
  const { discover, openidLogin } = await import('oauth2-session/oidc');
  let discovered: AuthorizationServer;
  try {
    discovered = await discover(issuer, {
      fetch: envProxyFetch(),
      allowInsecureTransport: config.allowInsecureTransport,
      timeoutMs: DISCOVERY_TIMEOUT_MS,
    });
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : 'failed';
    throw new StartupError(`discovery of OAUTH_ISSUER ${issuer} failed: ${reason}`, {
      cause: error,
    });
  }
  const server = withOverrides(discovered, config.endpointOverrides);
  const userinfo = server.userinfo_endpoint;
  const preset = definePreset({
    id: 'openid',
    server,
    user: userinfo ? { url: userinfo, headers: { accept: 'application/json' } } : undefined,
  });
  const login = (postLogoutRedirectUri: string) => openidLogin({ postLogoutRedirectUri });
  return { ...client, preset, devProvider: undefined, openid: { issuer, login } };
}

/** The discovered server with each endpoint the environment names replaced. */
function withOverrides(
  server: AuthorizationServer,
  overrides: EndpointOverrides,
): AuthorizationServer {
  const fields: AuthorizationServer = { ...server };
  if (overrides.authorizeUrl) fields.authorization_endpoint = overrides.authorizeUrl;
  if (overrides.tokenUrl) fields.token_endpoint = overrides.tokenUrl;
  if (overrides.userUrl) fields.userinfo_endpoint = overrides.userUrl;
  return fields;
}

/**
 * Registers the app with its own dev provider once its port is known, with the callback GitHub
 * would hold as the OAuth app's "Authorization callback URL" (used when no redirect_uri is sent).
 */
export function registerWithDevProvider(provider: ResolvedProvider, callbackUrl: string): void {
  if (!provider.devProvider || !provider.clientSecret) return;
  provider.devProvider.registerClient({
    clientId: provider.clientId,
    clientSecret: provider.clientSecret,
    redirectUris: [callbackUrl],
    name: 'oauth2-session example app',
  });
}
