import {
  InvalidGrantError,
  MissingTokenError,
  OAuth2Error,
  parseScope,
  readTokenResponse,
} from 'oauth2-session';
import { describe, expect, it } from 'vitest';

const opts = { nowSeconds: 1_000_000, maxBytes: 65_536 };
const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(typeof body === 'string' ? body : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
const form = (body: string, status = 200) =>
  new Response(body, { status, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
const fail = (p: Promise<unknown>) =>
  p.then(
    () => expect.unreachable('should reject'),
    (e: unknown) => e as OAuth2Error,
  );

describe('readTokenResponse', () => {
  it('reads a JSON token; expires_in becomes expires_at (epoch seconds)', async () => {
    const t = await readTokenResponse(
      json({ access_token: 'a', token_type: 'bearer', expires_in: 60, x: 1 }),
      opts,
    );
    expect(t).toEqual({
      access_token: 'a',
      token_type: 'bearer',
      expires_in: 60,
      expires_at: 1_000_060,
      x: 1,
    });
  });

  it('reads a form-encoded token (GitHub) with a numeric-string expires_in and comma scopes', async () => {
    const t = await readTokenResponse(
      form('access_token=gho_x&scope=repo%2Cgist&token_type=bearer&expires_in=28800'),
      opts,
    );
    expect(t.scope).toEqual(['repo', 'gist']);
    expect(t.expires_in).toBe(28800);
    expect(t.expires_at).toBe(1_028_800);
  });

  it('splits space-separated scopes and assumes the requested scope when none is answered', async () => {
    expect(
      (await readTokenResponse(json({ access_token: 'a', scope: 'a b' }), opts)).scope,
    ).toEqual(['a', 'b']);
    const t = await readTokenResponse(json({ access_token: 'a' }), {
      ...opts,
      requestedScope: ['x'],
    });
    expect(t.scope).toEqual(['x']);
    expect(t.token_type).toBe('Bearer');
  });

  it('treats an error field as an error whatever the status (GitHub answers 200)', async () => {
    const e = await fail(
      readTokenResponse(json({ error: 'invalid_grant', error_description: 'spent' }), opts),
    );
    expect(e).toBeInstanceOf(InvalidGrantError);
    expect(e.code).toBe('OAUTH_INVALID_GRANT');
    expect(e.status).toBe(200);
    expect(e.errorDescription).toBe('spent');
    const g = await fail(
      readTokenResponse(form('error=bad_verification_code&error_description=x'), opts),
    );
    expect(g.constructor).toBe(OAuth2Error);
    expect(g.error).toBe('bad_verification_code');
    expect(g.code).toBe('OAUTH_RESPONSE_ERROR');
  });

  it('non-2xx without an OAuth body: OAUTH_HTTP_ERROR with status and a redacted excerpt', async () => {
    const body =
      '<html>upstream failed access_token=short1 for Bearer eyJhbGciOiJIUzI1NiJ9abcdefgh</html>';
    const e = await fail(
      readTokenResponse(
        new Response(body, { status: 502, headers: { 'content-type': 'text/html' } }),
        opts,
      ),
    );
    expect(e.code).toBe('OAUTH_HTTP_ERROR');
    expect(e.status).toBe(502);
    expect(e.message).toBe('token endpoint answered 502');
    expect(e.excerpt).toContain('upstream failed');
    expect(e.excerpt).not.toContain('short1');
    expect(e.excerpt).not.toContain('eyJhbGciOiJIUzI1NiJ9abcdefgh');
    expect(e).not.toBeInstanceOf(MissingTokenError);
  });

  it('missing access_token: MissingTokenError', async () => {
    const e = await fail(readTokenResponse(json({ token_type: 'bearer' }), opts));
    expect(e).toBeInstanceOf(MissingTokenError);
    expect(e.code).toBe('OAUTH_MISSING_TOKEN');
  });

  it('invalid JSON on 200: OAUTH_INVALID_RESPONSE', async () => {
    const e = await fail(readTokenResponse(json('{"access_token":'), opts));
    expect(e.code).toBe('OAUTH_INVALID_RESPONSE');
  });

  it('non-numeric expires_in is refused (typed), not ignored', async () => {
    for (const expires_in of ['soon', '', -5, true, '1e3']) {
      const e = await fail(readTokenResponse(json({ access_token: 'a', expires_in }), opts));
      expect(e.code).toBe('OAUTH_INVALID_RESPONSE');
      expect(e.message).toBe('invalid expires_in');
    }
  });

  it('refuses an access_token that cannot go in a header, without echoing it', async () => {
    const e = await fail(readTokenResponse(json({ access_token: 'abc\ndef' }), opts));
    expect(e.message).toBe('invalid access_token');
  });

  it('refuses a body larger than maxBytes', async () => {
    const big = JSON.stringify({ access_token: 'a', pad: 'x'.repeat(2000) });
    const e = await fail(readTokenResponse(json(big), { ...opts, maxBytes: 1000 }));
    expect(e.code).toBe('OAUTH_RESPONSE_TOO_LARGE');
    const stream = new ReadableStream({
      pull(c) {
        c.enqueue(new Uint8Array(512).fill(32));
      },
    });
    const e2 = await fail(readTokenResponse(new Response(stream), { ...opts, maxBytes: 4096 }));
    expect(e2.code).toBe('OAUTH_RESPONSE_TOO_LARGE');
  });

  it('refuses a redirect from the token endpoint', async () => {
    const e = await fail(
      readTokenResponse(
        new Response(null, { status: 302, headers: { location: 'https://evil/' } }),
        opts,
      ),
    );
    expect(e.code).toBe('OAUTH_UNEXPECTED_REDIRECT');
    expect(e.status).toBe(302);
  });

  it('keeps the raw Response non-enumerable', async () => {
    const e = await fail(readTokenResponse(json({ error: 'invalid_client' }, 401), opts));
    expect(e.response).toBeInstanceOf(Response);
    expect(Object.keys(e)).not.toContain('response');
    expect(JSON.stringify(e)).not.toContain('Response');
  });
});

describe('parseScope', () => {
  it('splits on spaces and commas, drops empties', () => {
    expect(parseScope('a, b  c,')).toEqual(['a', 'b', 'c']);
    expect(parseScope(undefined)).toEqual([]);
    expect(parseScope(['x'])).toEqual(['x']);
  });
});
