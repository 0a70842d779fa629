/**
 * Logout revokes through the core when the handlers' server describes a revocation endpoint
 * (the GitHub preset does: its hooks turn RFC 7009 into GitHub's DELETE), ignores its failure,
 * and still calls onLogout.
 */

import type { Token } from 'oauth2-session';
import { githubProvider } from 'oauth2-session/providers';
import {
  createOAuthHandlers,
  MemoryStore,
  type OAuthHandlers,
  type OAuthHandlersOptions,
  tokenOf,
} from 'oauth2-session/web';
import { describe, expect, it } from 'vitest';
import { freePort } from '../harness/ports.js';
import { CookieJar } from './helpers/cookie-jar.js';
import { sharedDevProvider } from './helpers/dev-provider.js';

const SECRET = 'logout-revocation-secret-0123456789-abcdef';
const APP = 'http://127.0.0.1:5997';
const CLIENT = { clientId: 'logout-app', clientSecret: 'logout-app-secret' };

const dev = sharedDevProvider(CLIENT, APP);

const request = (path: string, jar: CookieJar) =>
  new Request(new URL(path, APP), { headers: { cookie: jar.header() } });

function handlersWith(extra: Partial<OAuthHandlersOptions>): OAuthHandlers {
  return createOAuthHandlers({
    ...CLIENT,
    provider: githubProvider({ baseUrl: dev.provider.origin, apiUrl: dev.provider.origin }),
    redirectUri: `${APP}/callback`,
    session: { secrets: SECRET },
    ...extra,
  });
}

/** Logs in; answers the token the session holds. */
async function logIn(handlers: OAuthHandlers, jar: CookieJar): Promise<Token> {
  const login = await handlers.login(request('/login', jar));
  jar.applyResponse(login);
  const authorize = await fetch(login.headers.get('location')!, { redirect: 'manual' });
  jar.applyResponse(await handlers.callback(request(authorize.headers.get('location')!, jar)));
  return tokenOf((await handlers.sessions.load(request('/', jar))).data)!;
}

const userStatus = async (token: Token) =>
  (
    await fetch(dev.provider.userUrl, {
      headers: { authorization: `Bearer ${token.access_token}`, 'user-agent': 'test' },
    })
  ).status;

describe('createOAuthHandlers logout revocation', () => {
  it('logout: revokes the token at the GitHub preset’s revocation endpoint, then calls onLogout', async () => {
    const seen: string[] = [];
    const store = new MemoryStore();
    const handlers = handlersWith({
      session: { secrets: SECRET, store },
      onLogout: (token) => {
        seen.push(token.access_token);
      },
    });
    const jar = new CookieJar();
    const token = await logIn(handlers, jar);
    expect(await userStatus(token)).toBe(200);
    const revokes = dev.provider.counts.revoke;
    const logout = await handlers.logout(request('/logout', jar));
    expect(logout.status).toBe(302);
    expect(store.size).toBe(0);
    expect(dev.provider.counts.revoke).toBe(revokes + 1);
    expect(await userStatus(token)).toBe(401);
    expect(seen).toEqual([token.access_token]);
  });

  it('logout: a revocation endpoint that cannot be reached still logs out and calls onLogout', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const preset = githubProvider({ baseUrl: dev.provider.origin, apiUrl: dev.provider.origin });
    let called = 0;
    const handlers = handlersWith({
      server: { ...preset.server, revocation_endpoint: `${closed}/revoke` },
      onLogout: () => {
        called += 1;
      },
    });
    const jar = new CookieJar();
    await logIn(handlers, jar);
    const logout = await handlers.logout(request('/logout', jar));
    expect(logout.status).toBe(302);
    expect(logout.headers.getSetCookie().some((c) => /^oauth2_session=.*max-age=0/i.test(c))).toBe(
      true,
    );
    expect(called).toBe(1);
  });

  it('logout: without a revocation endpoint nothing is revoked', async () => {
    const handlers = createOAuthHandlers({
      ...CLIENT,
      authorizeUrl: dev.provider.authorizeUrl,
      tokenUrl: dev.provider.tokenUrl,
      redirectUri: `${APP}/callback`,
      session: { secrets: SECRET },
    });
    const jar = new CookieJar();
    const token = await logIn(handlers, jar);
    const revokes = dev.provider.counts.revoke;
    expect((await handlers.logout(request('/logout', jar))).status).toBe(302);
    expect(dev.provider.counts.revoke).toBe(revokes);
    expect(await userStatus(token)).toBe(200);
  });
});
