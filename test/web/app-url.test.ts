/** Cookie security follows the app's own origin (`appUrl`), not the redirect URI. */
import { createOAuthHandlers, type OAuthHandlersOptions } from 'oauth2-session/web';
import { describe, expect, it } from 'vitest';

function handlers(extra: Partial<OAuthHandlersOptions>) {
  return createOAuthHandlers({
    clientId: 'app',
    server: {
      authorization_endpoint: 'https://op.example/authorize',
      token_endpoint: 'https://op.example/token',
    },
    session: { secrets: 'app-url-secret-0123456789-abcdefghijklmn' },
    ...extra,
  });
}

async function loginCookie(extra: Partial<OAuthHandlersOptions>): Promise<string> {
  const login = await handlers(extra).login(new Request('https://app.example/login'));
  return login.headers.getSetCookie()[0]!;
}

describe('createOAuthHandlers appUrl', () => {
  it('createOAuthHandlers appUrl: https without a redirectUri gives Secure __Host- cookies', async () => {
    const cookie = await loginCookie({ appUrl: 'https://app.example' });
    expect(cookie).toMatch(/^__Host-oauth2_tx_/);
    expect(cookie).toMatch(/; Secure/);
    const auth = handlers({ appUrl: 'https://app.example/some/path' });
    expect(auth.sessions.cookieName).toBe('__Host-oauth2_session');
  });

  it('createOAuthHandlers appUrl: it wins over the redirectUri (an http app with an https redirect elsewhere)', async () => {
    const cookie = await loginCookie({
      appUrl: 'http://127.0.0.1:5000',
      redirectUri: 'https://relay.example/callback',
    });
    expect(cookie).toMatch(/^oauth2_tx_/);
    expect(cookie).not.toMatch(/Secure/);
  });

  it('createOAuthHandlers appUrl: unset, the redirectUri decides as before; session.secure still wins', async () => {
    expect(await loginCookie({ redirectUri: 'https://app.example/callback' })).toMatch(/^__Host-/);
    expect(await loginCookie({})).toMatch(/^oauth2_tx_/);
    const insecure = await loginCookie({
      appUrl: 'https://app.example',
      session: { secrets: 'app-url-secret-0123456789-abcdefghijklmn', secure: false },
    });
    expect(insecure).toMatch(/^oauth2_tx_/);
  });

  it.each(['app.example', '/relative', 'ftp://app.example', ''])(
    'createOAuthHandlers appUrl: %j is a TypeError at start-up',
    (appUrl) => {
      expect(() => handlers({ appUrl })).toThrow(expect.objectContaining({ name: 'TypeError' }));
    },
  );
});
