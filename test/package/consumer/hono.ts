/** A consumer of `oauth2-session/hono`: the same handlers on Hono. */
import { Hono } from 'hono';
import { oauthRoutes, toHono } from 'oauth2-session/hono';
import type { OAuthHandlers } from 'oauth2-session/web';

/** The login routes and a profile route on a Hono app. */
export function honoApp(auth: OAuthHandlers, baseUrl: string | undefined): Hono {
  const app = new Hono();
  app.route('/', oauthRoutes(auth, { baseUrl }));
  app.get(
    '/profile',
    toHono((req) => auth.withClient(req, (client) => client.get('https://api.github.com/user'))),
  );
  return app;
}
