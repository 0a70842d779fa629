/**
 * Logout revoked only the access token and ignored the answer: where the provider does not end
 * the whole grant, a refresh token in a copied cookie outlived logout, and a failed revocation
 * was silent. Now logout revokes the refresh token (RFC 7009 section 2.1) and then the access
 * token, checks each answer, and logs one line (code and host, never a token) when one fails.
 */

import { describe, expect, test } from 'vitest';
import { freePort } from '../harness/ports.js';
import {
  Browser,
  expectRefused,
  login,
  logoutFormToken,
  MATRIX,
  postLogout,
  type TargetOptions,
  useTarget,
} from './oracle.js';

/** Refresh tokens on both providers; node-oidc-provider's revocation endpoint given to the app. */
const WITH_REFRESH: TargetOptions[] = MATRIX.map((o) => ({
  ...o,
  expiringTokens: true,
  revocation: true,
}));

describe.each(WITH_REFRESH)('$name', (options) => {
  const target = useTarget(options);

  /** A refresh grant with `refreshToken`, sent straight to the token endpoint by the thief. */
  async function redeem(refreshToken: string): Promise<number> {
    const tokenUrl = target.dev ? target.dev.tokenUrl : target.oidc!.tokenUrl;
    const response = await fetch(tokenUrl, {
      method: 'POST',
      headers: {
        authorization: `Basic ${btoa(`${target.client.id}:${target.client.secret}`)}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }),
    });
    const body = (await response.json()) as { error?: string | undefined };
    return body.error === 'invalid_grant' || body.error === 'bad_refresh_token' ? 400 : 200;
  }

  test('defect: a refresh token in a copied cookie outlived logout — logout revokes it, the copy is refused', async () => {
    const victim = new Browser(target, 'victim');
    await login(victim);
    const token = await target.sessionToken(victim);
    expect(token?.['refresh_token']).toBeTruthy();
    const thief = victim.clone('thief');
    const csrf = await logoutFormToken(victim);
    const revocations = target.revocations!();
    const out = await postLogout(victim, csrf);
    await out.body?.cancel();
    expect(out.status).toBe(302);
    // The refresh token first (it ends the grant), then the access token.
    expect(target.revocations!() - revocations).toBe(2);
    if (options.store === 'redis') {
      // The copy names a session the store no longer has: no provider call at all.
      await expectRefused(target, () => thief.request('/profile'), { loginRedirect: true });
    } else {
      // A sealed cookie is stateless: the copy still presents its access token, which the
      // provider now refuses (one user call), and the holder is sent to log in.
      await expectRefused(target, () => thief.request('/profile'), {
        loginRedirect: true,
        userCalls: 1,
      });
    }
    expect(await redeem(String(token!['refresh_token']))).toBe(400);
  });
});

/** A revocation endpoint nobody listens on. */
const CLOSED = `http://127.0.0.1:${await freePort()}/revoke`;

describe.each(MATRIX)('$name, revocation endpoint down', (options) => {
  const target = useTarget({
    ...options,
    expiringTokens: true,
    env: { OAUTH_REVOCATION_URL: CLOSED },
  });

  test('a failed revocation is one log line naming the code and the host, no token; the session still ends', async () => {
    const victim = new Browser(target, 'victim');
    await login(victim);
    await target.sessionToken(victim);
    const before = target.logs.lines.length;
    const out = await victim.request('/logout', { headers: { 'sec-fetch-site': 'same-origin' } });
    await out.body?.cancel();
    expect(out.status).toBe(302);
    expect(victim.sessionCookie()).toBeUndefined();
    const lines = target.logs.lines.slice(before).filter((l) => l.includes('logout:'));
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(lines[0]).toMatch(
      /revoking the refresh_token at 127\.0\.0\.1:\d+ failed \(OAUTH_NETWORK_ERROR\)/,
    );
    target.secrets.expectNoneIn(target.logs.text());
  });
});
