/** A consumer of `oauth2-session/express`: the README's Express app. */
import express from 'express';
import { oauthRouter, toExpress } from 'oauth2-session/express';
import type { OAuthHandlers } from 'oauth2-session/web';

/** The login routes and a profile route on an Express 5 app. */
export function expressApp(auth: OAuthHandlers, baseUrl: string | undefined) {
  const app = express();
  app.use(oauthRouter(auth, { baseUrl }));
  app.get(
    '/profile',
    toExpress(
      (req) => auth.withClient(req, (client) => client.get('https://api.github.com/user')),
      {
        baseUrl,
      },
    ),
  );
  return app;
}
