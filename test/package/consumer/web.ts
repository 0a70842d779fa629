/**
 * A consumer of `oauth2-session/web`: the handlers over Web Request/Response, with a store that
 * may be unset (sealed cookies then) and a logout form for the app's own page.
 */
import { githubProvider, userRequest } from 'oauth2-session/providers';
import {
  createOAuthHandlers,
  logoutForm,
  MemoryStore,
  type OAuthHandlers,
  Session,
  type SessionStore,
} from 'oauth2-session/web';

/** The handlers as an app configures them; `store` unset keeps sessions in sealed cookies. */
export function handlers(
  env: Record<string, string | undefined>,
  store: SessionStore | undefined,
): OAuthHandlers {
  return createOAuthHandlers({
    clientId: env['OAUTH_CLIENT_ID'] ?? 'client',
    clientSecret: env['OAUTH_CLIENT_SECRET'],
    provider: githubProvider(),
    redirectUri: env['OAUTH_REDIRECT_URI'],
    appUrl: env['APP_URL'],
    session: { secrets: [env['SESSION_SECRET'] ?? 'a-session-secret-of-32-characters!'], store },
    afterLoginPath: '/profile',
  });
}

/** A memory store for one process. */
export const memory: SessionStore = new MemoryStore();

/** The profile route: the user's JSON, or a login redirect when there is no session. */
export function profile(auth: OAuthHandlers, request: Request): Promise<Response> {
  return auth.withClient(request, async (client) => {
    const user = await (await client.fetch(...userRequest(githubProvider()))).json();
    return Response.json(user);
  });
}

/** A page with the log-out button, from the request's session. */
export async function logoutPage(auth: OAuthHandlers, request: Request): Promise<string> {
  const session = await auth.sessions.load(request);
  return `<!doctype html><body>${logoutForm(session)}</body>`;
}

/** Sessions come from the manager: the declarations keep the constructor's parameters. */
export function noBareSession(): unknown {
  // @ts-expect-error a Session takes its data, id and cookies (a stripped constructor takes none)
  return new Session();
}
