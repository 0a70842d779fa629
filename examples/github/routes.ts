/**
 * The seed's routes as Web handlers (Request in, Response out), shared by the Express and Hono
 * versions of the app:
 *
 * - `GET /`: redirect to the provider (the seed's `demo()`, step 1);
 * - `GET /callback`: exchange the code, keep the token in the session, go to `/profile` (step 3);
 * - `GET /profile`: the provider's user JSON, read through the session (its token, refreshed
 *   when due) at the preset's user endpoint; not logged in: back to `/`;
 * - `GET /logout`: end the session (and revoke the token where the preset describes how), then a
 *   page saying so (not `/`, which would log in again).
 */
import type { OAuth2Session } from 'oauth2-session';
import { type ProviderPreset, userRequest } from 'oauth2-session/providers';
import { createOAuthHandlers, type SessionStore } from 'oauth2-session/web';
import type { AppContext } from './server.js';

/** A Web handler. */
export type Route = (request: Request) => Promise<Response>;

/** The app's routing table: path -> GET handler. */
export type Routes = Readonly<Record<string, Route>>;

/** Where `/logout` lands. */
export const LOGGED_OUT_PATH = '/logged-out';

const LOGGED_OUT_PAGE = `<!doctype html>
<html lang="en"><meta charset="utf-8"><title>Logged out</title>
<p>You are logged out. <a href="/">Log in again</a></p></html>
`;

/** The profile route: the user JSON as the provider answers it. */
async function showProfile(
  client: OAuth2Session,
  preset: ProviderPreset,
  session: { destroy(): void },
): Promise<Response> {
  const upstream = await client.fetch(...userRequest(preset));
  if (upstream.status === 401) {
    // The provider no longer accepts the token (revoked): log out, so `/` can log in afresh.
    session.destroy();
    return new Response(null, { status: 302, headers: { location: '/' } });
  }
  // Passed through as the provider wrote it (the seed re-encodes it; nothing is gained by that).
  const headers = {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  };
  return new Response(await upstream.text(), { status: upstream.ok ? 200 : 502, headers });
}

function loggedOut(): Promise<Response> {
  const headers = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' };
  return Promise.resolve(new Response(LOGGED_OUT_PAGE, { headers }));
}

/** Builds the routes from the settled configuration and the session store (if any). */
export function createRoutes(context: AppContext, store: SessionStore | undefined): Routes {
  const { config, provider } = context;
  const auth = createOAuthHandlers({
    clientId: provider.clientId,
    clientSecret: provider.clientSecret,
    provider: provider.preset,
    redirectUri: config.redirectUri,
    scope: config.scope.length > 0 ? config.scope : undefined,
    session: { secrets: config.sessionSecret, store },
    afterLoginPath: '/profile',
    afterLogoutPath: LOGGED_OUT_PATH,
    // The seed's login route is `/`: a visitor without a session is sent there.
    loginPath: '/',
    allowInsecureTransport: config.allowInsecureTransport,
  });
  return {
    '/': auth.login,
    '/callback': auth.callback,
    '/profile': (request) =>
      auth.withClient(request, (client, { session }) =>
        showProfile(client, provider.preset, session),
      ),
    '/logout': auth.logout,
    [LOGGED_OUT_PATH]: loggedOut,
  };
}
