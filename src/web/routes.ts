/**
 * The handlers' routes, spelled once: which handler answers which path and methods. The
 * framework adapters (`oauth2-session/express`, `oauth2-session/hono`) only translate this
 * table into their router.
 *
 * @module
 */

/** A handler of {@link OAuthHandlers} that answers a route of its own. */
export type OAuthRouteName = 'login' | 'callback' | 'logout';

/** An HTTP method of an OAuth route. */
export type OAuthRouteMethod = 'GET' | 'POST';

/** One route: the handler, its path and the methods it answers. */
export interface OAuthRoute {
  readonly handler: OAuthRouteName;
  readonly path: string;
  readonly methods: readonly OAuthRouteMethod[];
}

/** Paths that replace the default ones, by handler. */
export type OAuthRoutePaths = Partial<Record<OAuthRouteName, string>>;

function route(handler: OAuthRouteName, path: string, methods: OAuthRouteMethod[]): OAuthRoute {
  return Object.freeze({ handler, path, methods: Object.freeze(methods) });
}

/**
 * The routes with their default paths. The callback answers POST as well as GET, for a login
 * that asked for `response_mode=form_post` (Sign in with Apple calls back with a form); logout
 * answers POST too, so an app can end the session from a form.
 */
export const OAUTH_ROUTES: readonly OAuthRoute[] = Object.freeze([
  route('login', '/login', ['GET']),
  route('callback', '/callback', ['GET', 'POST']),
  route('logout', '/logout', ['GET', 'POST']),
]);

/** The default path of each handler's route. */
export const OAUTH_ROUTE_PATHS: Readonly<Record<OAuthRouteName, string>> = Object.freeze(
  Object.fromEntries(OAUTH_ROUTES.map((r) => [r.handler, r.path])) as Record<
    OAuthRouteName,
    string
  >,
);

/**
 * The route table with `paths` in place of the defaults.
 *
 * @example
 * ```ts
 * for (const route of oauthRouteTable({ logout: '/sign-out' }))
 *   for (const method of route.methods) router.on(method, route.path, handlers[route.handler]);
 * ```
 */
export function oauthRouteTable(paths: OAuthRoutePaths = {}): OAuthRoute[] {
  return OAUTH_ROUTES.map((route) => ({ ...route, path: paths[route.handler] ?? route.path }));
}
