/** A consumer of `oauth2-session/fastify`: the same handlers as a Fastify plugin. */
import Fastify from 'fastify';
import { oauthPlugin, toFastify } from 'oauth2-session/fastify';
import type { OAuthHandlers } from 'oauth2-session/web';

/** The login routes and a profile route on a Fastify 5 app. */
export async function fastifyApp(auth: OAuthHandlers, baseUrl: string | undefined) {
  const app = Fastify();
  await app.register(oauthPlugin(auth, { baseUrl }));
  app.get(
    '/profile',
    toFastify(
      (req) => auth.withClient(req, (client) => client.get('https://api.github.com/user')),
      {
        baseUrl,
      },
    ),
  );
  return app;
}
