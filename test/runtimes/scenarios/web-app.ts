/**
 * A small app on the web layer, written once and served by every runtime: `createOAuthHandlers`
 * from `oauth2-session/web` with the sealed-cookie store (no server-side state), the GitHub
 * preset pointed at the dev provider the test started, and the routes the test drives as a
 * browser would: `/login`, `/callback`, `/profile` (the provider's user through the session's
 * client) and `/runtime` (where it runs, and that it is up).
 */
import { githubProvider } from 'oauth2-session/providers';
import { createOAuthHandlers } from 'oauth2-session/web';
import { runtimeName } from './core.js';

/** The app's settings; the test fills them in when it bundles the app. */
export interface WebConfig {
  clientId: string;
  clientSecret: string;
  /** The dev provider's origin (authorize, token and API endpoints). */
  providerOrigin: string;
  /** Where the app is reached: its callback is `<appOrigin>/callback`. */
  appOrigin: string;
  sessionSecret: string;
}

declare const __RUNTIME_CONFIG__: WebConfig;
const config = __RUNTIME_CONFIG__;

const handlers = createOAuthHandlers({
  clientId: config.clientId,
  clientSecret: config.clientSecret,
  provider: githubProvider({ baseUrl: config.providerOrigin, apiUrl: config.providerOrigin }),
  redirectUri: `${config.appOrigin}/callback`,
  session: { secrets: [config.sessionSecret] },
});

/** Answers one request of the app. */
export async function handle(request: Request): Promise<Response> {
  switch (new URL(request.url).pathname) {
    case '/login':
      return handlers.login(request);
    case '/callback':
      return handlers.callback(request);
    case '/profile':
      return handlers.withClient(request, async (client) => {
        const user = await client.get(`${config.providerOrigin}/user`);
        const body = (await user.json()) as { login?: unknown };
        return Response.json({ status: user.status, login: body.login, runtime: runtimeName() });
      });
    case '/runtime':
      return Response.json({ runtime: runtimeName() });
    default:
      return new Response('not found', { status: 404 });
  }
}
