/**
 * The GitLab preset against an emulation of GitLab's documented OAuth 2.0 API (expiring tokens,
 * rotating refresh tokens, RFC 7009 revocation, `/api/v4/user`).
 */
import { InvalidGrantError, OAuth2Session } from 'oauth2-session';
import { gitlab, gitlabProvider, userRequest } from 'oauth2-session/providers';
import { describe, expect, it } from 'vitest';
import { GITLAB_USER, startGitLab } from '../harness/emulators/gitlab.js';
import { CLIENT, contractEmulator, eachEmulator, REGISTERED } from './emulated.js';
import { presetContract } from './preset-contract.js';

async function start() {
  const emulator = await startGitLab([REGISTERED]);
  const preset = gitlabProvider({ baseUrl: emulator.http.origin });
  return contractEmulator(emulator, preset, { id: GITLAB_USER.id, username: GITLAB_USER.username });
}

presetContract('gitlab', { preset: gitlab, refresh: true, start });

describe('gitlabProvider: what the contract does not see', () => {
  const live = eachEmulator(start);
  const { session, signIn } = live;

  it('gitlabProvider({ baseUrl }): a self-managed instance, its issuer and trailing slash', () => {
    const p = gitlabProvider({ baseUrl: 'https://gitlab.example.com/' });
    expect(p.server.issuer).toBe('https://gitlab.example.com');
    expect(p.server.token_endpoint).toBe('https://gitlab.example.com/oauth/token');
    expect(p.user?.url).toBe('https://gitlab.example.com/api/v4/user');
    expect(gitlab.server.jwks_uri).toBe('https://gitlab.com/oauth/discovery/keys');
  });

  it('fetchToken(): the lowercase bearer token type and created_at are kept; the code exchange carries the verifier and redirect_uri', async () => {
    const s = await signIn();
    expect(s.token?.token_type).toBe('bearer');
    expect(s.token?.created_at).toEqual(expect.any(Number));
    expect(s.token?.scope).toEqual(['read_user']);
    const sent = live.emulator.http.requests.token[0]!;
    expect(sent.form.get('redirect_uri')).toBe(CLIENT.redirectUri);
    expect(sent.form.get('code_verifier')).toEqual(expect.any(String));
    expect(sent.headers.get('authorization')).toMatch(/^Basic /);
  });

  it('refreshToken(): the old refresh token and access token are invalidated, as GitLab documents', async () => {
    const s = await signIn();
    const first = s.token!;
    await s.refreshToken();
    // The old access token draws a 401 invalid_token challenge, so the session refreshes with
    // the spent refresh token, which GitLab refuses.
    const old = session({ token: first });
    await expect(old.fetch(...userRequest(live.emulator.preset))).rejects.toBeInstanceOf(
      InvalidGrantError,
    );
    expect(live.emulator.http.counts.user).toBe(1);
    const [url, init] = userRequest(live.emulator.preset);
    const bare = await fetch(url, {
      ...init,
      headers: { authorization: `Bearer ${first.access_token}` },
    });
    expect(bare.status).toBe(401);
    expect(bare.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
  });

  it('a public client (no secret) signs in with PKCE alone', async () => {
    const emulated = await startGitLab([{ clientId: 'spa', redirectUris: [CLIENT.redirectUri] }]);
    try {
      const provider = gitlabProvider({ baseUrl: emulated.http.origin });
      const options = { clientId: 'spa', redirectUri: CLIENT.redirectUri, provider };
      const { url, state, codeVerifier } = await new OAuth2Session(options).authorizationUrl();
      const s = new OAuth2Session({ ...options, state, codeVerifier });
      await s.fetchToken({ authorizationResponse: await live.emulator.approve(url) });
      expect(emulated.http.requests.token[0]?.headers.has('authorization')).toBe(false);
      expect((await s.fetch(...userRequest(provider))).status).toBe(200);
    } finally {
      await emulated.http.close();
    }
  });
});
