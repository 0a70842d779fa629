/**
 * A hostile provider API behind `/profile` (memory and time exhaustion; RFC 9700 section 4.12 on
 * resource requests' redirects). The example app's user endpoint (`OAUTH_USER_URL`) is a
 * hostile loopback server; each answer must end in a short 502 or 504 JSON error, never the
 * partial body, within a bounded time, with the upstream connection closed after, the session
 * kept, nothing secret in the logs, and the app still serving the next request. A visitor who
 * goes away mid-answer frees the upstream connection at once.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PROFILE_MAX_BYTES, PROFILE_TIMEOUT_MS } from '../../examples/github/routes.js';
import {
  drip,
  gzipBomb,
  gzipped,
  type HostileApi,
  huge,
  json,
  redirect,
  startHostileApi,
} from '../harness/hostile-api.js';
import {
  Browser,
  isSessionCookie,
  login,
  MATRIX,
  parseSetCookie,
  startTarget,
  type Target,
} from './oracle.js';

/** What a well-behaved user API answers; `/profile` must pass it through byte for byte. */
const USER_JSON = '{"login":"octocat",  "id":1, "name":"Mona Lisa Octocat \u2713"}\n';
const MiB = 1024 * 1024;

/** How long an answer may take beyond the route's own deadline (scheduling on a busy machine). */
const SLACK_MS = 4000;

let bomb: Buffer;
beforeAll(async () => {
  bomb = await gzipBomb(512 * MiB);
});

/** Waits for `promise`, failing after `ms` with `what`. */
async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

describe.each(MATRIX)('$name, hostile user API', (options) => {
  let api: HostileApi;
  let other: HostileApi;
  let target: Target;
  let browser: Browser;

  beforeAll(async () => {
    api = await startHostileApi();
    other = await startHostileApi();
    target = await startTarget({ ...options, env: { OAUTH_USER_URL: `${api.url}/user` } });
    browser = new Browser(target);
    await login(browser);
  });
  afterAll(async () => {
    await target?.close();
    await api?.close();
    await other?.close();
  });

  const profile = (init: RequestInit = {}) =>
    browser.request('/profile', { ...init, headers: { accept: 'application/json' } });

  /** The last request the hostile API got at `/user`. */
  function lastUserRequest() {
    const request = api.requests.filter((r) => r.path === '/user').at(-1);
    expect(request, 'the app asked the user API').toBeDefined();
    return request!;
  }

  /**
   * The oracle of this file: `/profile` against the current answer is a short JSON error with
   * `status`, within `ms`; the connection that carried the answer is closed; the session is
   * kept (no session cookie deleted); no secret is in the logs; the app serves the next request.
   */
  async function expectUpstreamRefused(status: 502 | 504, ms: number) {
    const requestsBefore = api.requests.length;
    const started = Date.now();
    const response = await within(ms, '/profile answer', profile());
    const body = await response.text();
    const elapsed = Date.now() - started;
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(body.length, 'a short error, not the upstream body').toBeLessThan(100);
    expect(JSON.parse(body)).toEqual({ error: expect.stringMatching(/^upstream_/) });
    expect(body).not.toContain('login');
    expect(api.requests.length - requestsBefore, 'one user API request, no retry').toBe(1);
    const { connection } = lastUserRequest();
    await within(2000, 'upstream connection closed', api.closed(connection));
    for (const line of response.headers.getSetCookie()) {
      const cookie = parseSetCookie(line);
      if (isSessionCookie(cookie.name)) expect(cookie.deletes, 'session ended').toBe(false);
    }
    target.secrets.expectNoneIn(target.logs.text());
    await expectServesUser();
    return { elapsed, body };
  }

  /** A well-behaved answer is passed through exactly as the seed did (status, bytes, type). */
  async function expectServesUser() {
    api.route('/user', json(USER_JSON));
    const response = await profile();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(Buffer.from(await response.arrayBuffer())).toEqual(Buffer.from(USER_JSON));
  }

  test("the seed's answer is kept: a normal user JSON is passed through unchanged (200, the same bytes, the same type)", async () => {
    await expectServesUser();
    expect(lastUserRequest().credentials, 'the token is sent to the user API').toBe(true);
  });

  test('regression: /profile read the user answer without bounds; a gzip bomb (0.5 MB inflating to 512 MiB) is a 502, read no further than the limit', async () => {
    expect(bomb.length).toBeLessThan(MiB);
    api.route('/user', gzipped(bomb));
    const { body } = await expectUpstreamRefused(502, 10_000);
    expect(JSON.parse(body)).toEqual({ error: 'upstream_response_too_large' });
  });

  test('regression: /profile read the user answer without bounds; a huge plain body (200 MB, no length declared) is a 502, the sender cut off near the limit', async () => {
    api.route('/user', huge(200 * 1000 * 1000));
    const sentBefore = api.bytesSent;
    const { body } = await expectUpstreamRefused(502, 10_000);
    expect(JSON.parse(body)).toEqual({ error: 'upstream_response_too_large' });
    // What the app took before closing: the limit plus socket buffers, not 200 MB.
    expect(api.bytesSent - sentBefore - USER_JSON.length).toBeLessThan(
      PROFILE_MAX_BYTES + 16 * MiB,
    );
  });

  test('a huge body that declares its length is a 502 before its body is read', async () => {
    api.route('/user', huge(200 * 1000 * 1000, true));
    const { body } = await expectUpstreamRefused(502, 10_000);
    expect(JSON.parse(body)).toEqual({ error: 'upstream_response_too_large' });
  });

  test(
    'regression: a dripping user answer held /profile and the upstream connection open indefinitely; it is now a 504 at the deadline, the upstream connection closed',
    async () => {
      api.route('/user', drip(100));
      const { elapsed } = await expectUpstreamRefused(504, PROFILE_TIMEOUT_MS + SLACK_MS);
      expect(elapsed).toBeGreaterThanOrEqual(PROFILE_TIMEOUT_MS - 50);
    },
    PROFILE_TIMEOUT_MS + 15_000,
  );

  for (const status of [302, 307]) {
    test(`a ${status} to another origin is followed without the token (RFC 9700 section 4.12)`, async () => {
      other.route('/user', json(USER_JSON));
      api.route('/user', redirect(status, `${other.url}/user`));
      const before = other.requests.length;
      const response = await profile();
      await response.body?.cancel();
      expect(response.status).toBe(200);
      const followed = other.requests.slice(before);
      expect(followed.map((r) => [r.method, r.path])).toEqual([['GET', '/user']]);
      expect(followed[0]!.credentials, 'no credential crosses to another origin').toBe(false);
      target.secrets.expectNoneIn(target.logs.text());
    });
  }
});

// Both adapters hand the handlers a request whose signal aborts when the visitor goes away.
describe.each(MATRIX)('$name, caller abort', (options) => {
  let api: HostileApi;
  let target: Target;

  beforeAll(async () => {
    api = await startHostileApi();
    target = await startTarget({ ...options, env: { OAUTH_USER_URL: `${api.url}/user` } });
  });
  afterAll(async () => {
    await target?.close();
    await api?.close();
  });

  test('regression: a caller abort after the headers arrived did not stop the read (session.get()); a visitor leaving a dripping /user read frees the upstream connection', async () => {
    const browser = new Browser(target);
    await login(browser);
    api.route('/user', drip(100));
    const visitor = new AbortController();
    const pending = browser
      .request('/profile', { signal: visitor.signal, headers: { accept: 'application/json' } })
      .catch((error: unknown) => error);
    // The upstream answer has begun: headers sent, bytes dripping.
    await within(
      5000,
      'the user API asked',
      (async () => {
        while (!api.requests.some((r) => r.path === '/user'))
          await new Promise((r) => setTimeout(r, 20));
      })(),
    );
    const { connection } = api.requests.find((r) => r.path === '/user')!;
    await new Promise((r) => setTimeout(r, 500));
    expect(api.connections.open.has(connection), 'still reading the drip').toBe(true);
    const aborted = Date.now();
    visitor.abort();
    expect(await pending).toMatchObject({ name: 'AbortError' });
    // Well before the route's own deadline: the abort itself freed it.
    await within(PROFILE_TIMEOUT_MS / 4, 'upstream connection closed', api.closed(connection));
    expect(Date.now() - aborted).toBeLessThan(PROFILE_TIMEOUT_MS / 4);
    target.secrets.expectNoneIn(target.logs.text());
  });
});
