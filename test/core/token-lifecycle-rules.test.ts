/**
 * The rules of the token's lifecycle (`token-lifecycle.ts`), through the session that owns it,
 * on a canned token endpoint and API (an injected fetch): which failures are transient, renewal
 * within the leeway and not before, a transient failure keeping a still-valid token and nothing
 * else keeping it, an expired token with no way to renew, one renewal at a time, the one renewal
 * after a rejection, the coordinator's answer, and `onToken` awaited.
 */
import {
  InvalidGrantError,
  isTransient,
  OAuth2Error,
  type OAuth2ErrorCode,
  OAuth2Session,
  type OAuth2SessionOptions,
  type Token,
  TokenExpiredError,
} from 'oauth2-session';
import { describe, expect, it } from 'vitest';

const NOW_MS = 1_700_000_000_000;
const NOW = NOW_MS / 1000;
const TOKEN_URL = 'https://as.example/token';
const API = 'https://api.example/data';

type TokenAnswer = () => Response | Promise<Response>;
const jsonResponse = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
const newToken = (n: number) =>
  jsonResponse({ access_token: `new-${n}`, token_type: 'Bearer', expires_in: 3600 });

/**
 * A session over a canned token endpoint (`answers`, one per refresh; the last repeats) and an
 * API that answers the bearer token it got, or 401 invalid_token for `rejected` tokens.
 */
function setup(
  token: Partial<Token> | undefined,
  answers: TokenAnswer[] = [() => newToken(1)],
  extra: Partial<OAuth2SessionOptions> = {},
  rejected: string[] = [],
) {
  const sent = { refreshes: 0, api: [] as string[] };
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    if (String(input) === TOKEN_URL) {
      const answer = answers[Math.min(sent.refreshes, answers.length - 1)]!;
      sent.refreshes++;
      return answer();
    }
    const auth = new Headers(init?.headers).get('authorization') ?? '';
    sent.api.push(auth);
    if (rejected.some((t) => auth === `Bearer ${t}`))
      return jsonResponse({}, 401, { 'www-authenticate': 'Bearer error="invalid_token"' });
    return jsonResponse({ auth });
  };
  const session = new OAuth2Session({
    clientId: 'client',
    clientSecret: 'secret',
    autoRefreshUrl: TOKEN_URL,
    clock: () => NOW_MS,
    fetch,
    ...(token && {
      token: { access_token: 'old', token_type: 'Bearer', refresh_token: 'rt', ...token },
    }),
    ...extra,
  });
  return { session, sent };
}

const failure = (error: string, status: number) => () => jsonResponse({ error }, status);

describe('isTransient', () => {
  const coded = (code: OAuth2ErrorCode, status?: number) =>
    new OAuth2Error('x', { code, ...(status === undefined ? {} : { status }) });

  it('isTransient: the provider or network failures are transient, each of them', () => {
    for (const code of [
      'OAUTH_SERVER_ERROR',
      'OAUTH_TEMPORARILY_UNAVAILABLE',
      'OAUTH_TIMEOUT',
      'OAUTH_COORDINATION_TIMEOUT',
      'OAUTH_NETWORK_ERROR',
    ] as OAuth2ErrorCode[])
      expect(isTransient(coded(code)), code).toBe(true);
  });

  it('isTransient: an HTTP error is transient from status 500 on, not below, nor without a status', () => {
    expect(isTransient(coded('OAUTH_HTTP_ERROR', 500))).toBe(true);
    expect(isTransient(coded('OAUTH_HTTP_ERROR', 503))).toBe(true);
    expect(isTransient(coded('OAUTH_HTTP_ERROR', 499))).toBe(false);
    expect(isTransient(coded('OAUTH_HTTP_ERROR'))).toBe(false);
  });

  it('isTransient: a refused grant, another OAuth error or an error of another kind is not', () => {
    expect(isTransient(new InvalidGrantError('x'))).toBe(false);
    expect(isTransient(coded('OAUTH_INVALID_RESPONSE', 502))).toBe(false);
    expect(isTransient(new TypeError('OAUTH_SERVER_ERROR'))).toBe(false);
    expect(isTransient(Object.assign(new Error('x'), { code: 'OAUTH_SERVER_ERROR' }))).toBe(false);
  });
});

describe('OAuth2Session.fetch: when the token is renewed', () => {
  it('fetch: without a token is ERR_NO_TOKEN, nothing sent', async () => {
    const { session, sent } = setup(undefined);
    await expect(session.get(API)).rejects.toMatchObject({
      name: 'TypeError',
      code: 'ERR_NO_TOKEN',
      message: 'session has no token',
    });
    expect(sent).toEqual({ refreshes: 0, api: [] });
  });

  it('fetch: renews a token that expires within the default leeway of 60 s, not one that expires after it', async () => {
    const within = setup({ expires_at: NOW + 60 });
    await within.session.get(API);
    expect(within.sent).toEqual({ refreshes: 1, api: ['Bearer new-1'] });
    const after = setup({ expires_at: NOW + 61 });
    await after.session.get(API);
    expect(after.sent).toEqual({ refreshes: 0, api: ['Bearer old'] });
  });

  it('fetch: expiryLeewaySeconds moves the boundary, 0 renewing only at expiry', async () => {
    const none = setup({ expires_at: NOW + 1 }, undefined, { expiryLeewaySeconds: 0 });
    await none.session.get(API);
    expect(none.sent.refreshes).toBe(0);
    const due = setup({ expires_at: NOW }, undefined, { expiryLeewaySeconds: 0 });
    await due.session.get(API);
    expect(due.sent.refreshes).toBe(1);
    const wide = setup({ expires_at: NOW + 300 }, undefined, { expiryLeewaySeconds: 300 });
    await wide.session.get(API);
    expect(wide.sent.refreshes).toBe(1);
  });

  it('fetch: the session clock decides, not the wall clock', async () => {
    const { session, sent } = setup({ expires_at: NOW + 3600 }, undefined, {
      clock: () => NOW_MS + 3600_000,
    });
    await session.get(API);
    expect(sent.refreshes).toBe(1);
  });

  it('fetch: a token without a way to renew is sent while valid, even within the leeway', async () => {
    const { session, sent } = setup({ expires_at: NOW + 30, refresh_token: undefined });
    await session.get(API);
    expect(sent).toEqual({ refreshes: 0, api: ['Bearer old'] });
  });

  it('fetch: an expired token without a way to renew is TokenExpiredError, nothing sent', async () => {
    for (const expires_at of [NOW, NOW - 1]) {
      const { session, sent } = setup({ expires_at, refresh_token: undefined });
      const e = await session.get(API).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(TokenExpiredError);
      expect(e).toMatchObject({ code: 'OAUTH_TOKEN_EXPIRED', message: 'access token expired' });
      expect(sent.api).toEqual([]);
    }
  });
});

describe('OAuth2Session.fetch: a renewal that fails', () => {
  it('fetch: a transient failure keeps a token that is still valid, and the next request tries again', async () => {
    for (const answer of [failure('server_error', 500), failure('temporarily_unavailable', 503)]) {
      const { session, sent } = setup({ expires_at: NOW + 30 }, [answer, () => newToken(2)]);
      await session.get(API);
      expect(sent).toEqual({ refreshes: 1, api: ['Bearer old'] });
      expect(session.token?.access_token).toBe('old');
      await session.get(API);
      expect(sent).toEqual({ refreshes: 2, api: ['Bearer old', 'Bearer new-2'] });
    }
  });

  it('fetch: a transient failure of a token already expired is the error', async () => {
    const { session, sent } = setup({ expires_at: NOW }, [failure('server_error', 500)]);
    await expect(session.get(API)).rejects.toMatchObject({ code: 'OAUTH_SERVER_ERROR' });
    expect(sent.api).toEqual([]);
  });

  it('fetch: a refused grant is the error even while the token is still valid', async () => {
    const { session, sent } = setup({ expires_at: NOW + 30 }, [failure('invalid_grant', 400)]);
    await expect(session.get(API)).rejects.toBeInstanceOf(InvalidGrantError);
    expect(sent.api).toEqual([]);
  });
});

describe('OAuth2Session.fetch: one renewal at a time', () => {
  it('fetch: concurrent requests with a stale token share one renewal, and all send the new token', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { session, sent } = setup({ expires_at: NOW - 1 }, [
      async () => {
        await gate;
        return newToken(1);
      },
    ]);
    const calls = [1, 2, 3].map(() => session.get(API));
    await new Promise((resolve) => setTimeout(resolve, 10));
    release();
    await Promise.all(calls);
    expect(sent).toEqual({ refreshes: 1, api: ['Bearer new-1', 'Bearer new-1', 'Bearer new-1'] });
  });

  it('fetch: a renewal after another has finished is a new one', async () => {
    const { session, sent } = setup({ expires_at: NOW - 1 }, [
      () => jsonResponse({ access_token: 'new-1', token_type: 'Bearer', expires_in: 1 }),
      () => newToken(2),
    ]);
    await session.get(API);
    await session.get(API);
    expect(sent).toEqual({ refreshes: 2, api: ['Bearer new-1', 'Bearer new-2'] });
  });

  it('fetch: after a 401 invalid_token the token is renewed once and the request sent again', async () => {
    const { session, sent } = setup({ expires_at: NOW + 3600 }, undefined, {}, ['old']);
    const response = await session.get(API);
    expect(await response.json()).toEqual({ auth: 'Bearer new-1' });
    expect(sent).toEqual({ refreshes: 1, api: ['Bearer old', 'Bearer new-1'] });
  });

  it('fetch: a 401 for a token another request has already replaced sends the current one, no renewal', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { session, sent } = setup({ expires_at: NOW + 3600 }, undefined, {
      fetch: async (input, init) => {
        const auth = new Headers(init?.headers).get('authorization');
        sent.api.push(auth ?? '');
        if (String(input) === TOKEN_URL) return newToken(9);
        if (auth === 'Bearer old') {
          await held;
          return jsonResponse({}, 401, { 'www-authenticate': 'Bearer error="invalid_token"' });
        }
        return jsonResponse({ auth });
      },
    });
    const first = session.get(API);
    await new Promise((resolve) => setTimeout(resolve, 10));
    session.token = { access_token: 'other', token_type: 'Bearer' };
    release();
    expect(await (await first).json()).toEqual({ auth: 'Bearer other' });
    expect(sent.api).toEqual(['Bearer old', 'Bearer other']);
  });
});

describe('OAuth2Session: the coordinator and onToken', () => {
  it('refreshCoordinator: a token with a new access_token is adopted and reported to onToken', async () => {
    const reported: string[] = [];
    const { session, sent } = setup({ expires_at: NOW - 1 }, undefined, {
      refreshCoordinator: async () => ({ access_token: 'from-elsewhere', token_type: 'Bearer' }),
      onToken: (t) => void reported.push(t.access_token),
    });
    await session.get(API);
    expect(reported).toEqual(['from-elsewhere']);
    expect(sent).toEqual({ refreshes: 0, api: ['Bearer from-elsewhere'] });
  });

  it('refreshCoordinator: an answer with the same access_token becomes the token, not reported', async () => {
    const reported: string[] = [];
    const { session } = setup({ expires_at: NOW - 1 }, undefined, {
      refreshCoordinator: async (_refresh, stale) => ({ ...stale, expires_at: NOW + 3600 }),
      onToken: (t) => void reported.push(t.access_token),
    });
    await session.get(API);
    expect(reported).toEqual([]);
    expect(session.token).toMatchObject({ access_token: 'old', expires_at: NOW + 3600 });
  });

  it('refreshCoordinator: calling refresh() performs the request, and its token is reported', async () => {
    const reported: string[] = [];
    const { session, sent } = setup({ expires_at: NOW - 1 }, undefined, {
      refreshCoordinator: (refresh) => refresh(),
      onToken: (t) => void reported.push(t.access_token),
    });
    await session.get(API);
    expect(reported).toEqual(['new-1']);
    expect(sent.refreshes).toBe(1);
  });

  it('onToken: awaited before the renewed token is used', async () => {
    const order: string[] = [];
    const { session } = setup({ expires_at: NOW - 1 }, undefined, {
      onToken: async (t) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        order.push(`saved ${t.access_token}`);
      },
      fetch: async (input) => {
        if (String(input) === TOKEN_URL) return newToken(1);
        order.push('api');
        return jsonResponse({});
      },
    });
    await session.get(API);
    expect(order).toEqual(['saved new-1', 'api']);
  });
});
