/** Every page the handlers answer forbids framing (clickjacking), from one place. */
import {
  createOAuthHandlers,
  FRAMING_HEADERS,
  htmlResponse,
  type OAuthHandlers,
  setField,
} from 'oauth2-session/web';
import { describe, expect, it } from 'vitest';

const APP = 'http://127.0.0.1:5995';

function handlers(): OAuthHandlers {
  return createOAuthHandlers({
    clientId: 'app',
    server: {
      authorization_endpoint: 'https://op.example/authorize',
      token_endpoint: 'https://op.example/token',
    },
    session: { secrets: 'framing-secret-0123456789-abcdefghijklmnop' },
  });
}

function expectNoFraming(response: Response) {
  expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  expect(response.headers.get('x-frame-options')).toBe('DENY');
}

async function loggedIn(auth: OAuthHandlers): Promise<string> {
  const session = await auth.sessions.load(new Request(APP));
  setField(session, 'token', { access_token: 'at-framing', token_type: 'Bearer' });
  return (await auth.sessions.commit(session)).map((c) => c.split(';')[0]).join('; ');
}

describe('createOAuthHandlers framing', () => {
  it('createOAuthHandlers callback: the error page forbids framing and keeps default-src none', async () => {
    const page = await handlers().callback(new Request(`${APP}/callback?state=x&code=y`));
    expect(page.status).toBe(400);
    expectNoFraming(page);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('createOAuthHandlers withClient: a route’s page gets the headers; its own CSP is kept', async () => {
    const auth = handlers();
    const cookie = await loggedIn(auth);
    const request = () => new Request(`${APP}/page`, { headers: { cookie } });
    expectNoFraming(await auth.withClient(request(), async () => new Response('<p>hi</p>')));
    const own = await auth.withClient(
      request(),
      async () =>
        new Response('x', { headers: { 'content-security-policy': "frame-ancestors 'self'" } }),
    );
    expect(own.headers.get('content-security-policy')).toBe("frame-ancestors 'self'");
    expect(own.headers.get('x-frame-options')).toBe('DENY');
  });

  it('createOAuthHandlers withClient: the 401 JSON answer and redirects', async () => {
    const auth = handlers();
    const json = await auth.withClient(
      new Request(`${APP}/api`, { headers: { accept: 'application/json' } }),
      async () => new Response(),
    );
    expect(json.status).toBe(401);
    expectNoFraming(json);
    const login = await auth.login(new Request(`${APP}/login`));
    expect(login.status).toBe(302); // a redirect has no content to frame: may skip them
  });

  it('htmlResponse: uncacheable, not framable, nosniff; FRAMING_HEADERS is the one source', async () => {
    const page = htmlResponse(200, '<p>ok</p>', ['a=b; Path=/']);
    expectNoFraming(page);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.getSetCookie()).toEqual(['a=b; Path=/']);
    expect(FRAMING_HEADERS).toEqual({
      'content-security-policy': "frame-ancestors 'none'",
      'x-frame-options': 'DENY',
    });
  });
});
