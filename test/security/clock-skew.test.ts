/**
 * Case 15 of issue 5: clock skew of plus or minus 5 minutes between the app and the provider.
 * Expiry is computed from the relative `expires_in` on the client's own clock, so refreshes
 * still happen inside the leeway (60 s before expiry) and nothing crashes.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OAuth2Session } from 'oauth2-session';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type OidcProviderHandle, startOidcProvider } from '../harness/oidc-provider.js';
import { Browser, login, startTarget, type Target } from './oracle.js';

const SKEWS = [-5 * 60_000, 5 * 60_000];

describe.each(SKEWS)('case 15: dev provider clock skewed by %d ms', (skew) => {
  for (const ttl of [50, 120]) {
    describe(`access tokens of ${ttl} s`, () => {
      let target: Target;
      beforeAll(async () => {
        target = await startTarget({
          flavour: ttl === 50 ? 'express' : 'hono',
          provider: 'dev',
          expiringTokens: true,
          accessTokenTtlSeconds: ttl,
          providerClockSkewMs: skew,
        });
      });
      afterAll(async () => {
        await target?.close();
      });

      test(`login and /profile work; a refresh happens exactly when inside the 60 s leeway`, async () => {
        const browser = new Browser(target);
        await login(browser);
        const token = await target.sessionToken(browser);
        const now = Date.now() / 1000;
        // expires_at is on the app's clock, whatever the provider's says.
        expect(Number(token?.['expires_at'])).toBeGreaterThan(now + ttl - 5);
        expect(Number(token?.['expires_at'])).toBeLessThanOrEqual(Math.ceil(now) + ttl);
        for (let visit = 0; visit < 2; visit++) {
          const before = target.counts().refresh;
          const profile = await browser.request('/profile', {
            headers: { accept: 'application/json' },
          });
          expect(profile.status).toBe(200);
          await profile.body?.cancel();
          expect(target.counts().refresh - before).toBe(ttl <= 60 ? 1 : 0);
        }
        target.secrets.expectNoneIn(target.logs.text());
      });
    });
  }
});

describe('case 15 (library): the client clock skewed against node-oidc-provider', () => {
  let op: OidcProviderHandle;
  let resource: Server;
  let resourceUrl: string;
  beforeAll(async () => {
    op = await startOidcProvider({ clientCredentialsTtl: 30 });
    resource = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((r) => resource.listen(0, '127.0.0.1', r));
    resourceUrl = `http://127.0.0.1:${(resource.address() as AddressInfo).port}/api`;
  });
  afterAll(async () => {
    resource.closeAllConnections();
    await new Promise((r) => resource.close(r));
    await op?.close();
  });

  for (const skew of SKEWS) {
    test(`OAuth2Session with clock ${skew > 0 ? '+' : '-'}5 min: renews early (30 s tokens, 60 s leeway), no error`, async () => {
      const clock = () => Date.now() + skew;
      const client = new OAuth2Session({
        clientId: 'post-client',
        clientSecret: 'post-client-secret',
        clientAuth: 'client_secret_post',
        clock,
      });
      const token = await client.fetchClientCredentialsToken(op.tokenUrl);
      expect(token.expires_at! - clock() / 1000).toBeGreaterThan(25);
      expect(token.expires_at! - clock() / 1000).toBeLessThanOrEqual(31);
      const before = op.counts['token:client_credentials'] ?? 0;
      const response = await client.get(resourceUrl);
      expect(response.status).toBe(200);
      await response.body?.cancel();
      expect((op.counts['token:client_credentials'] ?? 0) - before).toBe(1);
      expect(client.accessToken).not.toBe(token.access_token);
    });
  }
});
