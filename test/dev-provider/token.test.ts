import { type DevProvider, startDevProvider } from 'oauth2-session/dev-provider';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  authorizeAndApprove,
  basic,
  CALLBACK,
  CLIENT,
  getUser,
  obtainCode,
  tokenRequest,
} from './helpers.js';

let provider: DevProvider;
let now: number;

beforeEach(async () => {
  now = Date.UTC(2026, 0, 1);
  provider = await startDevProvider({ clients: [CLIENT], clock: () => now });
});
afterEach(async () => {
  await provider.close();
});

function codeParams(code: string, verifier: string): Record<string, string> {
  return { grant_type: 'authorization_code', code, code_verifier: verifier };
}

describe('POST /login/oauth/access_token: answers', () => {
  it('answers form-encoded by default, like GitHub', async () => {
    const { code, verifier } = await obtainCode(provider, { scope: 'repo gist' });
    const res = await fetch(provider.tokenUrl, {
      method: 'POST',
      headers: {
        authorization: basic(CLIENT.clientId, CLIENT.clientSecret),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams(codeParams(code, verifier)),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/x-www-form-urlencoded/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = await res.text();
    expect(body).toMatch(/^access_token=gho_[0-9A-Za-z]{36}&scope=repo%2Cgist&token_type=bearer$/);
  });

  it('answers JSON when asked with Accept: application/json', async () => {
    const { code, verifier } = await obtainCode(provider, { scope: 'read:user' });
    const { type, fields } = await tokenRequest(provider, codeParams(code, verifier), {
      json: true,
    });
    expect(type).toMatch(/^application\/json/);
    expect(fields).toEqual({
      access_token: expect.stringMatching(/^gho_/),
      scope: 'read:user',
      token_type: 'bearer',
    });
  });

  it('full flow: code with PKCE, then GET /user with the token', async () => {
    const { code, verifier } = await obtainCode(provider, {
      scope: 'user:email,read:user user:email',
    });
    const { fields } = await tokenRequest(provider, codeParams(code, verifier), { json: true });
    expect(fields.scope).toBe('user:email,read:user');
    const user = await getUser(provider, `Bearer ${fields.access_token as string}`);
    expect(user.status).toBe(200);
    expect(await user.json()).toMatchObject({ login: 'octocat', id: 583231, name: 'The Octocat' });
    expect(user.headers.get('x-oauth-scopes')).toBe('user:email, read:user');
    expect(provider.counts).toEqual({
      authorize: 1,
      consent: 1,
      token: 1,
      refresh: 0,
      user: 1,
      revoke: 0,
    });
  });

  it('takes client credentials in the body, and a JSON body', async () => {
    const first = await obtainCode(provider);
    const form = await tokenRequest(
      provider,
      {
        ...codeParams(first.code, first.verifier),
        client_id: CLIENT.clientId,
        client_secret: CLIENT.clientSecret,
      },
      { auth: false },
    );
    expect(form.fields.access_token).toMatch(/^gho_/);
    const second = await obtainCode(provider);
    const res = await fetch(provider.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({
        ...codeParams(second.code, second.verifier),
        client_id: CLIENT.clientId,
        client_secret: CLIENT.clientSecret,
      }),
    });
    expect(((await res.json()) as { access_token: string }).access_token).toMatch(/^gho_/);
  });

  it('the granted scope may differ from the asked one (grantScopes)', async () => {
    await provider.close();
    provider = await startDevProvider({
      clients: [CLIENT],
      grantScopes: (asked) => [...asked.filter((s) => s !== 'admin'), 'read:user'],
    });
    const { code, verifier } = await obtainCode(provider, { scope: 'admin repo' });
    const { fields } = await tokenRequest(provider, codeParams(code, verifier));
    expect(fields.scope).toBe('repo,read:user');
  });
});

describe('POST /login/oauth/access_token: errors come with HTTP 200', () => {
  async function expectError(
    params: Record<string, string>,
    error: string,
    opts: { auth?: boolean | undefined } = {},
  ) {
    for (const json of [false, true]) {
      const res = await tokenRequest(provider, params, { ...opts, json });
      expect(res.status).toBe(200);
      expect(res.fields.error).toBe(error);
      expect(res.fields.error_description).toEqual(expect.any(String));
      expect(res.fields.error_uri).toMatch(/^https:\/\/docs\.github\.com\//);
      expect(res.fields.access_token).toBeUndefined();
    }
  }

  it('incorrect_client_credentials: wrong secret, unknown client, none, or conflicting ids', async () => {
    const { code, verifier } = await obtainCode(provider);
    const params = codeParams(code, verifier);
    await expectError(
      { ...params, client_id: CLIENT.clientId, client_secret: 'wrong' },
      'incorrect_client_credentials',
      { auth: false },
    );
    await expectError(
      { ...params, client_id: 'nobody', client_secret: CLIENT.clientSecret },
      'incorrect_client_credentials',
      { auth: false },
    );
    await expectError(params, 'incorrect_client_credentials', { auth: false });
    await expectError({ ...params, client_id: 'other' }, 'incorrect_client_credentials');
    // the code was never touched by the failed attempts
    expect((await tokenRequest(provider, params)).fields.access_token).toMatch(/^gho_/);
  });

  it('bad_verification_code: unknown code', async () => {
    await expectError(
      { grant_type: 'authorization_code', code: 'deadbeefdeadbeefdead' },
      'bad_verification_code',
    );
  });

  it('bad_verification_code: wrong, missing or malformed PKCE verifier (and the code is burnt)', async () => {
    for (const verifier of ['x'.repeat(43), undefined, 'short']) {
      const got = await obtainCode(provider);
      const params: Record<string, string> = { grant_type: 'authorization_code', code: got.code };
      if (verifier !== undefined) params.code_verifier = verifier;
      const res = await tokenRequest(provider, params);
      expect(res.fields.error).toBe('bad_verification_code');
      const retry = await tokenRequest(provider, codeParams(got.code, got.verifier));
      expect(retry.fields.error).toBe('bad_verification_code');
    }
  });

  it('bad_verification_code: a verifier for a code issued without a challenge (downgrade)', async () => {
    const plain = async () =>
      (await authorizeAndApprove(provider, { client_id: CLIENT.clientId })).searchParams.get(
        'code',
      )!;
    const downgraded = await tokenRequest(provider, codeParams(await plain(), 'v'.repeat(43)));
    expect(downgraded.fields.error).toBe('bad_verification_code');
    // without PKCE at all, GitHub-style, the code works
    const ok = await tokenRequest(provider, {
      grant_type: 'authorization_code',
      code: await plain(),
    });
    expect(ok.fields.access_token).toMatch(/^gho_/);
  });

  it('bad_verification_code: an expired code (10 minutes)', async () => {
    const { code, verifier } = await obtainCode(provider);
    now += 10 * 60 * 1000;
    await expectError(codeParams(code, verifier), 'bad_verification_code');
  });

  it('a code is good for its last second', async () => {
    const { code, verifier } = await obtainCode(provider);
    now += 10 * 60 * 1000 - 1;
    expect((await tokenRequest(provider, codeParams(code, verifier))).fields.access_token).toMatch(
      /^gho_/,
    );
  });

  it('a reused code fails and revokes the token issued from it', async () => {
    const { code, verifier } = await obtainCode(provider);
    const first = await tokenRequest(provider, codeParams(code, verifier));
    const token = first.fields.access_token as string;
    expect((await getUser(provider, `token ${token}`)).status).toBe(200);
    const second = await tokenRequest(provider, codeParams(code, verifier));
    expect(second.fields.error).toBe('bad_verification_code');
    expect((await getUser(provider, `token ${token}`)).status).toBe(401);
  });

  it('a code of another client is refused, and stays usable by its own client', async () => {
    provider.registerClient({
      clientId: 'other',
      clientSecret: 'other-secret',
      redirectUris: [CALLBACK],
    });
    const { code, verifier } = await obtainCode(provider);
    const stolen = await tokenRequest(
      provider,
      { ...codeParams(code, verifier), client_id: 'other', client_secret: 'other-secret' },
      { auth: false },
    );
    expect(stolen.fields.error).toBe('bad_verification_code');
    expect((await tokenRequest(provider, codeParams(code, verifier))).fields.access_token).toMatch(
      /^gho_/,
    );
  });

  it('redirect_uri_mismatch: a token request naming another redirect_uri', async () => {
    const given = await obtainCode(provider, { redirect_uri: 'http://127.0.0.1:6001/callback' });
    const res = await tokenRequest(provider, {
      ...codeParams(given.code, given.verifier),
      redirect_uri: CALLBACK,
    });
    expect(res.fields.error).toBe('redirect_uri_mismatch');
    const same = await obtainCode(provider, { redirect_uri: 'http://127.0.0.1:6001/callback' });
    const ok = await tokenRequest(provider, {
      ...codeParams(same.code, same.verifier),
      redirect_uri: 'http://127.0.0.1:6001/callback',
    });
    expect(ok.fields.access_token).toMatch(/^gho_/);
    const omitted = await obtainCode(provider);
    const okToo = await tokenRequest(provider, {
      ...codeParams(omitted.code, omitted.verifier),
      redirect_uri: CALLBACK,
    });
    expect(okToo.fields.access_token).toMatch(/^gho_/);
  });

  it('unsupported_grant_type', async () => {
    await expectError(
      { grant_type: 'password', username: 'u', password: 'p' },
      'unsupported_grant_type',
    );
  });

  it('bad_refresh_token when tokens do not expire (no refresh tokens exist)', async () => {
    await expectError({ grant_type: 'refresh_token', refresh_token: 'ghr_x' }, 'bad_refresh_token');
    expect(provider.counts.refresh).toBe(2);
    expect(provider.counts.token).toBe(0);
  });

  it('refuses a body over 64 KiB with 413, and counts it', async () => {
    const res = await fetch(provider.tokenUrl, { method: 'POST', body: 'a='.padEnd(70_000, 'x') });
    expect(res.status).toBe(413);
    expect(provider.counts.token).toBe(1);
  });
});

describe('provider.revokeAll()', () => {
  it('invalidates codes and tokens', async () => {
    const a = await obtainCode(provider);
    const token = (await tokenRequest(provider, codeParams(a.code, a.verifier))).fields
      .access_token as string;
    const b = await obtainCode(provider);
    provider.revokeAll!();
    expect((await getUser(provider, `Bearer ${token}`)).status).toBe(401);
    expect((await tokenRequest(provider, codeParams(b.code, b.verifier))).fields.error).toBe(
      'bad_verification_code',
    );
  });
});
