/**
 * The rules of the endpoint pipeline (`endpoint.ts`) on canned values: what a request is made
 * of, which answers are redirects (refused before their body is read), and the error rules of an
 * answer at their edges, each with its exact code and message.
 */
import {
  checkAnswer,
  endpointInit,
  endpointRequest,
  InvalidGrantError,
  OAuth2Error,
  OAuth2Session,
  readAnswer,
  readEndpointAnswer,
} from 'oauth2-session';
import { describe, expect, it } from 'vitest';

const URL_ = new URL('https://as.example/token');
const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.unreachable('should reject'),
    (error: unknown) => error,
  );
const caught = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return expect.unreachable('should throw');
};

describe('endpointRequest and endpointInit', () => {
  it('endpointRequest: a POST of the parameters as a form, undefined ones left out, JSON accepted', () => {
    const request = endpointRequest(
      'token',
      URL_,
      { grant_type: 'refresh_token', scope: undefined, refresh_token: 'r t' },
      { accept: 'text/html', 'x-extra': '1' },
    );
    expect(request.method).toBe('POST');
    expect(request.endpoint).toBe('token');
    expect([...request.body]).toEqual([
      ['grant_type', 'refresh_token'],
      ['refresh_token', 'r t'],
    ]);
    expect(request.headers.get('accept')).toBe('application/json');
    expect(request.headers.get('content-type')).toBe(
      'application/x-www-form-urlencoded;charset=UTF-8',
    );
    expect(request.headers.get('x-extra')).toBe('1');
  });

  it('endpointInit: the form as the body, or the JSON body with its content type when set', () => {
    const form = endpointRequest('token', URL_, { a: '1', b: 'x y' });
    expect(endpointInit(form)).toMatchObject({ method: 'POST', body: 'a=1&b=x+y' });
    const withJson = { ...endpointRequest('token', URL_, { a: '1' }), json: { q: [1] } };
    const init = endpointInit(withJson);
    expect(init.body).toBe('{"q":[1]}');
    expect(init.headers.get('content-type')).toBe('application/json');
    expect(endpointInit({ ...form, json: null }).body).toBe('null');
  });
});

describe('readAnswer: redirects', () => {
  it('readAnswer: every 3xx answer is OAUTH_UNEXPECTED_REDIRECT naming the endpoint, with its status', async () => {
    for (const status of [300, 301, 302, 307, 308, 399]) {
      const e = await rejection(readAnswer(new Response(null, { status }), 'token', 1000));
      expect(e).toBeInstanceOf(OAuth2Error);
      expect(e).toMatchObject({
        code: 'OAUTH_UNEXPECTED_REDIRECT',
        message: 'token endpoint answered a redirect',
        status,
      });
    }
  });

  it('readAnswer: 299 and 400 are no redirects: their body is read', async () => {
    for (const status of [299, 400]) {
      const read = await readAnswer(json({ a: 1 }, status), 'revocation', 1000);
      expect(read).toEqual({ text: '{"a":1}', fields: { a: 1 } });
    }
  });

  it("readAnswer: an opaque redirect (a browser's redirect: 'manual') is refused too", async () => {
    const opaque = new Response(null, { status: 200 });
    Object.defineProperty(opaque, 'type', { value: 'opaqueredirect' });
    await expect(readAnswer(opaque, 'token', 1000)).rejects.toMatchObject({
      code: 'OAUTH_UNEXPECTED_REDIRECT',
    });
  });

  it('readAnswer: the body of a redirect is cancelled, never read', async () => {
    let pulled = false;
    let cancelled = false;
    const body = new ReadableStream(
      {
        pull() {
          pulled = true;
        },
        cancel() {
          cancelled = true;
        },
      },
      { highWaterMark: 0 },
    );
    await expect(
      readAnswer(new Response(body, { status: 302 }), 'token', 1000),
    ).rejects.toMatchObject({ code: 'OAUTH_UNEXPECTED_REDIRECT' });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(cancelled).toBe(true);
    expect(pulled).toBe(false);
  });
});

describe('checkAnswer', () => {
  const check = (fields: Record<string, unknown> | undefined, status: number, text = '') =>
    caught(() => checkAnswer('token', { fields, text }, new Response(null, { status })));

  it('checkAnswer: an error field is its typed error whatever the status, named after the endpoint', () => {
    for (const status of [200, 400]) {
      const e = check({ error: 'invalid_grant', error_description: 'spent' }, status);
      expect(e).toBeInstanceOf(InvalidGrantError);
      expect(e).toMatchObject({
        message: 'token request failed: invalid_grant',
        status,
        errorDescription: 'spent',
      });
    }
  });

  it('checkAnswer: an error field that is not a string is OAUTH_INVALID_RESPONSE, even with 200', () => {
    for (const error of [5, { code: 'x' }, ['invalid_grant'], false, 0]) {
      const e = check({ error }, 200);
      expect(e).toBeInstanceOf(OAuth2Error);
      expect(e).toMatchObject({
        code: 'OAUTH_INVALID_RESPONSE',
        message: 'token response has a malformed error',
        status: 200,
      });
    }
  });

  it('checkAnswer: an error field that is null counts as absent', () => {
    expect(() =>
      checkAnswer('token', { fields: { error: null }, text: '' }, json({})),
    ).not.toThrow();
    expect(check({ error: null }, 500)).toMatchObject({ code: 'OAUTH_HTTP_ERROR', status: 500 });
  });

  it('checkAnswer: a non-2xx answer without an error is OAUTH_HTTP_ERROR with the status and a redacted excerpt', () => {
    const e = check(undefined, 503, 'upstream   down access_token=abc123secret');
    expect(e).toMatchObject({
      code: 'OAUTH_HTTP_ERROR',
      message: 'token endpoint answered 503',
      status: 503,
    });
    expect((e as OAuth2Error).excerpt).toContain('upstream down');
    expect((e as OAuth2Error).excerpt).not.toContain('abc123secret');
    expect(check({ a: 1 }, 404)).toMatchObject({ code: 'OAUTH_HTTP_ERROR', status: 404 });
  });

  it('checkAnswer: a 2xx answer without an error passes, fields or not', () => {
    for (const fields of [undefined, { access_token: 'a' }])
      expect(() =>
        checkAnswer('token', { fields, text: '' }, new Response(null, { status: 201 })),
      ).not.toThrow();
  });

  it('readEndpointAnswer: reads then checks, answering the fields', async () => {
    await expect(readEndpointAnswer(json({ a: 1 }), 'token', 1000)).resolves.toEqual({ a: 1 });
    await expect(
      readEndpointAnswer(json({ error: 'invalid_grant' }), 'token', 1000),
    ).rejects.toBeInstanceOf(InvalidGrantError);
  });
});

describe('OAuth2Session token calls: the pipeline around a request', () => {
  const TOKEN_URL = 'https://as.example/token';
  const codeVerifier = 'v'.repeat(43);
  const recording = () => {
    const sent: { url: string; auth: string | null; body: string }[] = [];
    const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      sent.push({
        url: String(input),
        auth: new Headers(init?.headers).get('authorization'),
        body: String(init?.body),
      });
      return json({ access_token: `t-${sent.length}`, token_type: 'Bearer' });
    };
    return { sent, fetch };
  };

  it('fetchToken: a client secret given to a later call authenticates that call and the ones after it', async () => {
    const { sent, fetch } = recording();
    const session = new OAuth2Session({ clientId: 'c', codeVerifier, fetch });
    await session.fetchToken(TOKEN_URL, { code: 'one' });
    await session.fetchToken(TOKEN_URL, { code: 'two', clientSecret: 's' });
    await session.fetchToken(TOKEN_URL, { code: 'three' });
    expect(sent.map((r) => r.auth)).toEqual([null, `Basic ${btoa('c:s')}`, `Basic ${btoa('c:s')}`]);
    expect(new URLSearchParams(sent[0]!.body).get('client_id')).toBe('c');
  });

  it('fetchToken: a token.request hook that sends the request to plain http is refused, naming the token url', async () => {
    const { sent, fetch } = recording();
    const session = new OAuth2Session({
      clientId: 'c',
      codeVerifier,
      fetch,
      allowInsecureTransport: false,
      hooks: {
        'token.request': [(parts) => ({ ...parts, url: new URL('http://as.example/token') })],
      },
    });
    await expect(session.fetchToken(TOKEN_URL, { code: 'x' })).rejects.toMatchObject({
      code: 'OAUTH_INSECURE_TRANSPORT',
      message: 'token url must use https: (or a loopback host)',
    });
    expect(sent).toEqual([]);
  });

  it('fetchToken: token.parsed hooks are not called for an answer that is neither JSON nor a form', async () => {
    const parsed: unknown[] = [];
    const session = new OAuth2Session({
      clientId: 'c',
      codeVerifier,
      fetch: async () => new Response('<html>down</html>', { status: 502 }),
      hooks: {
        'token.parsed': [
          (fields) => {
            parsed.push(fields);
            return fields;
          },
        ],
      },
    });
    await expect(session.fetchToken(TOKEN_URL, { code: 'x' })).rejects.toMatchObject({
      code: 'OAUTH_HTTP_ERROR',
      status: 502,
    });
    expect(parsed).toEqual([]);
  });
});
