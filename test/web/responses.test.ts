/**
 * The answer's last edits: anti-framing headers added where a route left them out, and the
 * session's `Set-Cookie` values added, whatever kind of Response the route gave back.
 */
import { describe, expect, it } from 'vitest';
import { FRAMING_HEADERS, withFramingDenied, withSetCookies } from '../../src/web/responses.js';

/** A Response whose headers are immutable, as a fetched one's are (a data: URL, no network). */
const fetched = () => fetch('data:application/json,{"login":"octocat"}');

describe('withFramingDenied', () => {
  it('adds the missing headers to a Response the route built, in place', async () => {
    const built = new Response('{"a":1}', { headers: { 'content-type': 'application/json' } });
    const answer = withFramingDenied(built);
    expect(answer).toBe(built);
    for (const [name, value] of Object.entries(FRAMING_HEADERS))
      expect(answer.headers.get(name)).toBe(value);
    expect(await answer.text()).toBe('{"a":1}');
  });

  it("keeps a route's own Content-Security-Policy as written", () => {
    const own = "default-src 'self'; frame-ancestors 'self'";
    const answer = withFramingDenied(
      new Response('x', { headers: { 'content-security-policy': own } }),
    );
    expect(answer.headers.get('content-security-policy')).toBe(own);
    expect(answer.headers.get('x-frame-options')).toBe(FRAMING_HEADERS['x-frame-options']);
  });

  it('answers a copy, body and status kept, when the headers are immutable (a fetched Response)', async () => {
    const upstream = await fetched();
    expect(() => upstream.headers.set('x-probe', '1')).toThrow(TypeError);
    const answer = withFramingDenied(upstream);
    expect(answer).not.toBe(upstream);
    expect(answer.status).toBe(200);
    for (const [name, value] of Object.entries(FRAMING_HEADERS))
      expect(answer.headers.get(name)).toBe(value);
    expect(await answer.json()).toEqual({ login: 'octocat' });
  });

  it('leaves redirects as they are', () => {
    const redirect = new Response(null, { status: 302, headers: { location: '/' } });
    const answer = withFramingDenied(redirect);
    expect(answer).toBe(redirect);
    for (const name of Object.keys(FRAMING_HEADERS)) expect(answer.headers.has(name)).toBe(false);
  });
});

describe('withSetCookies', () => {
  it("never writes a visitor's cookie into the route's Response (one a route hands to everyone stays clean)", () => {
    const shared = new Response(null, { status: 204 });
    const first = withSetCookies(shared, ['oauth2_session=alice; Path=/; HttpOnly']);
    const second = withSetCookies(shared, ['oauth2_session=bob; Path=/; HttpOnly']);
    expect(shared.headers.getSetCookie()).toEqual([]);
    expect(first.headers.getSetCookie()).toEqual(['oauth2_session=alice; Path=/; HttpOnly']);
    expect(second.headers.getSetCookie()).toEqual(['oauth2_session=bob; Path=/; HttpOnly']);
  });

  it('adds every cookie apart to a fetched Response, and framing headers after it in place', async () => {
    const answer = withFramingDenied(withSetCookies(await fetched(), ['a=1', 'b=2']));
    expect(answer.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(answer.headers.get('x-frame-options')).toBe(FRAMING_HEADERS['x-frame-options']);
    expect(await answer.json()).toEqual({ login: 'octocat' });
  });

  it('answers the Response itself when there is nothing to add', () => {
    const built = new Response('x');
    expect(withSetCookies(built, [])).toBe(built);
  });
});
