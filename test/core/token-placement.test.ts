/**
 * Token placement (RFC 6750 section 2): the header by default (`bearer`), the form body
 * (`bearerInBody`, section 2.2) or the query (`bearerInQuery`, section 2.3) only when chosen;
 * neither follows a redirect to another origin with the token.
 */
import {
  bearer,
  bearerInBody,
  bearerInQuery,
  OAuth2Session,
  type OAuth2SessionOptions,
} from 'oauth2-session';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Recorded, startServer, type TestServer } from './helpers/server.js';

let api: TestServer;
let other: TestServer;
const queries: string[] = [];
const echo = (req: Recorded) => ({
  body: {
    auth: req.headers.authorization ?? null,
    cache: req.headers['cache-control'] ?? null,
    form: req.body,
    type: req.headers['content-type'] ?? null,
  },
});
beforeEach(async () => {
  queries.length = 0;
  other = await startServer(echo);
  api = await startServer((req) => {
    if (req.path === '/away')
      return { status: 307, headers: { location: `${other.url}/landed?x=1` } };
    if (req.path === '/away-get')
      return { status: 302, headers: { location: `${other.url}/landed?x=1` } };
    return echo(req);
  });
});
afterEach(async () => {
  await api.close();
  await other.close();
});

const token = { access_token: 'tok-1', token_type: 'Bearer' };
const session = (extra: Partial<OAuth2SessionOptions> = {}) =>
  new OAuth2Session({ clientId: 'c', token, fetch: recording, ...extra });
const recording = (input: RequestInfo | URL, init?: RequestInit) => {
  queries.push(String(input));
  return fetch(input, init);
};

describe('token placement: bearer (header, the default)', () => {
  it('bearer is the default: the header, nothing in the query or body', async () => {
    const body = await (await session().post(`${api.url}/r`, { body: 'a=1' })).json();
    expect(body.auth).toBe('Bearer tok-1');
    expect(body.form).toBe('a=1');
    expect(queries[0]).not.toContain('access_token');
    expect(session({ tokenAttachment: bearer }).accessToken).toBe('tok-1');
  });
});

describe('token placement: bearerInBody', () => {
  it('bearerInBody puts access_token in a form body, keeping its fields, and no header', async () => {
    const s = session({ tokenAttachment: bearerInBody });
    const form = new URLSearchParams({ q: 'x y' });
    const body = await (await s.post(`${api.url}/r`, { body: form })).json();
    expect(body.auth).toBeNull();
    expect(body.type).toMatch(/^application\/x-www-form-urlencoded/);
    expect(Object.fromEntries(new URLSearchParams(body.form))).toEqual({
      q: 'x y',
      access_token: 'tok-1',
    });
    expect(form.has('access_token')).toBe(false);
    const text = await (
      await s.put(`${api.url}/r`, {
        body: 'a=1',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      })
    ).json();
    expect(text.form).toBe('a=1&access_token=tok-1');
  });

  it('bearerInBody refuses a GET, a non-form body or no body, before any request', async () => {
    const s = session({ tokenAttachment: bearerInBody });
    const refused = expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' });
    await expect(s.get(`${api.url}/r`)).rejects.toEqual(refused);
    await expect(s.post(`${api.url}/r`)).rejects.toEqual(refused);
    await expect(s.post(`${api.url}/r`, { body: '{"a":1}' })).rejects.toEqual(refused);
    await expect(
      s.post(`${api.url}/r`, {
        body: '{}',
        headers: { 'content-type': 'application/json' },
      }),
    ).rejects.toEqual(refused);
    expect(api.count()).toBe(0);
  });

  it('bearerInBody: a redirect to another origin with the body is refused, the token not sent there', async () => {
    const s = session({ tokenAttachment: bearerInBody });
    await expect(
      s.post(`${api.url}/away`, { body: new URLSearchParams({ a: '1' }) }),
    ).rejects.toMatchObject({ code: 'OAUTH_UNEXPECTED_REDIRECT' });
    expect(other.count()).toBe(0);
    // A 302 after a POST becomes a GET without the body: the other origin gets no token.
    const body = await (
      await s.post(`${api.url}/away-get`, { body: new URLSearchParams({ a: '1' }) })
    ).json();
    expect(body.form).toBe('');
    expect(other.requests[0]!.method).toBe('GET');
  });
});

describe('token placement: bearerInQuery', () => {
  it('bearerInQuery sets access_token in the query with Cache-Control: no-store, and no header', async () => {
    const s = session({ tokenAttachment: bearerInQuery });
    const body = await (await s.get(`${api.url}/r?a=1&access_token=stale`)).json();
    expect(body.auth).toBeNull();
    expect(body.cache).toBe('no-store');
    const sent = new URL(queries[0]!);
    expect(sent.searchParams.get('a')).toBe('1');
    expect(sent.searchParams.getAll('access_token')).toEqual(['tok-1']);
  });

  it('bearerInQuery: a redirect to another origin follows the new Location, without the parameter', async () => {
    const s = session({ tokenAttachment: bearerInQuery });
    const body = await (await s.get(`${api.url}/away-get`)).json();
    expect(body.auth).toBeNull();
    expect(queries).toHaveLength(2);
    expect(queries[0]).toContain('access_token=tok-1');
    expect(queries[1]).toBe(`${other.url}/landed?x=1`);
    expect(other.requests[0]!.headers.authorization).toBeUndefined();
  });
});
