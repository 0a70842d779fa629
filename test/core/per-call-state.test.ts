/**
 * requests-oauthlib's `authorization_url(url, state=...)` and `new_state()`: a state for one
 * authorization URL, checked like the constructor's, and a fresh state kept on the session.
 */
import { OAuth2Session } from 'oauth2-session';
import { describe, expect, it } from 'vitest';

const AUTH = 'https://auth.example/authorize';

describe('OAuth2Session.authorizationUrl with options.state', () => {
  it('authorizationUrl(url, extra, { state }) uses that state for this URL and keeps it', async () => {
    const s = new OAuth2Session({ clientId: 'c', state: 'from-options' });
    const { url, state } = await s.authorizationUrl(AUTH, { prompt: 'none' }, { state: 'mine' });
    expect(new URL(url).searchParams.get('state')).toBe('mine');
    expect(new URL(url).searchParams.get('prompt')).toBe('none');
    expect(state).toBe('mine');
    expect(s.state).toBe('mine');
    const next = await s.authorizationUrl(AUTH, undefined, {});
    expect(next.state).toBe('from-options');
  });

  it('authorizationUrl refuses an empty or non-string state with ERR_INVALID_ARG_TYPE', async () => {
    const s = new OAuth2Session({ clientId: 'c' });
    for (const state of ['', 42])
      await expect(
        s.authorizationUrl(AUTH, undefined, { state: state as string }),
      ).rejects.toMatchObject({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
    expect(s.state).toBeUndefined();
  });
});

describe('OAuth2Session.newState', () => {
  it('newState() makes a fresh 256-bit state, keeps it on the session and answers it', () => {
    const s = new OAuth2Session({ clientId: 'c', state: 'restored-in-callback' });
    const a = s.newState();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(s.state).toBe(a);
    const b = s.newState();
    expect(b).not.toBe(a);
    expect(s.state).toBe(b);
  });

  it('newState() is fresh whatever the state option (a fixed one is for the callback)', () => {
    const s = new OAuth2Session({ clientId: 'c', state: () => 'made' });
    expect(s.newState()).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('newState() and a later callback: the kept state is the one checked', async () => {
    const s = new OAuth2Session({ clientId: 'c', clientSecret: 's', pkce: false });
    s.newState();
    await expect(
      s.fetchToken('https://auth.example/token', {
        authorizationResponse: 'https://app.example/cb?code=x&state=other',
      }),
    ).rejects.toMatchObject({ code: 'OAUTH_MISMATCHING_STATE' });
  });
});
