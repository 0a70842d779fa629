/**
 * OpenIDSession.endSessionUrl against a real OpenID Provider (node-oidc-provider on loopback):
 * the browser, played with the provider's session cookie from the login, follows the URL
 * through the provider's logout confirmation and is sent back to the registered URI.
 */
import { InvalidGrantError } from 'oauth2-session';
import { discover, OpenIDSession, type OpenIDSessionOptions } from 'oauth2-session/oidc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CookieJar,
  completeLogin,
  type HarnessClient,
  type OidcProviderHandle,
  REDIRECT_URI,
  startOidcProvider,
  step,
} from '../harness/oidc-provider.js';

const POST_LOGOUT_URI = 'http://127.0.0.1:9/logged-out';

const client: HarnessClient = {
  client_id: 'logout-client',
  client_secret: 'logout-client-secret',
  token_endpoint_auth_method: 'client_secret_basic',
  post_logout_redirect_uris: [POST_LOGOUT_URI],
};

let op: OidcProviderHandle;
let options: OpenIDSessionOptions;

beforeAll(async () => {
  op = await startOidcProvider({ clients: [client], accessTokenTtl: 300 });
  options = {
    clientId: client.client_id,
    clientSecret: client.client_secret,
    redirectUri: REDIRECT_URI,
    server: await discover(op.issuer),
  };
});
afterAll(async () => {
  await op?.close();
});

async function login(jar: CookieJar): Promise<OpenIDSession> {
  const { url, state, codeVerifier, nonce } = await new OpenIDSession(options).authorizationUrl();
  const callback = await completeLogin(url, { jar });
  const rp = new OpenIDSession({ ...options, state, codeVerifier, nonce });
  await rp.fetchToken({ authorizationResponse: callback });
  return rp;
}

/**
 * Where a new authorization request with the browser's cookies stops: straight back at the
 * redirect URI (`silent`, the provider's session recognised) or at a prompt the user must answer.
 */
async function authorizationStop(jar: CookieJar): Promise<string> {
  const { url } = await new OpenIDSession(options).authorizationUrl();
  let response = await step(jar, url);
  for (let hops = 0; hops < 10; hops += 1) {
    const location = new URL(response.headers.get('location') ?? '', url).href;
    if (location.startsWith(REDIRECT_URI)) {
      return new URL(location).searchParams.has('code') ? 'silent' : 'error';
    }
    response = await step(jar, location);
    if (location.includes('/interaction/')) {
      return /name="prompt" value="(\w+)"/.exec(await response.text())?.[1] ?? 'unknown';
    }
  }
  throw new Error('too many redirects during the authorization');
}

/** The provider's logout confirmation page: its form's action and hidden fields. */
function confirmationForm(html: string): { action: string; fields: URLSearchParams } {
  const form = /<form id="op.logoutForm" method="post" action="([^"]+)">(.*?)<\/form>/s.exec(html);
  if (!form) throw new Error('no logout form on the page');
  const fields = new URLSearchParams();
  for (const input of (form[2] ?? '').matchAll(/name="(\w+)" value="([^"]*)"/g)) {
    fields.set(input[1] ?? '', input[2] ?? '');
  }
  return { action: form[1] ?? '', fields };
}

describe('OpenIDSession.endSessionUrl at the provider', () => {
  it('OpenIDSession.endSessionUrl ends the provider session and comes back to the post-logout URI with the state', async () => {
    const jar = new CookieJar();
    const rp = await login(jar);
    expect(await authorizationStop(jar)).toBe('silent');

    const state = 'logout-state-1';
    const url = rp.endSessionUrl({ postLogoutRedirectUri: POST_LOGOUT_URI, state });
    expect(url?.origin).toBe(op.issuer);
    expect(url?.searchParams.get('id_token_hint')).toBe(rp.token?.id_token);
    expect(url?.searchParams.get('client_id')).toBe(client.client_id);

    const page = await step(jar, (url as URL).href);
    expect(page.status).toBe(200);
    const { action, fields } = confirmationForm(await page.text());
    expect(fields.get('xsrf')).toEqual(expect.any(String));
    fields.set('logout', 'yes');
    const confirmed = await step(jar, new URL(action, op.issuer).href, {
      method: 'POST',
      body: fields,
    });
    expect(confirmed.status).toBe(303);
    const back = new URL(confirmed.headers.get('location') ?? '');
    expect(`${back.origin}${back.pathname}`).toBe(POST_LOGOUT_URI);
    expect(back.searchParams.get('state')).toBe(state);

    expect(await authorizationStop(jar)).toBe('login');
    // The grant ended with the session: its refresh token is refused.
    await expect(rp.refreshToken()).rejects.toBeInstanceOf(InvalidGrantError);
  });
});
