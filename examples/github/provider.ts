/**
 * Which provider the example app talks to: the one the environment names, or, with no
 * `OAUTH_CLIENT_ID`, the built-in GitHub-compatible dev provider started in this process. The
 * provider is a preset (`oauth2-session/providers`): its server description, its quirks and
 * its user endpoint, all reached through the handlers.
 */
import { randomBytes } from 'node:crypto';
import { type DevProvider, startDevProvider } from 'oauth2-session/dev-provider';
import { definePreset, githubProvider, type ProviderPreset } from 'oauth2-session/providers';
import type { AppConfig } from './config.js';

/** The OAuth side of the app, settled. */
export interface ResolvedProvider {
  clientId: string;
  clientSecret: string | undefined;
  /** The provider: endpoints (revocation included, for GitHub), hooks and user endpoint. */
  preset: ProviderPreset;
  /** Set when the app runs its own dev provider (closed with the app). */
  devProvider: DevProvider | undefined;
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
  };
}

/** Settles the provider: the configured one, or a dev provider of our own. */
export async function resolveProvider(config: AppConfig): Promise<ResolvedProvider> {
  if (!config.client) return startOwnProvider();
  return { ...config.client, preset: presetFor(config), devProvider: undefined };
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
