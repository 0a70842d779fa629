/**
 * Sign in with Apple's REST API as its documentation describes it: the authorization request
 * (https://developer.apple.com/documentation/accountorganizationaldatasharing/request-an-authorization-to-the-sign-in-with-apple-server),
 * the client secret
 * (https://developer.apple.com/documentation/accountorganizationaldatasharing/creating-a-client-secret),
 * token generation and validation
 * (https://developer.apple.com/documentation/sign_in_with_apple/generate_and_validate_tokens)
 * and revocation (https://developer.apple.com/documentation/sign_in_with_apple/revoke_tokens).
 *
 * - `/auth/authorize`: `client_id`, `redirect_uri`, `response_type=code`, `scope` (`name`,
 *   `email`), `response_mode` (`form_post` required when a scope is asked for), `state`,
 *   `nonce`; the answer is a page that POSTs `code`, `state`, `id_token` and, the first time,
 *   `user` to the redirect URI;
 * - `/auth/token`: `client_id`, `client_secret` (an ES256 JWT: `kid` the key id, `iss` the team
 *   id, `sub` the client id, `aud` `https://appleid.apple.com`, `exp` no more than 15777000
 *   seconds after `iat` and not past), `code`, `grant_type`, `redirect_uri` (or
 *   `refresh_token`); answers `access_token`, `token_type: "bearer"`, `expires_in: 3600`,
 *   `refresh_token` (not on a refresh), `id_token`; errors `invalid_client`, `invalid_grant`,
 *   `invalid_request`, `unsupported_grant_type` (400);
 * - `/auth/revoke`: the same client authentication, `token`, `token_type_hint`; 200;
 * - `/auth/keys`: the ID tokens' keys (RS256).
 */
import { type CryptoKey, jwtVerify, type KeyObject } from 'jose';
import {
  Authority,
  authorize,
  type EmulatedClient,
  type EmulatorRequest,
  type Grant,
  idTokenSigner,
  json,
  oauthError,
  type Reply,
  route,
  startEmulator,
  text,
} from './toolkit.js';

/** The signed-in user, as the ID token's claims carry them. */
export const APPLE_USER = {
  sub: '001234.abcdef0123456789abcdef0123456789.1234',
  email: 'xyz123@privaterelay.appleid.com',
  email_verified: true,
  is_private_email: true,
} as const;

/** The app's Sign in with Apple key, as Apple holds its public half. */
export interface AppleEmulatorOptions {
  readonly teamId: string;
  readonly keyId: string;
  readonly publicKey: CryptoKey | KeyObject;
}

const htmlEscape = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** The callback as Apple's form_post page: a form that POSTs the parameters to the app. */
function formPost(target: URL): Reply {
  const action = `${target.origin}${target.pathname}`;
  const inputs = [...target.searchParams]
    .map(([k, v]) => `<input type="hidden" name="${htmlEscape(k)}" value="${htmlEscape(v)}">`)
    .join('');
  return {
    status: 200,
    headers: { 'content-type': 'text/html; charset=utf-8' },
    text: `<html><body onload="document.forms[0].submit()"><form method="post" action="${htmlEscape(action)}">${inputs}</form></body></html>`,
  };
}

/**
 * Starts the Sign in with Apple emulator on a free loopback port, with `clients` registered
 * (their `clientSecret` is not used: the client secret is a JWT checked with `publicKey`).
 *
 * @example
 * ```ts
 * const { http } = await startApple([client], { teamId, keyId, publicKey });
 * const preset = appleProvider({ baseUrl: http.origin, teamId, keyId, privateKey: pem });
 * ```
 */
export async function startApple(clients: readonly EmulatedClient[], key: AppleEmulatorOptions) {
  const authority = new Authority({ clients, accessTokenSeconds: 3600, refreshTokens: 'omit' });
  const { jwks, sign, signFor } = await idTokenSigner('apple-emulator-1');
  const seen = new Set<string>();
  let issuer = '';

  /** The client secret JWT checked as Apple documents it; the client, or why not. */
  const client = async (req: EmulatorRequest) => {
    const f = req.form;
    const found = authority.client(f.get('client_id'));
    const secret = f.get('client_secret');
    if (!found || !secret || req.headers.has('authorization')) return undefined;
    try {
      const { payload, protectedHeader } = await jwtVerify(secret, key.publicKey, {
        algorithms: ['ES256'],
        issuer: key.teamId,
        audience: 'https://appleid.apple.com',
        subject: found.clientId,
      });
      if (protectedHeader.kid !== key.keyId) return undefined;
      if (typeof payload.iat !== 'number' || typeof payload.exp !== 'number') return undefined;
      if (payload.exp - payload.iat > 15777000) return undefined;
      return found;
    } catch {
      return undefined;
    }
  };

  const idToken = (grant: Grant) => signFor(grant, { iss: issuer, ...APPLE_USER });

  const token = async (req: EmulatorRequest) => {
    const found = await client(req);
    if (!found) return oauthError(400, 'invalid_client');
    const f = req.form;
    if (f.get('grant_type') === 'authorization_code') {
      const redeemed = authority.redeemCode(f.get('code'), {
        clientId: found.clientId,
        redirectUri: f.get('redirect_uri'),
      });
      if (!redeemed.ok) return oauthError(400, 'invalid_grant');
      const tokens = authority.issueTokens(redeemed.grant);
      return json(200, {
        ...tokens,
        token_type: 'bearer',
        id_token: await idToken(redeemed.grant),
      });
    }
    if (f.get('grant_type') === 'refresh_token') {
      const refreshed = authority.refresh(f.get('refresh_token'), found.clientId);
      if (!refreshed.ok) return oauthError(400, 'invalid_grant');
      const tokens = refreshed.tokens;
      return json(200, {
        ...tokens,
        token_type: 'bearer',
        id_token: await idToken(refreshed.grant),
      });
    }
    return oauthError(400, 'unsupported_grant_type');
  };

  const http = await startEmulator({
    authorize: route('GET', '/auth/authorize', async (req) => {
      const q = req.url.searchParams;
      const scope = q.get('scope') ?? '';
      if (scope.trim() && q.get('response_mode') !== 'form_post')
        return text(
          400,
          'invalid_request: response_mode must be form_post when name or email scope is requested',
        );
      const reply = authorize(req, authority, APPLE_USER.sub, { extras: ['nonce'] });
      const location = reply.headers?.['location'];
      if (reply.status !== 302 || !location) return reply;
      const target = new URL(location);
      const code = target.searchParams.get('code');
      if (code && q.get('response_mode') === 'form_post') {
        const clientId = q.get('client_id') ?? '';
        target.searchParams.set(
          'id_token',
          await sign({ iss: issuer, aud: clientId, ...APPLE_USER }),
        );
        // The user's name comes once, on the first authorization of the app.
        if (!seen.has(clientId)) {
          seen.add(clientId);
          target.searchParams.set(
            'user',
            JSON.stringify({
              name: { firstName: 'Jane', lastName: 'Appleseed' },
              email: APPLE_USER.email,
            }),
          );
        }
        return formPost(target);
      }
      return reply;
    }),
    token: route('POST', '/auth/token', token),
    revoke: route('POST', '/auth/revoke', async (req) => {
      if (!(await client(req))) return oauthError(400, 'invalid_client');
      const value = req.form.get('token');
      if (!value) return oauthError(400, 'invalid_request');
      authority.revoke(value);
      return { status: 200 };
    }),
    keys: route('GET', '/auth/keys', () => json(200, jwks)),
  });
  issuer = http.origin;
  return { http, authority };
}

/**
 * Plays the browser at Apple's form_post page: the callback URL the form would POST, its fields
 * as a query (what an app reads from the POST body).
 *
 * @example
 * ```ts
 * const callback = await approveFormPost(url); // `${redirectUri}?code=...&state=...&id_token=...`
 * ```
 */
export async function approveFormPost(authorizationUrl: string): Promise<string> {
  const res = await fetch(authorizationUrl, { redirect: 'manual' });
  const html = await res.text();
  const action = /action="([^"]*)"/.exec(html)?.[1];
  if (!action) throw new Error(`no form_post page (${res.status})`);
  const htmlUnescape = (s: string) =>
    s
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&amp;/g, '&');
  const url = new URL(htmlUnescape(action));
  for (const [, k, v] of html.matchAll(/name="([^"]*)" value="([^"]*)"/g))
    url.searchParams.set(htmlUnescape(k!), htmlUnescape(v!));
  return url.href;
}
