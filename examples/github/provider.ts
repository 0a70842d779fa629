/**
 * Which provider the example app talks to: the one the environment names, or, with no
 * `OAUTH_CLIENT_ID`, the built-in GitHub-compatible dev provider started in this process.
 */
import { randomBytes } from 'node:crypto';
import type { ComplianceHooks } from 'oauth2-session';
import { type DevProvider, startDevProvider } from 'oauth2-session/dev-provider';
import { githubProvider } from 'oauth2-session/providers';
import type { AppConfig } from './config.js';

/** The OAuth side of the app, settled. */
export interface ResolvedProvider {
  clientId: string;
  clientSecret: string | undefined;
  authorizeUrl: string;
  tokenUrl: string;
  userUrl: string;
  /** GitHub's compliance hooks, for GitHub and GitHub-shaped servers (the dev provider). */
  hooks: ComplianceHooks | undefined;
  /** Set when the app runs its own dev provider (closed with the app). */
  devProvider: DevProvider | undefined;
}

const GITHUB_AUTHORIZE_PATH = '/login/oauth/authorize';
const DEV_CLIENT_ID = 'oauth2-session-example';

/**
 * GitHub's hooks when the authorize endpoint is GitHub-shaped (github.com or the dev provider):
 * their quirks (form-encoded token answers, 200 errors, User-Agent) then apply; another provider
 * (an OpenID server, say) speaks plain RFC 6749 and gets none.
 */
function githubHooksFor(authorizeUrl: string, userUrl: string): ResolvedProvider['hooks'] {
  const authorize = new URL(authorizeUrl);
  if (authorize.pathname !== GITHUB_AUTHORIZE_PATH) return undefined;
  const apiUrl = userUrl.replace(/\/user\/?$/, '');
  return githubProvider({ baseUrl: authorize.origin, apiUrl, userAgent: 'oauth2-session-example' })
    .hooks;
}

async function startOwnProvider(): Promise<ResolvedProvider> {
  const devProvider = await startDevProvider({ host: '127.0.0.1', port: 0 });
  return {
    clientId: DEV_CLIENT_ID,
    // A fresh secret per start: nobody outside this process ever needs it.
    clientSecret: randomBytes(32).toString('base64url'),
    authorizeUrl: devProvider.authorizeUrl,
    tokenUrl: devProvider.tokenUrl,
    userUrl: devProvider.userUrl,
    hooks: githubHooksFor(devProvider.authorizeUrl, devProvider.userUrl),
    devProvider,
  };
}

/** Settles the provider: the configured one, or a dev provider of our own. */
export async function resolveProvider(config: AppConfig): Promise<ResolvedProvider> {
  if (!config.client) return startOwnProvider();
  return {
    ...config.client,
    authorizeUrl: config.authorizeUrl,
    tokenUrl: config.tokenUrl,
    userUrl: config.userUrl,
    hooks: githubHooksFor(config.authorizeUrl, config.userUrl),
    devProvider: undefined,
  };
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
