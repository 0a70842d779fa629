/**
 * Part (a) of the Redis benchmark: logged-in `GET /profile` requests per second with the Redis
 * session store against the sealed-cookie store, two app processes each (the example app on
 * Express), one dev provider in its own process, measured in interleaved rounds in one run.
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { freePorts } from '../../test/harness/ports.js';
import { startRedis } from '../../test/harness/redis.js';
import { CookieJar, get, login } from '../../test/scale/fixtures/browser.js';
import {
  type Instance,
  type InstanceEnv,
  startInstanceOnOneOf,
} from '../../test/scale/fixtures/cluster.js';
import { type CompareOptions, type Comparison, compare } from '../lib/measure.js';
import { type ChildServer, spawnServer } from '../web/process.js';

/** Sizes: about 25 s of measuring on two shared cores. */
export const PROFILE_RUN: CompareOptions & { users: number } = {
  users: 8,
  concurrency: 8,
  roundMs: 1500,
  rounds: 6,
  warmupRounds: 1,
};

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const serveScript = fileURLToPath(new URL('../web/serve.ts', import.meta.url));

interface Pair {
  store: string;
  clientId: string;
  clientSecret: string;
  /** Candidate ports per instance: callbacks are registered before the instances listen. */
  ports: number[][];
}

async function pair(name: string, store: string): Promise<Pair> {
  const ports = [await freePorts(3), await freePorts(3)];
  return { store, clientId: `bench-${name}`, clientSecret: randomBytes(20).toString('hex'), ports };
}

function devClients(pairs: readonly Pair[]) {
  return pairs.map((p) => ({
    clientId: p.clientId,
    clientSecret: p.clientSecret,
    redirectUris: p.ports.flat().map((port) => `http://127.0.0.1:${port}/callback`),
  }));
}

function instanceEnv(p: Pair, provider: ChildServer, port: number, secret: string): InstanceEnv {
  return {
    OAUTH_REDIRECT_URI: `http://127.0.0.1:${port}/callback`,
    OAUTH_CLIENT_ID: p.clientId,
    OAUTH_CLIENT_SECRET: p.clientSecret,
    OAUTH_AUTHORIZE_URL: `${provider.url}/login/oauth/authorize`,
    OAUTH_TOKEN_URL: `${provider.url}/login/oauth/access_token`,
    OAUTH_USER_URL: `${provider.url}/user`,
    SESSION_SECRET: secret,
    SESSION_STORE: p.store,
  };
}

/** Logged-in users spread over a pair's instances; answers one /profile request per call. */
async function profileOp(instances: readonly Instance[], users: number) {
  const jars: CookieJar[] = [];
  for (let i = 0; i < users; i += 1) {
    const { jar, reply } = await login(instances[0]?.url ?? '');
    if (reply.status !== 200) throw new Error(`login failed: status ${reply.status}`);
    jars.push(jar);
  }
  let n = 0;
  return async () => {
    const i = n++;
    const origin = instances[i % instances.length]?.url;
    const reply = await get(`${origin}/profile`, jars[i % users] ?? new CookieJar(), {
      keepCookies: false,
    });
    if (reply.status !== 200) throw new Error(`/profile answered ${reply.status}`);
  };
}

/** Measures Redis-store /profile against cookie-store /profile; answers the comparison. */
export async function measureProfile(): Promise<Comparison> {
  const redis = await startRedis();
  const stops: Array<() => Promise<unknown>> = [() => redis.close()];
  try {
    const pairs = [await pair('redis', redis.url), await pair('cookie', 'cookie')];
    const provider = await spawnServer(
      'dev provider',
      process.execPath,
      ['--import', 'tsx', serveScript, 'provider'],
      { DEV_CLIENTS: JSON.stringify(devClients(pairs)) },
      repoRoot,
    );
    stops.push(() => provider.close());
    const ops = [];
    for (const p of pairs) {
      const secret = randomBytes(32).toString('base64url');
      const instances: Instance[] = [];
      for (const candidates of p.ports) {
        const instance = await startInstanceOnOneOf(candidates, (port) =>
          instanceEnv(p, provider, port, secret),
        );
        stops.push(() => instance.close());
        instances.push(instance);
      }
      ops.push(await profileOp(instances, PROFILE_RUN.users));
    }
    const [viaRedis, viaCookie] = ops as [() => Promise<void>, () => Promise<void>];
    return await compare(viaRedis, viaCookie, PROFILE_RUN);
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => {});
  }
}
