/**
 * Two app instances (separate processes) on one redis-server: a session written by one is read
 * by the other; logout deletes it server-side for both, and revokes the token at the provider.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { redisAvailable } from '../harness/redis.js';
import { CookieJar, get, isLoginRedirect, login } from './fixtures/browser.js';
import {
  expireStoredToken,
  onlySessionKey,
  sessionKeys,
  storedToken,
} from './fixtures/redis-sessions.js';
import { startWorld, type World } from './fixtures/scenario.js';

describe.skipIf(!redisAvailable())('sessions shared by app instances through Redis', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld({ instances: 2 });
  });
  afterAll(async () => {
    await world?.close();
  });
  beforeEach(async () => {
    for (const key of await sessionKeys(world.inspect)) await world.inspect.del(key);
  });

  it('a session written by instance A is read by instance B', async () => {
    const [a, b] = world.instances as [World['instances'][0], World['instances'][0]];
    const { jar, reply } = await login(a.url);
    expect(reply.status).toBe(200);
    expect(new URL(reply.url).origin).toBe(a.url); // the login ended on A
    const key = await onlySessionKey(world.inspect);
    // the cookie holds a sealed id, not the token
    const token = await storedToken(world.inspect, key);
    expect(token?.access_token).toBeTypeOf('string');
    expect(jar.header().includes(token?.access_token ?? '<none>')).toBe(false);

    const onB = await get(`${b.url}/profile`, jar);
    expect(onB.status).toBe(200);
    expect(JSON.parse(onB.body)).toMatchObject({ login: expect.any(String) });
    expect(JSON.parse(onB.body)).toEqual(JSON.parse(reply.body));
  });

  it('logout deletes the server-side session for every instance and revokes the token', async () => {
    const [a, b] = world.instances as [World['instances'][0], World['instances'][0]];
    const { jar } = await login(a.url);
    const key = await onlySessionKey(world.inspect);
    const oldCookies = jar.clone();
    const revokesBefore = world.provider.counts.revoke;
    const token = await storedToken(world.inspect, key);
    const bearer = { authorization: `Bearer ${token?.access_token}`, 'user-agent': 'scale-test' };
    expect((await fetch(world.provider.userUrl, { headers: bearer })).status).toBe(200);

    const out = await get(`${b.url}/logout`, jar);
    expect(out.status).toBeGreaterThanOrEqual(300);
    expect(out.status).toBeLessThan(400);
    expect(await world.inspect.exists(key)).toBe(0);
    expect(await sessionKeys(world.inspect)).toEqual([]);
    // The refresh token, then the access token: two revocations (GitHub's API takes both as a
    // DELETE of the access token; the second finds it gone).
    expect(world.provider.counts.revoke).toBe(revokesBefore + 2);
    // revoked at the provider, not only forgotten here
    expect((await fetch(world.provider.userUrl, { headers: bearer })).status).toBe(401);

    // the cookie from before logout, replayed on either instance, is not logged in
    for (const instance of [a, b]) {
      const replay = await get(`${instance.url}/profile`, oldCookies.clone());
      expect(isLoginRedirect(replay, world.provider.authorizeUrl)).toBe(true);
    }
    expect(await sessionKeys(world.inspect)).toEqual([]);
  });

  it("logout during another instance's refresh stays a logout: the refresh does not bring the session back", async () => {
    const [a, b] = world.instances as [World['instances'][0], World['instances'][0]];
    const { jar } = await login(a.url);
    const key = await onlySessionKey(world.inspect);
    const oldCookies = jar.clone();
    await expireStoredToken(world.inspect, key);
    world.proxy.hold();
    const parked = world.proxy.parkedTotal;
    const inFlight = get(`${a.url}/profile`, jar.clone(), { keepCookies: false });
    await world.proxy.parked(parked + 1); // A holds the lock and its refresh is on the way
    const out = await get(`${b.url}/logout`, jar);
    expect(out.status).toBe(302);
    expect(await world.inspect.exists(key)).toBe(0);
    world.proxy.release();
    await inFlight;

    expect(await sessionKeys(world.inspect)).toEqual([]);
    const replay = await get(`${b.url}/profile`, oldCookies);
    expect(isLoginRedirect(replay, world.provider.authorizeUrl)).toBe(true);
  });

  it('a request without a session is sent to log in and writes nothing', async () => {
    const reply = await get(`${world.instances[1]?.url}/profile`, new CookieJar());
    expect(isLoginRedirect(reply, world.provider.authorizeUrl)).toBe(true);
    expect(await sessionKeys(world.inspect)).toEqual([]);
  });
});
