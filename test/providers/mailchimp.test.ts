/**
 * The Mailchimp preset against an emulation of Mailchimp's documented OAuth2: the secret in the
 * body, requests-oauthlib's mailchimp fix for `expires_in: 0` and `scope: null`, the metadata
 * endpoint with `Authorization: OAuth`.
 */
import { OAuth2Session } from 'oauth2-session';
import { mailchimp, mailchimpProvider, userRequest } from 'oauth2-session/providers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAILCHIMP_METADATA, startMailchimp } from '../harness/emulators/mailchimp.js';
import { CLIENT, contractEmulator, REGISTERED } from './emulated.js';
import { presetContract } from './preset-contract.js';

async function start() {
  const emulator = await startMailchimp([REGISTERED]);
  const preset = mailchimpProvider({ baseUrl: emulator.http.origin });
  return contractEmulator(emulator, preset, { dc: MAILCHIMP_METADATA.dc });
}

presetContract('mailchimp', { preset: mailchimp, refresh: false, pkce: false, start });

describe('mailchimpProvider: what the contract does not see', () => {
  let emulator: Awaited<ReturnType<typeof start>>;
  beforeEach(async () => {
    emulator = await start();
  });
  afterEach(() => emulator.close());

  async function signIn(extra: Record<string, unknown> = {}) {
    const session = (more: Record<string, unknown> = {}) =>
      new OAuth2Session({ ...CLIENT, provider: emulator.preset, ...extra, ...more });
    const { url, state, codeVerifier } = await session().authorizationUrl();
    const s = session({ state, codeVerifier });
    await s.fetchToken({ authorizationResponse: await emulator.approve(url) });
    return s;
  }

  it('the mailchimp fix: expires_in 0 and a null scope are dropped, so the token never expires', async () => {
    const s = await signIn();
    expect(s.token).not.toHaveProperty('expires_in');
    expect(s.token).not.toHaveProperty('expires_at');
    expect(s.token).not.toHaveProperty('scope');
    expect(s.token?.token_type).toBe('Bearer');
    const sent = emulator.http.requests.token[0]!;
    expect(sent.form.get('client_secret')).toBe(CLIENT.clientSecret);
    expect(sent.headers.has('authorization')).toBe(false);
    // A year later, the token is still sent as it is, with no refresh tried.
    const later = new OAuth2Session({
      ...CLIENT,
      provider: emulator.preset,
      token: s.token,
      clock: () => Date.now() + 365 * 86400_000,
    });
    expect((await later.fetch(...userRequest(emulator.preset))).status).toBe(200);
  });

  it('without the fix the answer is refused: the core reads a null scope as a malformed answer', async () => {
    const plain = mailchimpProvider({ baseUrl: emulator.http.origin });
    const bare = { ...plain, hooks: {} };
    const session = (more: Record<string, unknown> = {}) =>
      new OAuth2Session({ ...CLIENT, provider: bare, ...more });
    const { url, state, codeVerifier } = await session().authorizationUrl();
    const s = session({ state, codeVerifier });
    await expect(
      s.fetchToken({ authorizationResponse: await emulator.approve(url) }),
    ).rejects.toMatchObject({ code: 'OAUTH_INVALID_RESPONSE' });
  });

  it('userRequest(mailchimp): the metadata endpoint with Authorization: OAuth; Bearer elsewhere', async () => {
    const s = await signIn();
    const metadata = await (await s.fetch(...userRequest(emulator.preset))).json();
    expect(metadata).toMatchObject({ dc: 'us19', api_endpoint: 'https://us19.api.mailchimp.com' });
    const sent = emulator.http.requests.metadata[0]!;
    expect(sent.headers.get('authorization')).toBe(`OAuth ${s.token!.access_token}`);
    const bare = await fetch(userRequest(emulator.preset)[0], {
      headers: { authorization: `Bearer ${s.token!.access_token}` },
    });
    expect(bare.status).toBe(401);
    await s.get(`${emulator.http.origin}/3.0/ping`);
    expect(emulator.http.unmatched.at(-1)?.headers.get('authorization')).toBe(
      `Bearer ${s.token!.access_token}`,
    );
  });
});
