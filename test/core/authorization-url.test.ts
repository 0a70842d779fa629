import { codeChallengeS256, OAuth2Session } from 'oauth2-session';
import { describe, expect, it } from 'vitest';

const AUTH = 'https://auth.example/authorize?tenant=1';

describe('OAuth2Session.authorizationUrl', () => {
  it('sets response_type, client_id, scope, a 256-bit state and an S256 challenge; keeps them on the session', async () => {
    const s = new OAuth2Session({ clientId: 'c 1', scope: 'read:user repo' });
    const { url, state, codeVerifier } = await s.authorizationUrl(AUTH);
    const q = new URL(url).searchParams;
    expect(q.get('tenant')).toBe('1');
    expect(q.get('response_type')).toBe('code');
    expect(q.get('client_id')).toBe('c 1');
    expect(q.get('scope')).toBe('read:user repo');
    expect(q.has('redirect_uri')).toBe(false);
    expect(q.get('state')).toBe(state);
    expect(state).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(codeVerifier).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
    expect(q.get('code_challenge')).toBe(await codeChallengeS256(codeVerifier!));
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(s.state).toBe(state);
    expect(s.codeVerifier).toBe(codeVerifier);
  });

  it('makes a fresh state and verifier per call', async () => {
    const s = new OAuth2Session({ clientId: 'c' });
    const a = await s.authorizationUrl(AUTH);
    const b = await s.authorizationUrl(AUTH);
    expect(a.state).not.toBe(b.state);
    expect(a.codeVerifier).not.toBe(b.codeVerifier);
    expect(s.state).toBe(b.state);
  });

  it('computes the RFC 7636 appendix B challenge', async () => {
    expect(await codeChallengeS256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('sends redirect_uri only when set; uses a caller state (string or factory)', async () => {
    const s = new OAuth2Session({
      clientId: 'c',
      redirectUri: 'https://app/cb',
      state: () => 'from-factory',
    });
    const { url, state } = await s.authorizationUrl(AUTH);
    expect(new URL(url).searchParams.get('redirect_uri')).toBe('https://app/cb');
    expect(state).toBe('from-factory');
  });

  it('pkce: false leaves the challenge out; plain is refused with a TypeError', async () => {
    const { url, codeVerifier } = await new OAuth2Session({
      clientId: 'c',
      clientSecret: 's', // a confidential client: a public one may not turn PKCE off
      pkce: false,
    }).authorizationUrl(AUTH);
    expect(new URL(url).searchParams.has('code_challenge')).toBe(false);
    expect(codeVerifier).toBeUndefined();
    expect(() => new OAuth2Session({ clientId: 'c', pkce: 'plain' as never })).toThrow(
      expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' }),
    );
  });

  it('refuses a bad code verifier and extra params that replace reserved ones', async () => {
    expect(() => new OAuth2Session({ clientId: 'c', codeVerifier: 'short' })).toThrow(TypeError);
    const s = new OAuth2Session({ clientId: 'c' });
    await expect(s.authorizationUrl(AUTH, { state: 'x' })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG_VALUE',
    });
    const { url } = await s.authorizationUrl(AUTH, { prompt: 'consent' });
    expect(new URL(url).searchParams.get('prompt')).toBe('consent');
  });

  it('refuses a plain-http authorization endpoint that is not loopback', async () => {
    const s = new OAuth2Session({ clientId: 'c', allowInsecureTransport: false });
    await expect(s.authorizationUrl('http://auth.example/authorize')).rejects.toMatchObject({
      code: 'OAUTH_INSECURE_TRANSPORT',
    });
    await expect(s.authorizationUrl('http://127.0.0.1:1/authorize')).resolves.toBeTruthy();
  });
});
