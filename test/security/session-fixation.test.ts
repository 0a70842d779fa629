/**
 * Case 12 of issue 5: session fixation. An attacker plants their own session cookie in the
 * victim's browser before the victim logs in; the login must start a new session (a new id in
 * store mode), so the attacker's cookie never reaches the victim's token.
 */
import { describe, expect, test } from 'vitest';
import { Browser, login, MATRIX, useTarget } from './oracle.js';

describe.each(MATRIX)('$name', (options) => {
  const target = useTarget(options);

  const [attackerAccount, victimAccount] =
    options.provider === 'oidc' ? ['alice', 'bob'] : ['octocat', 'hubot'];
  const who = (user: Record<string, unknown>) => user['login'] ?? user['sub'];

  async function profile(browser: Browser): Promise<Record<string, unknown> | number> {
    const response = await browser.request('/profile', { headers: { accept: 'application/json' } });
    if (response.status !== 200) {
      await response.body?.cancel();
      return response.status;
    }
    return (await response.json()) as Record<string, unknown>;
  }

  test(`case 12, a planted pre-login session does not survive the victim's login`, async () => {
    const attacker = new Browser(target, 'attacker');
    await login(attacker, attackerAccount);
    const planted = attacker.sessionCookie()!;
    const plantedSid = await target.sealer.unseal<{ sid?: string | undefined }>(
      planted[0],
      planted[1],
    );

    const victim = new Browser(target, 'victim');
    victim.cookies.set(planted[0], planted[1]); // fixation: the attacker's cookie in the victim's jar
    await login(victim, victimAccount);
    const fresh = victim.sessionCookie()!;
    expect(fresh[1]).not.toBe(planted[1]);
    const victimProfile = await profile(victim);
    expect(typeof victimProfile === 'object' && who(victimProfile)).toBe(victimAccount);

    if (options.store === 'redis') {
      // A new id at login, and the planted one is gone from the store.
      const freshSid = await target.sealer.unseal<{ sid?: string | undefined }>(fresh[0], fresh[1]);
      expect(plantedSid.status === 'ok' && freshSid.status === 'ok').toBe(true);
      if (plantedSid.status === 'ok' && freshSid.status === 'ok') {
        expect(freshSid.data.sid).toBeTruthy();
        expect(freshSid.data.sid).not.toBe(plantedSid.data.sid);
      }
    }
    // Whatever the attacker's cookie still opens, it is never the victim's session.
    const attackerView = await profile(attacker);
    if (typeof attackerView === 'object') expect(who(attackerView)).toBe(attackerAccount);
    else expect(attackerView).toBe(401);
  });
});
