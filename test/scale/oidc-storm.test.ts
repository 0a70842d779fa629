/**
 * The refresh storm against a provider nobody here wrote: node-oidc-provider with refresh
 * token rotation (a spent refresh token is refused with invalid_grant). Four app processes
 * (the example app, plain RFC 6749 mode: no GitHub hooks) share one session whose access token
 * has expired; 200 concurrent /profile requests make exactly one refresh_token grant.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  completeLogin,
  type OidcProviderHandle,
  startOidcProvider,
} from '../harness/oidc-provider.js';
import { freePorts } from '../harness/ports.js';
import { type RedisHandle, redisAvailable, startRedis } from '../harness/redis.js';
import { CookieJar, follow, get, type Reply } from './fixtures/browser.js';
import { type Instance, startInstance, startInstanceOnOneOf } from './fixtures/cluster.js';
import { expectAllProfiles } from './fixtures/expect-replies.js';
import {
  expireStoredToken,
  inspector,
  onlySessionKey,
  storedToken,
} from './fixtures/redis-sessions.js';
import { startTokenProxy, type TokenProxy } from './fixtures/token-proxy.js';

const CLIENT_ID = 'scale-oidc-app';

describe.skipIf(!redisAvailable())(
  'one refresh across four app processes (node-oidc-provider)',
  () => {
    let redis: RedisHandle;
    let inspect: Redis;
    let op: OidcProviderHandle;
    let proxy: TokenProxy;
    const instances: Instance[] = [];
    let callbackUrl: string;

    beforeAll(async () => {
      redis = await startRedis();
      inspect = inspector(redis.url);
      const clientSecret = randomBytes(24).toString('base64url');
      // candidate ports for instance 0: its callback is registered before it listens
      const ports = await freePorts(3);
      const callbacks = ports.map((port) => `http://127.0.0.1:${port}/callback`);
      op = await startOidcProvider({
        accessTokenTtl: 3600,
        clients: [
          {
            client_id: CLIENT_ID,
            client_secret: clientSecret,
            token_endpoint_auth_method: 'client_secret_basic',
            redirect_uris: callbacks,
            grant_types: ['authorization_code', 'refresh_token'],
          },
        ],
      });
      proxy = await startTokenProxy(op.issuer);
      const env = {
        OAUTH_CLIENT_ID: CLIENT_ID,
        OAUTH_CLIENT_SECRET: clientSecret,
        OAUTH_AUTHORIZE_URL: op.authorizeUrl,
        OAUTH_TOKEN_URL: proxy.url(new URL(op.tokenUrl).pathname),
        OAUTH_USER_URL: op.userinfoUrl,
        OAUTH_SCOPE: 'openid',
        SESSION_SECRET: randomBytes(32).toString('base64url'),
        SESSION_STORE: redis.url,
      };
      const first = await startInstanceOnOneOf(ports, (port) => ({
        ...env,
        OAUTH_REDIRECT_URI: `http://127.0.0.1:${port}/callback`,
      }));
      instances.push(first);
      callbackUrl = `${first.url}/callback`;
      for (let i = 1; i < 4; i += 1) {
        instances.push(await startInstance({ ...env, OAUTH_REDIRECT_URI: callbackUrl }));
      }
    });
    afterAll(async () => {
      await Promise.all(instances.map((i) => i.close()));
      await proxy?.close();
      await op?.close();
      inspect?.disconnect();
      await redis?.close();
    });

    /** GET / on the first instance, the provider's login and consent, then the app's callback. */
    async function logIn(): Promise<{ jar: CookieJar; reply: Reply }> {
      const jar = new CookieJar();
      const start = await get(`${instances[0]?.url}/`, jar);
      expect(start.status).toBe(302);
      const callback = await completeLogin(start.location ?? '', { redirectUri: callbackUrl });
      return { jar, reply: await follow(callback, jar) };
    }

    it('200 concurrent requests with an expired token: one refresh_token grant, all 200', async () => {
      const { jar, reply } = await logIn();
      expect(reply.status).toBe(200);
      const profile = JSON.parse(reply.body) as { sub?: unknown };
      expect(profile.sub).toBe('alice');
      const key = await onlySessionKey(inspect);
      const stale = await expireStoredToken(inspect, key);
      const before = op.counts['token:refresh_token'] ?? 0;

      const replies = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          get(`${instances[i % 4]?.url}/profile`, jar, { keepCookies: false, timeoutMs: 30_000 }),
        ),
      );

      expectAllProfiles(replies, profile);
      expect((op.counts['token:refresh_token'] ?? 0) - before).toBe(1);
      const stored = await storedToken(inspect, key);
      expect(stored?.refresh_token === proxy.issuedRefreshTokens.at(-1)).toBe(true);
      expect(stored?.refresh_token === stale.refresh_token).toBe(false);

      // the stored (rotated) refresh token is the live one: a second cycle refreshes again
      await expireStoredToken(inspect, key);
      const again = await Promise.all(
        instances.map((i) => get(`${i.url}/profile`, jar, { keepCookies: false })),
      );
      expect(again.map((r) => r.status)).toEqual([200, 200, 200, 200]);
      expect((op.counts['token:refresh_token'] ?? 0) - before).toBe(2);
    });
  },
);
