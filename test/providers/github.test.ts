/**
 * The GitHub preset against the project's GitHub-compatible dev provider, as an OAuth app
 * (tokens without expiry, no refresh) and as a GitHub App (expiring tokens, refresh).
 */
import { InvalidGrantError, OAuth2Session } from 'oauth2-session';
import { type DevProvider, startDevProvider } from 'oauth2-session/dev-provider';
import { github, githubProvider, userRequest } from 'oauth2-session/providers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type PresetEmulator, presetContract } from './preset-contract.js';

const CLIENT = {
  clientId: 'contract-app',
  clientSecret: 'contract-app-secret',
  redirectUris: ['http://127.0.0.1:5999/callback'],
  name: 'Contract App',
};
const USER = { login: 'hubot', id: 480938, name: 'Hubot' };

/** The consent page as a browser would answer it: approve as `login`; answers the redirect target. */
async function approveAs(dev: DevProvider, authorizationUrl: string, login: string) {
  const page = await fetch(authorizationUrl, { redirect: 'manual' });
  if (page.status !== 200) throw new Error(`authorize answered ${page.status}`);
  const requestId = /name="request_id" value="([^"]+)"/.exec(await page.text())?.[1];
  if (!requestId) throw new Error('no request_id on the consent page');
  const answer = await fetch(dev.authorizeUrl, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ request_id: requestId, authorize: '1', login }),
  });
  const location = answer.headers.get('location');
  if (answer.status !== 302 || !location) throw new Error(`consent answered ${answer.status}`);
  return location;
}

async function startGitHub(
  expiringTokens: boolean,
): Promise<PresetEmulator & { dev: DevProvider }> {
  const dev = await startDevProvider({ expiringTokens });
  dev.registerClient(CLIENT);
  return {
    dev,
    preset: githubProvider({ baseUrl: dev.origin, apiUrl: dev.origin }),
    client: {
      clientId: CLIENT.clientId,
      clientSecret: CLIENT.clientSecret,
      redirectUri: CLIENT.redirectUris[0]!,
    },
    approve: (url) => approveAs(dev, url, USER.login),
    user: USER,
    close: () => dev.close(),
  };
}

presetContract('github (OAuth app)', {
  preset: github,
  refresh: false,
  start: () => startGitHub(false),
});

presetContract('github (GitHub App, expiring tokens)', {
  preset: github,
  refresh: true,
  start: () => startGitHub(true),
});

describe('githubProvider: what the contract does not see', () => {
  let emulator: Awaited<ReturnType<typeof startGitHub>>;
  beforeEach(async () => {
    emulator = await startGitHub(true);
  });
  afterEach(() => emulator.close());

  const session = (extra: Record<string, unknown> = {}) =>
    new OAuth2Session({
      clientId: CLIENT.clientId,
      clientSecret: CLIENT.clientSecret,
      redirectUri: CLIENT.redirectUris[0],
      provider: emulator.preset,
      ...extra,
    });

  async function signIn() {
    const { url, state, codeVerifier } = await session().authorizationUrl();
    const s = session({ state, codeVerifier });
    await s.fetchToken({ authorizationResponse: await emulator.approve(url) });
    return s;
  }

  it('githubProvider({ baseUrl, apiUrl }): trailing slashes are trimmed from both', () => {
    const p = githubProvider({
      baseUrl: 'https://ghe.example/',
      apiUrl: 'https://ghe.example/api/v3/',
    });
    expect(p.server.token_endpoint).toBe('https://ghe.example/login/oauth/access_token');
    expect(p.user?.url).toBe('https://ghe.example/api/v3/user');
  });

  it('fetch(): API requests carry the preset User-Agent unless the caller set one', async () => {
    const agents: (string | null)[] = [];
    const recording = (input: RequestInfo | URL, init?: RequestInit) => {
      agents.push(new Headers(init?.headers).get('user-agent'));
      return fetch(input, init);
    };
    const s = await signIn();
    const api = session({ token: s.token, fetch: recording });
    const [url, init] = userRequest(emulator.preset);
    expect((await api.fetch(url, init)).status).toBe(200);
    const headers = { ...init.headers, 'user-agent': 'mine/1' };
    expect((await api.fetch(url, { ...init, headers })).status).toBe(200);
    expect(agents).toEqual(['oauth2-session', 'mine/1']);
  });

  it('revokeToken(): one DELETE at the API revocation endpoint, counted by the provider', async () => {
    const s = await signIn();
    expect(emulator.dev.counts.revoke).toBe(0);
    await s.revokeToken();
    expect(emulator.dev.counts.revoke).toBe(1);
  });

  it('refreshToken(): a spent (rotated) refresh token is InvalidGrantError, and is never sent again', async () => {
    const s = await signIn();
    const first = s.token!;
    await s.refreshToken();
    const stale = session({ token: first });
    await expect(stale.refreshToken()).rejects.toBeInstanceOf(InvalidGrantError);
    const refreshes = emulator.dev.counts.refresh;
    await expect(stale.refreshToken()).rejects.toBeInstanceOf(InvalidGrantError);
    expect(emulator.dev.counts.refresh).toBe(refreshes);
  });
});
