import { type DevProvider, startDevProvider } from 'oauth2-session/dev-provider';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLIENT, getUser, obtainCode, tokenRequest } from './helpers.js';

let provider: DevProvider;
let now: number;

beforeEach(async () => {
  now = Date.UTC(2026, 0, 1);
  provider = await startDevProvider({ clients: [CLIENT], expiringTokens: true, clock: () => now });
});
afterEach(async () => {
  await provider.close();
});

async function firstPair(): Promise<Record<string, unknown>> {
  const { code, verifier } = await obtainCode(provider, { scope: 'repo' });
  const res = await tokenRequest(
    provider,
    { grant_type: 'authorization_code', code, code_verifier: verifier },
    { json: true },
  );
  return res.fields;
}

function refresh(refreshToken: string) {
  return tokenRequest(
    provider,
    { grant_type: 'refresh_token', refresh_token: refreshToken },
    { json: true },
  );
}

async function userStatus(token: unknown): Promise<number> {
  return (await getUser(provider, `Bearer ${token as string}`)).status;
}

describe('startDevProvider({ expiringTokens: true })', () => {
  it('issues ghu_ access tokens that expire and ghr_ refresh tokens, in GitHub App shape', async () => {
    const pair = await firstPair();
    expect(pair).toEqual({
      access_token: expect.stringMatching(/^ghu_[0-9A-Za-z]{36}$/),
      expires_in: 28800,
      refresh_token: expect.stringMatching(/^ghr_[0-9A-Za-z]{36}$/),
      refresh_token_expires_in: 15897600,
      scope: 'repo',
      token_type: 'bearer',
    });
    expect(await userStatus(pair.access_token)).toBe(200);
    now += 28800 * 1000;
    expect(await userStatus(pair.access_token)).toBe(401);
  });

  it('form answers carry the expiry fields too', async () => {
    const { code, verifier } = await obtainCode(provider);
    const res = await tokenRequest(provider, {
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
    });
    expect(res.fields).toMatchObject({
      expires_in: '28800',
      refresh_token_expires_in: '15897600',
      scope: '',
    });
  });

  it('a refresh rotates the pair and revokes the old access token', async () => {
    const pair = await firstPair();
    const next = await refresh(pair.refresh_token as string);
    expect(next.status).toBe(200);
    expect(next.fields.access_token).toMatch(/^ghu_/);
    expect(next.fields.refresh_token).toMatch(/^ghr_/);
    expect(next.fields.refresh_token).not.toBe(pair.refresh_token);
    expect(next.fields.scope).toBe('repo');
    expect(await userStatus(pair.access_token)).toBe(401);
    expect(await userStatus(next.fields.access_token)).toBe(200);
    expect(provider.counts).toMatchObject({ token: 1, refresh: 1 });
  });

  it('a reused refresh token fails with bad_refresh_token and revokes the whole family (RFC 9700)', async () => {
    const pair = await firstPair();
    const next = await refresh(pair.refresh_token as string);
    const reuse = await refresh(pair.refresh_token as string);
    expect(reuse.status).toBe(200);
    expect(reuse.fields.error).toBe('bad_refresh_token');
    expect(await userStatus(next.fields.access_token)).toBe(401);
    expect((await refresh(next.fields.refresh_token as string)).fields.error).toBe(
      'bad_refresh_token',
    );
  });

  it('two concurrent refreshes with one token: one wins, then the family is gone', async () => {
    const pair = await firstPair();
    const results = await Promise.all([
      refresh(pair.refresh_token as string),
      refresh(pair.refresh_token as string),
    ]);
    const winners = results.filter((r) => r.fields.access_token);
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => r.fields.error === 'bad_refresh_token')).toHaveLength(1);
    expect(await userStatus(winners[0]!.fields.access_token)).toBe(401);
  });

  it('an expired refresh token fails', async () => {
    const pair = await firstPair();
    now += 15897600 * 1000;
    expect((await refresh(pair.refresh_token as string)).fields.error).toBe('bad_refresh_token');
  });

  it('a refresh token of another client fails and stays usable by its own', async () => {
    provider.registerClient({ clientId: 'other', clientSecret: 'other-secret', redirectUris: [] });
    const pair = await firstPair();
    const stolen = await tokenRequest(
      provider,
      {
        grant_type: 'refresh_token',
        refresh_token: pair.refresh_token as string,
        client_id: 'other',
        client_secret: 'other-secret',
      },
      { auth: false, json: true },
    );
    expect(stolen.fields.error).toBe('bad_refresh_token');
    expect((await refresh(pair.refresh_token as string)).fields.access_token).toMatch(/^ghu_/);
  });

  it('an access token is not a refresh token', async () => {
    const pair = await firstPair();
    expect((await refresh(pair.access_token as string)).fields.error).toBe('bad_refresh_token');
  });

  it('honours accessTokenTtlSeconds', async () => {
    await provider.close();
    provider = await startDevProvider({
      clients: [CLIENT],
      expiringTokens: true,
      accessTokenTtlSeconds: 60,
      clock: () => now,
    });
    const pair = await firstPair();
    expect(pair.expires_in).toBe(60);
    now += 59_000;
    expect(await userStatus(pair.access_token)).toBe(200);
    now += 1_000;
    expect(await userStatus(pair.access_token)).toBe(401);
  });
});
