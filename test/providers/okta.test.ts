/**
 * The Okta preset against an emulation of Okta's documented custom authorization server:
 * endpoints under `/oauth2/{id}/v1/`, `offline_access` for a refresh token, PKCE required of
 * public clients, RFC 7009 revocation that needs the client's authentication.
 */
import { decodeJwt } from 'jose';
import { OAuth2Session } from 'oauth2-session';
import { oktaProvider, userRequest } from 'oauth2-session/providers';
import { describe, expect, it } from 'vitest';
import { OKTA_USER, startOkta } from '../harness/emulators/okta.js';
import { CLIENT, contractEmulator, eachEmulator, REGISTERED } from './emulated.js';
import { presetContract } from './preset-contract.js';

async function start(rotation = false) {
  const emulator = await startOkta([REGISTERED], { rotation });
  const preset = oktaProvider({ domain: emulator.http.origin });
  return contractEmulator(emulator, preset, { sub: OKTA_USER.sub, email: OKTA_USER.email });
}

const shipped = oktaProvider({ domain: 'dev-123456.okta.com' });
presetContract('okta', { preset: shipped, refresh: true, start: () => start() });
presetContract('okta (refresh token rotation)', {
  preset: shipped,
  refresh: true,
  start: () => start(true),
});

describe('oktaProvider: what the contract does not see', () => {
  const live = eachEmulator(start);
  const { signIn } = live;

  it('oktaProvider({ domain, authorizationServerId }): the endpoints and issuer of that server', () => {
    const p = oktaProvider({
      domain: 'acme.okta.com/',
      authorizationServerId: 'aus9o8wzkhckw9TLa0h7',
    });
    expect(p.server.issuer).toBe('https://acme.okta.com/oauth2/aus9o8wzkhckw9TLa0h7');
    expect(p.server.token_endpoint).toBe(
      'https://acme.okta.com/oauth2/aus9o8wzkhckw9TLa0h7/v1/token',
    );
    expect(shipped.server.end_session_endpoint).toBe(
      'https://dev-123456.okta.com/oauth2/default/v1/logout',
    );
    expect(() => oktaProvider({ domain: '' })).toThrow(
      expect.objectContaining({ code: 'ERR_MISSING_OPTION' }),
    );
  });

  it('fetchToken(): an ID token from the issuer; the refresh token only comes with offline_access', async () => {
    const s = await signIn();
    expect(decodeJwt(s.token!.id_token!)).toMatchObject({
      iss: live.emulator.preset.server.issuer,
      aud: CLIENT.clientId,
    });
    expect(s.token?.refresh_token).toEqual(expect.any(String));
    const without = await signIn({ scope: ['openid', 'profile'] });
    expect(without.token?.refresh_token).toBeUndefined();
  });

  it('a public client: PKCE is required, and the session sends it', async () => {
    const emulated = await startOkta([{ clientId: 'spa', redirectUris: [CLIENT.redirectUri] }]);
    try {
      const provider = oktaProvider({ domain: emulated.http.origin });
      const options = { clientId: 'spa', redirectUri: CLIENT.redirectUri, provider };
      const { url, state, codeVerifier } = await new OAuth2Session(options).authorizationUrl();
      const s = new OAuth2Session({ ...options, state, codeVerifier });
      await s.fetchToken({ authorizationResponse: await live.emulator.approve(url) });
      expect((await s.fetch(...userRequest(provider))).status).toBe(200);
      const bare = new URL(url);
      bare.searchParams.delete('code_challenge');
      bare.searchParams.delete('code_challenge_method');
      expect((await fetch(bare, { redirect: 'manual' })).status).toBe(400);
    } finally {
      await emulated.http.close();
    }
  });

  it('revokeToken(): without client authentication Okta refuses it', async () => {
    const s = await signIn();
    const res = await fetch(live.emulator.preset.server.revocation_endpoint!, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: s.token!.refresh_token! }),
    });
    expect(res.status).toBe(401);
    await s.revokeToken();
    expect(live.emulator.http.requests.revoke.at(-1)?.headers.get('authorization')).toMatch(
      /^Basic /,
    );
  });
});
