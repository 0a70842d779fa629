/**
 * The Slack preset ("Sign in with Slack") against an emulation of Slack's documented OpenID
 * Connect methods: HTTP 200 errors, a POST userInfo, `auth.revoke`, token rotation; and
 * `fixes.slack`, requests-oauthlib's fix as hooks.
 */

import { decodeJwt } from 'jose';
import { InvalidClientError, InvalidGrantError, OAuth2Session } from 'oauth2-session';
import { fixes, slack, slackProvider, userRequest } from 'oauth2-session/providers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SLACK_USER, startSlack } from '../harness/emulators/slack.js';
import { CLIENT, contractEmulator, REGISTERED } from './emulated.js';
import { presetContract } from './preset-contract.js';

async function start(rotation: boolean) {
  const emulator = await startSlack([REGISTERED], { rotation });
  const preset = slackProvider({ baseUrl: emulator.http.origin });
  return contractEmulator(emulator, preset, { ok: true, sub: SLACK_USER.sub });
}

/** Slack refuses with HTTP 200 and `ok: false`. */
const rejected = ({ status, body }: { status: number; body: unknown }) =>
  status === 401 || (body as { ok?: unknown })?.ok === false;

presetContract('slack', {
  preset: slack,
  refresh: false,
  pkce: false,
  rejected,
  start: () => start(false),
});
presetContract('slack (token rotation)', {
  preset: slack,
  refresh: true,
  pkce: false,
  rejected,
  start: () => start(true),
});

describe('slackProvider: what the contract does not see', () => {
  let emulator: Awaited<ReturnType<typeof start>>;
  beforeEach(async () => {
    emulator = await start(true);
  });
  afterEach(() => emulator.close());

  const session = (extra: Record<string, unknown> = {}) =>
    new OAuth2Session({ ...CLIENT, provider: emulator.preset, ...extra });

  async function signIn() {
    const { url, state, codeVerifier } = await session().authorizationUrl();
    const s = session({ state, codeVerifier });
    await s.fetchToken({ authorizationResponse: await emulator.approve(url) });
    return s;
  }

  it('fetchToken(): an ID token for the client, from the issuer, with an xoxp- access token', async () => {
    const s = await signIn();
    expect(s.token?.access_token).toMatch(/^xoxp-/);
    const claims = decodeJwt(s.token!.id_token!);
    expect(claims).toMatchObject({
      iss: emulator.preset.server.issuer,
      aud: CLIENT.clientId,
      sub: 'U0R7JM',
    });
  });

  it("token errors come with HTTP 200 and Slack's codes; they are the RFC's typed errors", async () => {
    const { url, state, codeVerifier } = await session().authorizationUrl();
    const callback = await emulator.approve(url);
    await session({ state, codeVerifier }).fetchToken({ authorizationResponse: callback });
    const again = session({ state, codeVerifier }).fetchToken({ authorizationResponse: callback });
    await expect(again).rejects.toBeInstanceOf(InvalidGrantError);
    await expect(again).rejects.toMatchObject({ status: 200, error: 'invalid_grant' });
    const { url: u2, state: s2, codeVerifier: v2 } = await session().authorizationUrl();
    const cb2 = await emulator.approve(u2);
    const wrong = session({ state: s2, codeVerifier: v2, clientSecret: 'not-the-secret' });
    await expect(wrong.fetchToken({ authorizationResponse: cb2 })).rejects.toBeInstanceOf(
      InvalidClientError,
    );
  });

  it('userRequest(slack): a POST to openid.connect.userInfo; a revoked token reads ok: false with HTTP 200', async () => {
    const s = await signIn();
    const [url, init] = userRequest(emulator.preset);
    expect(init.method).toBe('POST');
    expect(await (await s.fetch(url, init)).json()).toMatchObject(SLACK_USER);
    const token = s.token!;
    await s.revokeToken();
    const sent = emulator.http.requests.revoke[0]!;
    expect(sent.headers.get('authorization')).toBe(`Bearer ${token.access_token}`);
    expect(sent.form.has('client_secret')).toBe(false);
    const stale = await session({ token }).fetch(url, init);
    expect(stale.status).toBe(200);
    expect(await stale.json()).toEqual({ ok: false, error: 'token_revoked' });
  });

  it('slackProvider({ team }): the workspace goes into every authorization URL', async () => {
    const p = slackProvider({ baseUrl: emulator.http.origin, team: 'T0R7GR' });
    const { url } = await new OAuth2Session({ ...CLIENT, provider: p }).authorizationUrl();
    expect(new URL(url).searchParams.get('team')).toBe('T0R7GR');
    expect(slack.authorizationParams).toBeUndefined();
  });

  it('fixes.slack: the token also as a POST parameter, never in a URL, never on a GET', async () => {
    const s = await signIn();
    const fixed = session({ token: s.token, hooks: fixes.slack });
    const [url] = userRequest(emulator.preset);
    expect((await fixed.post(url)).status).toBe(200);
    const posted = emulator.http.requests.userinfo.at(-1)!;
    expect(posted.form.get('token')).toBe(s.token?.access_token);
    expect(posted.url.searchParams.has('token')).toBe(false);
    const withBody = await fixed.post(url, { body: new URLSearchParams({ a: '1' }) });
    expect(withBody.status).toBe(200);
    expect(emulator.http.requests.userinfo.at(-1)?.form.get('a')).toBe('1');
    expect(emulator.http.requests.userinfo.at(-1)?.form.get('token')).toBe(s.token?.access_token);
    await fixed.get(`${emulator.http.origin}/api/auth.revoke?test=1`);
    expect(emulator.http.requests.revoke.at(-1)?.url.searchParams.has('token')).toBe(false);
    expect(emulator.http.requests.revoke.at(-1)?.text).toBe('');
  });
});
