/**
 * Case 6 of issue 5: PKCE downgrade by configuration (RFC 9700 section 2.1.1; RFC 7636 section
 * 7.2). `plain` is never offered; a public client cannot turn PKCE off; the web layer always
 * sends S256, which both recording providers require.
 */
import { OAuth2Session } from 'oauth2-session';
import { createOAuthHandlers } from 'oauth2-session/web';
import { describe, expect, test } from 'vitest';
import { Browser, beginLogin, MATRIX, useTarget } from './oracle.js';

describe('case 6: PKCE configuration refused at start-up', () => {
  test('new OAuth2Session: pkce "plain" is a TypeError with a clear message', () => {
    expect(() => new OAuth2Session({ clientId: 'c', pkce: 'plain' as never })).toThrow(
      expect.objectContaining({
        name: 'TypeError',
        code: 'ERR_INVALID_ARG_VALUE',
        message: 'pkce must be S256 or false',
      }),
    );
  });

  test('new OAuth2Session: pkce false for a public client (no secret) is a TypeError', () => {
    expect(() => new OAuth2Session({ clientId: 'public', pkce: false })).toThrow(
      expect.objectContaining({
        name: 'TypeError',
        code: 'ERR_INVALID_ARG_VALUE',
        message: 'pkce cannot be turned off for a public client (no clientSecret)',
      }),
    );
    // A confidential client may (some legacy servers reject code_challenge), with S256 the default.
    expect(
      () => new OAuth2Session({ clientId: 'c', clientSecret: 's', pkce: false }),
    ).not.toThrow();
  });

  test('createOAuthHandlers: a public client still sends an S256 challenge (PKCE cannot be off)', async () => {
    const auth = createOAuthHandlers({
      clientId: 'public',
      authorizeUrl: 'https://idp.example/authorize',
      tokenUrl: 'https://idp.example/token',
      session: { secrets: 'x'.repeat(32) },
      // A JavaScript caller passing an option that does not exist must not turn PKCE off.
      ...({ pkce: false } as object),
    });
    const response = await auth.login(new Request('http://localhost/login'));
    const url = new URL(response.headers.get('location')!);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});

describe.each(MATRIX)('case 6: the example app sends S256 ($name)', (options) => {
  const target = useTarget(options);

  test('every authorization request carries an S256 challenge, a fresh one per login', async () => {
    const a = new URL((await beginLogin(new Browser(target))).authorizeUrl);
    const b = new URL((await beginLogin(new Browser(target))).authorizeUrl);
    expect(a.searchParams.get('code_challenge_method')).toBe('S256');
    expect(a.searchParams.get('code_challenge')).not.toBe(b.searchParams.get('code_challenge'));
    expect(a.searchParams.get('state')).not.toBe(b.searchParams.get('state'));
  });
});
