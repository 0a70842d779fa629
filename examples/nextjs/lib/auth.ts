/**
 * The handlers of `oauth2-session/web`, made on the first request from the environment (a
 * build never needs them), with the sealed-cookie session store.
 */
import { createOAuthHandlers, type OAuthHandlers } from 'oauth2-session/web';

let handlers: OAuthHandlers | undefined;

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

/** The app's handlers (login, callback, logout, withClient). */
export function auth(): OAuthHandlers {
  handlers ??= createOAuthHandlers({
    clientId: env('OAUTH_CLIENT_ID'),
    clientSecret: env('OAUTH_CLIENT_SECRET'),
    server: {
      authorization_endpoint: env('OAUTH_AUTHORIZE_URL'),
      token_endpoint: env('OAUTH_TOKEN_URL'),
    },
    redirectUri: new URL('/callback', env('APP_URL')).href,
    appUrl: env('APP_URL'),
    scope: ['read:user'],
    session: { secrets: [env('SESSION_SECRET')] },
  });
  return handlers;
}

/** The provider's user endpoint, which `/profile` reads with the session's token. */
export const userUrl = (): string => env('OAUTH_USER_URL');
