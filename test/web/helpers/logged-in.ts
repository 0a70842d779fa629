/** A browser holding a session with `token`, made through the handlers' own session manager. */
import type { Token } from 'oauth2-session';
import {
  createOAuthHandlers,
  type OAuthHandlers,
  type OAuthHandlersOptions,
  setField,
} from 'oauth2-session/web';
import { CookieJar } from './cookie-jar.js';

/** A jar whose session holds `token` (and `csrf` when given), as a callback would leave it. */
export async function loggedInJar(
  handlers: OAuthHandlers,
  token: Token,
  csrf?: string,
): Promise<CookieJar> {
  const session = await handlers.sessions.load(new Request('http://app.test/'));
  setField(session, 'token', token);
  if (csrf) setField(session, 'csrf', csrf);
  return new CookieJar().apply(await handlers.sessions.commit(session));
}

/** A fetch that records every call and answers `answer(url, init)`. */
export function recordingFetch(
  answer: (url: URL, init: RequestInit) => Response | Promise<Response>,
) {
  const calls: { url: URL; method: string; body: string }[] = [];
  const fetch = async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    calls.push({ url, method: init.method ?? 'GET', body: String(init.body ?? '') });
    return answer(url, init);
  };
  return { calls, fetch: fetch as typeof globalThis.fetch };
}

/** The endpoints of a server that only a recording `fetch` answers (nothing is sent anywhere). */
export const OFFLINE_SERVER = Object.freeze({
  authorization_endpoint: 'https://op.example/authorize',
  token_endpoint: 'https://op.example/token',
  revocation_endpoint: 'https://op.example/revoke',
});

/** Handlers for the confidential client `app` on {@link OFFLINE_SERVER}, answered by `fetch`. */
export function offlineHandlers(
  fetch: typeof globalThis.fetch,
  options: Partial<OAuthHandlersOptions> & Pick<OAuthHandlersOptions, 'session'>,
): OAuthHandlers {
  return createOAuthHandlers({
    clientId: 'app',
    clientSecret: 'app-secret',
    server: OFFLINE_SERVER,
    fetch,
    ...options,
  });
}
