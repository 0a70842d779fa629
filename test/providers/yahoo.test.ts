/**
 * The Yahoo preset against an emulation of Yahoo's documented OpenID Connect: Basic client
 * authentication, lowercase `bearer`, `xoauth_yahoo_guid` and an ID token, `/openid/v1/userinfo`.
 */
import { decodeJwt } from 'jose';
import { OAuth2Session } from 'oauth2-session';
import { yahoo, yahooProvider } from 'oauth2-session/providers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startYahoo, YAHOO_USER } from '../harness/emulators/yahoo.js';
import { CLIENT, contractEmulator, REGISTERED } from './emulated.js';
import { presetContract } from './preset-contract.js';

async function start() {
  const emulator = await startYahoo([REGISTERED]);
  const preset = yahooProvider({ baseUrl: emulator.http.origin });
  return contractEmulator(emulator, preset, { sub: YAHOO_USER.sub, email: YAHOO_USER.email });
}

presetContract('yahoo', { preset: yahoo, refresh: true, pkce: false, start });

describe('yahooProvider: what the contract does not see', () => {
  let emulator: Awaited<ReturnType<typeof start>>;
  beforeEach(async () => {
    emulator = await start();
  });
  afterEach(() => emulator.close());

  it('fetchToken(): Basic credentials; lowercase bearer, xoauth_yahoo_guid and the ID token kept', async () => {
    const session = (extra: Record<string, unknown> = {}) =>
      new OAuth2Session({ ...CLIENT, provider: emulator.preset, ...extra });
    const { url, state, codeVerifier } = await session().authorizationUrl();
    const s = session({ state, codeVerifier });
    await s.fetchToken({ authorizationResponse: await emulator.approve(url) });
    expect(emulator.http.requests.token[0]?.headers.get('authorization')).toMatch(/^Basic /);
    expect(s.token).toMatchObject({ token_type: 'bearer', xoauth_yahoo_guid: YAHOO_USER.sub });
    expect(decodeJwt(s.token!.id_token!)).toMatchObject({
      iss: emulator.preset.server.issuer,
      aud: CLIENT.clientId,
    });
    expect(yahoo.server.jwks_uri).toBe('https://api.login.yahoo.com/openid/v1/certs');
  });
});
