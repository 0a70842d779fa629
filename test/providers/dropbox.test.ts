/**
 * The Dropbox preset against an emulation of Dropbox's documented OAuth: `token_access_type`,
 * PKCE, refresh answers without a refresh token, the revoke RPC (Bearer, JSON `null`), the
 * POST user call.
 */
import { OAuth2Session } from 'oauth2-session';
import { dropbox, dropboxProvider, userRequest } from 'oauth2-session/providers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DROPBOX_ACCOUNT, startDropbox } from '../harness/emulators/dropbox.js';
import { CLIENT, contractEmulator, REGISTERED } from './emulated.js';
import { presetContract } from './preset-contract.js';

const PUBLIC = { clientId: 'pkce-app', redirectUris: [CLIENT.redirectUri] };

async function start(tokenAccessType?: 'online') {
  const emulator = await startDropbox([REGISTERED, PUBLIC]);
  const origin = emulator.http.origin;
  const preset = dropboxProvider({ baseUrl: origin, apiUrl: origin, tokenAccessType });
  return contractEmulator(emulator, preset, { account_id: DROPBOX_ACCOUNT.account_id });
}

presetContract('dropbox (offline)', { preset: dropbox, refresh: true, start: () => start() });
presetContract('dropbox (online)', {
  preset: dropbox,
  refresh: false,
  start: () => start('online'),
});

describe('dropboxProvider: what the contract does not see', () => {
  let emulator: Awaited<ReturnType<typeof start>>;
  beforeEach(async () => {
    emulator = await start();
  });
  afterEach(() => emulator.close());

  const signIn = async (
    options: { clientId: string; clientSecret?: string | undefined; redirectUri: string } = CLIENT,
  ) => {
    const base = { ...options, provider: emulator.preset };
    const { url, state, codeVerifier } = await new OAuth2Session(base).authorizationUrl();
    const s = new OAuth2Session({ ...base, state, codeVerifier });
    await s.fetchToken({ authorizationResponse: await emulator.approve(url) });
    return { s, url };
  };

  it('authorizationUrl(): token_access_type=offline; the token keeps account_id and uid', async () => {
    const { s, url } = await signIn();
    expect(new URL(url).searchParams.get('token_access_type')).toBe('offline');
    expect(s.token).toMatchObject({
      token_type: 'bearer',
      account_id: DROPBOX_ACCOUNT.account_id,
      uid: '12345',
    });
    expect(s.token?.access_token).toMatch(/^sl\./);
  });

  it('userRequest(dropbox): a POST without a body, as the RPC wants', async () => {
    const { s } = await signIn();
    const [url, init] = userRequest(emulator.preset);
    expect(init).toMatchObject({ method: 'POST' });
    expect(await (await s.fetch(url, init)).json()).toEqual(DROPBOX_ACCOUNT);
    const sent = emulator.http.requests.account[0]!;
    expect(sent.headers.has('content-type')).toBe(false);
    expect(sent.text).toBe('');
  });

  it('revokeToken(): the RPC with the access token as Bearer and the JSON null body', async () => {
    const { s } = await signIn();
    const token = s.token!;
    await s.revokeToken();
    const sent = emulator.http.requests.revoke[0]!;
    expect(sent.headers.get('authorization')).toBe(`Bearer ${token.access_token}`);
    expect(sent.contentType).toBe('application/json');
    expect(sent.text).toBe('null');
  });

  it('without the preset hooks, a form revocation is refused for its content type', async () => {
    const { s } = await signIn();
    const plain = new OAuth2Session({ ...CLIENT, token: s.token, server: emulator.preset.server });
    await expect(plain.revokeToken()).rejects.toMatchObject({
      code: 'OAUTH_HTTP_ERROR',
      status: 400,
    });
  });

  it('a PKCE client without a secret signs in and refreshes with client_id alone', async () => {
    const { s } = await signIn({ clientId: PUBLIC.clientId, redirectUri: CLIENT.redirectUri });
    await s.refreshToken();
    for (const sent of emulator.http.requests.token) {
      expect(sent.headers.has('authorization')).toBe(false);
      expect(sent.form.get('client_id')).toBe(PUBLIC.clientId);
    }
    expect(emulator.http.requests.token[0]?.form.get('code_verifier')).toEqual(expect.any(String));
  });
});
