/** The web layer's route table: the one list of paths, methods and handler names. */

import { OAUTH_ROUTE_PATHS, OAUTH_ROUTES, oauthRouteTable } from 'oauth2-session/web';
import { describe, expect, it } from 'vitest';

describe('OAUTH_ROUTES', () => {
  it('OAUTH_ROUTES: GET /login, GET|POST /callback, GET|POST /logout', () => {
    expect(OAUTH_ROUTES.map((r) => [r.handler, r.path, [...r.methods]])).toEqual([
      ['login', '/login', ['GET']],
      ['callback', '/callback', ['GET', 'POST']],
      ['logout', '/logout', ['GET', 'POST']],
    ]);
    expect(OAUTH_ROUTE_PATHS).toEqual({
      login: '/login',
      callback: '/callback',
      logout: '/logout',
    });
  });

  it('OAUTH_ROUTES: frozen, so no adapter can change another’s routes', () => {
    expect(Object.isFrozen(OAUTH_ROUTES)).toBe(true);
    expect(Object.isFrozen(OAUTH_ROUTES[0])).toBe(true);
  });
});

describe('oauthRouteTable', () => {
  it('oauthRouteTable: given paths replace the defaults, the others stay', () => {
    const table = oauthRouteTable({ logout: '/sign-out' });
    expect(table.map((r) => r.path)).toEqual(['/login', '/callback', '/sign-out']);
    expect(table[2]!.methods).toEqual(['GET', 'POST']);
    expect(OAUTH_ROUTES[2]!.path).toBe('/logout');
  });
});
