/**
 * The Sign in with Apple preset against an emulation of Apple's documented REST API: the
 * client secret as an ES256 JWT the app signs (appleClientSecret), response_mode=form_post for
 * name and email, the user from the ID token, refresh answers without a refresh token,
 * revocation.
 */
import { generateKeyPairSync } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { InvalidClientError, OAuth2Session } from 'oauth2-session';
import { apple, appleClientSecret, appleProvider } from 'oauth2-session/providers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APPLE_USER, approveFormPost, startApple } from '../harness/emulators/apple.js';
import { CLIENT, REGISTERED } from './emulated.js';
import { presetContract } from './preset-contract.js';

const TEAM = 'A1B2C3D4E5';
const KID = 'XYZ123ABCD';
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

async function start() {
  const emulator = await startApple([REGISTERED], { teamId: TEAM, keyId: KID, publicKey });
  const preset = appleProvider({
    baseUrl: emulator.http.origin,
    teamId: TEAM,
    keyId: KID,
    privateKey: PEM,
  });
  return {
    ...emulator,
    preset,
    client: CLIENT,
    approve: approveFormPost,
    user: { sub: APPLE_USER.sub, email: APPLE_USER.email },
    close: () => emulator.http.close(),
  };
}

presetContract('apple', {
  preset: apple,
  refresh: true,
  pkce: false,
  userFrom: 'id_token',
  revocationEndsAccess: false,
  start,
});

describe('appleProvider: what the contract does not see', () => {
  let emulator: Awaited<ReturnType<typeof start>>;
  beforeEach(async () => {
    emulator = await start();
  });
  afterEach(() => emulator.close());

  const session = (extra: Record<string, unknown> = {}) =>
    new OAuth2Session({ ...CLIENT, provider: emulator.preset, ...extra });

  it('authorizationUrl(): response_mode=form_post with name and email; Apple refuses a query callback for them', async () => {
    const { url } = await session().authorizationUrl();
    const q = new URL(url).searchParams;
    expect(q.get('scope')).toBe('name email');
    expect(q.get('response_mode')).toBe('form_post');
    const query = new URL(url);
    query.searchParams.delete('response_mode');
    expect((await fetch(query, { redirect: 'manual' })).status).toBe(400);
  });

  it('the form post carries code, state, id_token and, the first time only, user; fetchToken({ code }) takes it', async () => {
    const { url, state, codeVerifier } = await session().authorizationUrl();
    const posted = new URL(await approveFormPost(url)).searchParams;
    expect(posted.get('state')).toBe(state);
    expect(JSON.parse(posted.get('user')!)).toMatchObject({ name: { firstName: 'Jane' } });
    const s = session({ state, codeVerifier });
    const token = await s.fetchToken({ code: posted.get('code')! });
    expect(token.token_type).toBe('bearer');
    expect(decodeJwt(token.id_token!)).toMatchObject(APPLE_USER);
    const again = new URL(await approveFormPost((await session().authorizationUrl()).url));
    expect(again.searchParams.has('user')).toBe(false);
  });

  it('appleClientSecret(): an ES256 JWT with kid, iss, sub, aud and a short exp, in the body with client_id', async () => {
    const { url, state, codeVerifier } = await session().authorizationUrl();
    await session({ state, codeVerifier }).fetchToken({
      authorizationResponse: await approveFormPost(url),
    });
    const sent = emulator.http.requests.token[0]!;
    expect(sent.headers.has('authorization')).toBe(false);
    expect(sent.form.get('client_id')).toBe(CLIENT.clientId);
    const jwt = sent.form.get('client_secret')!;
    expect(decodeProtectedHeader(jwt)).toEqual({ alg: 'ES256', kid: KID });
    const claims = decodeJwt(jwt);
    expect(claims).toMatchObject({
      iss: TEAM,
      sub: CLIENT.clientId,
      aud: 'https://appleid.apple.com',
    });
    expect(claims.exp! - claims.iat!).toBe(300);
    expect(() => appleClientSecret({ teamId: TEAM, keyId: '', privateKey: PEM })).toThrow(
      expect.objectContaining({ code: 'ERR_MISSING_OPTION' }),
    );
  });

  it('apple (no key): the app passes a signed JWT as clientSecret; a plain secret is invalid_client', async () => {
    const bare = appleProvider({ baseUrl: emulator.http.origin });
    const { url, state, codeVerifier } = await session().authorizationUrl();
    const callback = await approveFormPost(url);
    const plain = new OAuth2Session({ ...CLIENT, provider: bare, state, codeVerifier });
    await expect(plain.fetchToken({ authorizationResponse: callback })).rejects.toBeInstanceOf(
      InvalidClientError,
    );
    const request = {
      clientId: CLIENT.clientId,
      url: new URL(bare.tokenUrl),
      headers: new Headers(),
      body: new URLSearchParams(),
    };
    await appleClientSecret({ teamId: TEAM, keyId: KID, privateKey: PEM })(request);
    const { url: u2, state: s2, codeVerifier: v2 } = await session().authorizationUrl();
    const signed = new OAuth2Session({
      ...CLIENT,
      clientSecret: request.body.get('client_secret')!,
      provider: bare,
      state: s2,
      codeVerifier: v2,
    });
    await signed.fetchToken({ authorizationResponse: await approveFormPost(u2) });
    expect(emulator.http.requests.token.at(-1)?.form.get('client_secret')).toBe(
      request.body.get('client_secret'),
    );
    expect(bare.user).toBeUndefined();
  });

  it('refreshToken(): a new ID token and no refresh token; the session keeps its own', async () => {
    const { url, state, codeVerifier } = await session().authorizationUrl();
    const s = session({ state, codeVerifier });
    const first = await s.fetchToken({ authorizationResponse: await approveFormPost(url) });
    const renewed = await s.refreshToken();
    expect(renewed.refresh_token).toBe(first.refresh_token);
    expect(renewed.id_token).toEqual(expect.any(String));
  });
});
