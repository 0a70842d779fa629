import { InvalidGrantError, OAuth2Error, OAuth2Session } from 'oauth2-session';
import { github, githubProvider } from 'oauth2-session/providers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type GitHubServer, startGitHubServer } from './helpers/github-server.js';

let gh: GitHubServer;
beforeEach(async () => {
  gh = await startGitHubServer();
});
afterEach(() => gh.close());

const preset = () => githubProvider({ baseUrl: gh.url, apiUrl: `${gh.url}/api/` });

describe('github preset', () => {
  it('has github.com endpoints by default', () => {
    expect(github).toMatchObject({
      authorizeUrl: 'https://github.com/login/oauth/authorize',
      tokenUrl: 'https://github.com/login/oauth/access_token',
      userUrl: 'https://api.github.com/user',
    });
  });

  it('the seed flow against a GitHub-shaped server: code exchange, comma scopes, /user with User-Agent', async () => {
    const p = preset();
    expect(p.userUrl).toBe(`${gh.url}/api/user`);
    const start = new OAuth2Session({ clientId: gh.clientId, hooks: p.hooks, scope: ['repo'] });
    const { state, codeVerifier } = await start.authorizationUrl(p.authorizeUrl);
    gh.issueCode('the-code', 'repo,gist');
    const changes: unknown[] = [];
    const cb = new OAuth2Session({
      clientId: gh.clientId,
      state,
      codeVerifier,
      hooks: p.hooks,
      scope: ['repo'],
      onScopeChanged: (c) => void changes.push(c),
    });
    const token = await cb.fetchToken(p.tokenUrl, {
      clientSecret: gh.clientSecret,
      authorizationResponse: `http://127.0.0.1/cb?code=the-code&state=${state}`,
    });
    expect(token.scope).toEqual(['repo', 'gist']);
    expect(token.expires_in).toBe(28800);
    expect(changes).toMatchObject([{ requested: ['repo'], granted: ['repo', 'gist'] }]);
    const api = new OAuth2Session({ clientId: gh.clientId, token, hooks: p.hooks });
    const res = await api.get(p.userUrl);
    expect(await res.json()).toEqual({ login: 'octocat', id: 1 });
    expect(gh.requests.at(-1)!.headers['user-agent']).toBe('oauth2-session');
  });

  it('reads form-encoded answers when the preset is not used', async () => {
    gh.issueCode('c1');
    const s = new OAuth2Session({
      clientId: gh.clientId,
      clientSecret: gh.clientSecret,
      pkce: false,
      hooks: { accessTokenRequest: ({ headers }) => void headers.delete('accept') },
    });
    const t = await s.fetchToken(`${gh.url}/login/oauth/access_token`, { code: 'c1' });
    expect(t.access_token).toMatch(/^gho_/);
    expect(t.scope).toEqual(['repo', 'gist']);
  });

  it('errors with HTTP 200: a reused code is a generic OAuth2Error with error=bad_verification_code', async () => {
    gh.issueCode('once');
    const p = preset();
    const s = () =>
      new OAuth2Session({
        clientId: gh.clientId,
        clientSecret: gh.clientSecret,
        pkce: false,
        hooks: p.hooks,
      });
    await s().fetchToken(p.tokenUrl, { code: 'once' });
    const e = await s()
      .fetchToken(p.tokenUrl, { code: 'once' })
      .catch((x) => x);
    expect(e.constructor).toBe(OAuth2Error);
    expect(e.error).toBe('bad_verification_code');
    expect(e.status).toBe(200);
  });

  it('wrong secret: incorrect_client_credentials, the secret never in the error', async () => {
    gh.issueCode('c2');
    const p = preset();
    const s = new OAuth2Session({
      clientId: gh.clientId,
      clientSecret: 'not-the-secret',
      pkce: false,
      hooks: p.hooks,
    });
    const e = await s.fetchToken(p.tokenUrl, { code: 'c2' }).catch((x) => x);
    expect(e.error).toBe('incorrect_client_credentials');
    expect(`${e.message} ${JSON.stringify(e)}`).not.toContain('not-the-secret');
  });

  it('refresh: a spent refresh token (bad_refresh_token) surfaces as InvalidGrantError, never retried', async () => {
    gh.issueCode('c3');
    const p = preset();
    const s = new OAuth2Session({
      clientId: gh.clientId,
      clientSecret: gh.clientSecret,
      pkce: false,
      hooks: p.hooks,
      autoRefreshUrl: p.tokenUrl,
    });
    const first = await s.fetchToken(p.tokenUrl, { code: 'c3' });
    const second = await s.refreshToken();
    expect(second.refresh_token).not.toBe(first.refresh_token);
    const stale = new OAuth2Session({
      clientId: gh.clientId,
      clientSecret: gh.clientSecret,
      hooks: p.hooks,
      token: first,
      autoRefreshUrl: p.tokenUrl,
    });
    const before = gh.count('/login/oauth/access_token');
    const e = await stale.refreshToken().catch((x) => x);
    expect(e).toBeInstanceOf(InvalidGrantError);
    expect(e.errorDescription).toContain('incorrect or expired');
    expect(gh.count('/login/oauth/access_token')).toBe(before + 1);
  });
});
