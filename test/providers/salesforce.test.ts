/**
 * The Salesforce preset against an emulation of Salesforce's documented web server flow: no
 * `expires_in`, `instance_url` and `id` in the token, the identity URL as the user endpoint,
 * `invalid_client_id`, and revocation whose `invalid_token` for a spent token is success.
 */
import { InvalidClientError, OAuth2Session } from 'oauth2-session';
import { salesforce, salesforceProvider, userRequest } from 'oauth2-session/providers';
import { describe, expect, it } from 'vitest';
import { SALESFORCE_USER, startSalesforce } from '../harness/emulators/salesforce.js';
import { CLIENT, contractEmulator, eachEmulator, REGISTERED } from './emulated.js';
import { presetContract } from './preset-contract.js';

async function start() {
  const emulator = await startSalesforce([REGISTERED]);
  const preset = salesforceProvider({ loginUrl: emulator.http.origin });
  return contractEmulator(emulator, preset, { user_id: SALESFORCE_USER.user_id });
}

presetContract('salesforce', {
  preset: salesforce,
  refresh: true,
  expires: false,
  rejected: ({ status }) => status === 401 || status === 403,
  start,
});

describe('salesforceProvider: what the contract does not see', () => {
  const live = eachEmulator(start);
  const { session, signIn } = live;

  it('salesforceProvider({ loginUrl }): a sandbox or My Domain login host', () => {
    const sandbox = salesforceProvider({ loginUrl: 'https://test.salesforce.com/' });
    expect(sandbox.server.token_endpoint).toBe('https://test.salesforce.com/services/oauth2/token');
    expect(salesforce.server.authorization_endpoint).toBe(
      'https://login.salesforce.com/services/oauth2/authorize',
    );
  });

  it('fetchToken(): instance_url, id, issued_at and signature are kept; the secret goes in the body', async () => {
    const s = await signIn();
    expect(s.token).toMatchObject({
      instance_url: live.emulator.http.origin,
      id: expect.stringMatching(/\/id\/00D/),
      issued_at: expect.any(String),
      signature: expect.any(String),
    });
    expect(s.token?.expires_at).toBeUndefined();
    const sent = live.emulator.http.requests.token[0]!;
    expect(sent.form.get('client_secret')).toBe(CLIENT.clientSecret);
    expect(sent.headers.has('authorization')).toBe(false);
  });

  it("userRequest(preset, token): the token's identity URL; without the token, userinfo", async () => {
    const s = await signIn();
    const [url] = userRequest(live.emulator.preset, s.token);
    expect(url).toBe(s.token?.id);
    expect(await (await s.fetch(url)).json()).toMatchObject(SALESFORCE_USER);
    expect(userRequest(live.emulator.preset)[0]).toBe(
      live.emulator.preset.server.userinfo_endpoint,
    );
  });

  it("fetchToken(): Salesforce's invalid_client_id is an InvalidClientError; without the preset's hook it is not", async () => {
    const { url, state, codeVerifier } = await session().authorizationUrl();
    const callback = await live.emulator.approve(url);
    const wrong = session({ state, codeVerifier, clientId: 'unknown-app' });
    await expect(wrong.fetchToken({ authorizationResponse: callback })).rejects.toBeInstanceOf(
      InvalidClientError,
    );
    const bare = new OAuth2Session({
      ...CLIENT,
      clientId: 'unknown-app',
      server: live.emulator.preset.server,
      state,
      codeVerifier,
    });
    const e = await bare.fetchToken({ authorizationResponse: callback }).catch((x: unknown) => x);
    expect(e).not.toBeInstanceOf(InvalidClientError);
    expect(e).toMatchObject({ error: 'invalid_client_id' });
  });

  it('revokeToken(): a 400 invalid_token for a token already revoked is success; without the hook it is an error', async () => {
    const s = await signIn();
    const token = s.token!;
    await s.revokeToken();
    await expect(session({ token }).revokeToken()).resolves.toBeUndefined();
    const bare = new OAuth2Session({ ...CLIENT, server: live.emulator.preset.server, token });
    await expect(bare.revokeToken()).rejects.toMatchObject({ error: 'invalid_token', status: 400 });
  });
});
