/**
 * Logout ends the grant: the refresh token is revoked first (RFC 7009 section 2.1), then the
 * access token; each answer is checked, and a failure is one log line through the `logger`
 * option (default console.warn) naming the code and the host, never a token.
 */
import type { Token } from 'oauth2-session';
import type { OAuthHandlersOptions } from 'oauth2-session/web';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loggedInJar, offlineHandlers, recordingFetch } from './helpers/logged-in.js';

const SECRET = 'logout-order-secret-0123456789-abcdefghij';
const APP = 'https://app.example';
const token: Token = {
  access_token: 'at-secret-value-0123456789',
  refresh_token: 'rt-secret-value-0123456789',
  token_type: 'Bearer',
};

type Answer = (hint: string | null) => Response;
const ok: Answer = () => new Response(null, { status: 200 });
const oauthError = (status: number, error: string) =>
  Response.json(
    { error, error_description: 'token rt-secret-value-0123456789 is bad' },
    { status },
  );

function setup(answer: Answer, extra: Partial<OAuthHandlersOptions> = {}) {
  const recorded = recordingFetch((_url, init) =>
    answer(new URLSearchParams(String(init.body)).get('token_type_hint')),
  );
  const lines: { fields: Record<string, unknown>; message: string }[] = [];
  const handlers = offlineHandlers(recorded.fetch, {
    appUrl: APP,
    session: { secrets: SECRET },
    logger: { warn: (fields, message) => void lines.push({ fields, message }) },
    ...extra,
  });
  const hints = () => recorded.calls.map((c) => new URLSearchParams(c.body).get('token_type_hint'));
  return { handlers, hints, lines };
}

async function logOut(handlers: ReturnType<typeof setup>['handlers'], held: Token = token) {
  const jar = await loggedInJar(handlers, held);
  return handlers.logout(new Request(`${APP}/logout`, { headers: { cookie: jar.header() } }));
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('createOAuthHandlers logout: revocation of the grant', () => {
  it('createOAuthHandlers logout: revokes the refresh token first, then the access token', async () => {
    const { handlers, hints, lines } = setup(ok);
    expect((await logOut(handlers)).status).toBe(302);
    expect(hints()).toEqual(['refresh_token', 'access_token']);
    expect(lines).toEqual([]);
  });

  it('createOAuthHandlers logout: without a refresh token, the access token alone', async () => {
    const { handlers, hints } = setup(ok);
    await logOut(handlers, { access_token: 'at-only-0123456789', token_type: 'Bearer' });
    expect(hints()).toEqual(['access_token']);
  });

  it('createOAuthHandlers logout: a refused revocation is one log line with the code and the host, no token; the session still ends', async () => {
    const { handlers, lines } = setup((hint) =>
      hint === 'refresh_token' ? oauthError(401, 'invalid_client') : new Response(null),
    );
    const response = await logOut(handlers);
    expect(response.status).toBe(302);
    expect(response.headers.getSetCookie().join()).toMatch(/Max-Age=0/);
    expect(lines).toHaveLength(1);
    expect(lines[0]!.message).toContain('invalid_client');
    expect(lines[0]!.message).toContain('op.example');
    expect(lines[0]!.fields).toMatchObject({ code: 'invalid_client', host: 'op.example' });
    const text = JSON.stringify(lines);
    expect(text).not.toContain(token.access_token);
    expect(text).not.toContain(token.refresh_token);
  });

  it('createOAuthHandlers logout: a non-2xx answer without an OAuth error body is logged by its code', async () => {
    const { handlers, lines } = setup(() => new Response('<h1>down</h1>', { status: 503 }));
    await logOut(handlers);
    expect(lines).toHaveLength(2);
    expect(lines[0]!.fields['code']).toMatch(/^OAUTH_/);
  });

  it('createOAuthHandlers logout: unsupported_token_type for the access token after the refresh token was revoked is not a failure', async () => {
    const { handlers, hints, lines } = setup((hint) =>
      hint === 'access_token' ? oauthError(400, 'unsupported_token_type') : new Response(null),
    );
    await logOut(handlers);
    expect(hints()).toEqual(['refresh_token', 'access_token']);
    expect(lines).toEqual([]);
  });

  it('createOAuthHandlers logout: without a logger option the line goes to console.warn, plain', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { handlers } = setup(() => oauthError(400, 'invalid_request'), { logger: undefined });
    await logOut(handlers, { access_token: 'at-only-0123456789', token_type: 'Bearer' });
    expect(warn).toHaveBeenCalledTimes(1);
    const [message, ...rest] = warn.mock.calls[0]!;
    expect(rest).toEqual([]);
    expect(message).toBe(
      'logout: revoking the access_token at op.example failed (invalid_request); the session ended anyway',
    );
  });

  it('createOAuthHandlers logout: an unreachable revocation endpoint is logged by its code and the host', async () => {
    const { handlers, lines } = setup(() => {
      throw new TypeError('fetch failed');
    });
    expect((await logOut(handlers)).status).toBe(302);
    expect(lines.map((l) => l.fields['code'])).toEqual([
      'OAUTH_NETWORK_ERROR',
      'OAUTH_NETWORK_ERROR',
    ]);
  });
});
