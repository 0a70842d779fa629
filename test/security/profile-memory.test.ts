/**
 * Memory exhaustion through `/profile`: the example app, in a process of its own (so the
 * measurement is its resident set, not the test runner's), logs in against the dev provider and
 * reads its user from a hostile API that answers a gzip bomb (0.5 MB inflating to 512 MiB) or a
 * 200 MB plain body. An unbounded read grows the app by hundreds of MB; the bounded one
 * (`readBounded`, `PROFILE_MAX_BYTES`) must keep the growth under {@link RSS_BUDGET}.
 *
 * Each case runs in a fresh app process, so memory a previous case left reserved cannot hide
 * the growth of the next.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { type DevProvider, startDevProvider } from 'oauth2-session/dev-provider';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import {
  gzipBomb,
  gzipped,
  type HostileApi,
  huge,
  json,
  startHostileApi,
} from '../harness/hostile-api.js';
import { freePort } from '../harness/ports.js';

const MiB = 1024 * 1024;
/** What the app may grow by while it reads one hostile answer. */
const RSS_BUDGET = 64 * MiB;
/** Each case (app start, login, warm-up, the hostile read) ends well within this. */
const CASE_MS = 20_000;

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const script = fileURLToPath(new URL('../harness/measured-app.ts', import.meta.url));

/** A running measured app (see test/harness/measured-app.ts). */
interface MeasuredApp {
  url: string;
  command(name: 'reset' | 'rss'): Promise<{ rss: number; peak?: number | undefined }>;
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

function startMeasuredApp(env: Record<string, string>): Promise<MeasuredApp> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NODE_ENV: 'production', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  live.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => live.delete(child));
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-2000);
  });
  const lines: string[] = [];
  const readers: ((line: string) => void)[] = [];
  let buffered = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 1);
      const reader = readers.shift();
      if (reader) reader(line);
      else lines.push(line);
    }
  });
  const nextLine = (what: string) =>
    new Promise<string>((resolve, reject) => {
      const queued = lines.shift();
      if (queued !== undefined) return resolve(queued);
      const timer = setTimeout(
        () => reject(new Error(`${what}: no answer; stderr:\n${stderr}`)),
        15_000,
      );
      readers.push((line) => {
        clearTimeout(timer);
        resolve(line);
      });
    });
  const stop = async () => {
    child.stdin!.end();
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(killer);
  };
  return nextLine('app start').then(
    (line) => ({
      url: (JSON.parse(line) as { url: string }).url,
      command: async (name) => {
        child.stdin!.write(`${name}\n`);
        return JSON.parse(await nextLine(name)) as { rss: number; peak?: number | undefined };
      },
      stop,
    }),
    async (error: unknown) => {
      await stop();
      throw error;
    },
  );
}

/** A cookie jar for one origin; the cookies' values never leave it. */
class Jar {
  readonly #cookies = new Map<string, string>();
  async get(url: string): Promise<Response> {
    const headers = new Headers({ accept: 'application/json' });
    if (this.#cookies.size > 0)
      headers.set('cookie', [...this.#cookies].map(([n, v]) => `${n}=${v}`).join('; '));
    const response = await fetch(url, { headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const pair = line.split(';')[0] ?? '';
      const eq = pair.indexOf('=');
      this.#cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    return response;
  }
}

/** Logs in at the app through the dev provider (auto-approving); answers the browser's jar. */
async function login(appUrl: string): Promise<Jar> {
  const jar = new Jar();
  const start = await jar.get(`${appUrl}/`);
  const authorize = new URL(start.headers.get('location') ?? '');
  authorize.searchParams.set('login', 'octocat');
  const approved = await fetch(authorize, { redirect: 'manual' });
  const back = new URL(approved.headers.get('location') ?? '');
  const callback = await jar.get(`${appUrl}${back.pathname}${back.search}`);
  expect(callback.status, 'logged in').toBe(302);
  expect(callback.headers.get('location')).toBe('/profile');
  return jar;
}

let dev: DevProvider;
let api: HostileApi;
let bomb: Buffer;
let app: MeasuredApp | undefined;
const client = { id: 'memory-client', secret: randomBytes(24).toString('hex') };

beforeAll(async () => {
  api = await startHostileApi();
  dev = await startDevProvider({ autoApprove: true });
  bomb = await gzipBomb(512 * MiB);
});
afterEach(async () => {
  await app?.stop();
  app = undefined;
});
afterAll(async () => {
  await dev?.close();
  await api?.close();
});

/** Starts a measured app on `flavour` reading its user from the hostile API, logged in. */
async function loggedInApp(flavour: 'express' | 'hono'): Promise<{ app: MeasuredApp; jar: Jar }> {
  const port = await freePort();
  const callback = `http://127.0.0.1:${port}/callback`;
  dev.registerClient({
    clientId: client.id,
    clientSecret: client.secret,
    redirectUris: [callback],
  });
  app = await startMeasuredApp({
    APP_FLAVOUR: flavour,
    PORT: String(port),
    SESSION_SECRET: randomBytes(32).toString('base64url'),
    SESSION_STORE: 'cookie',
    OAUTH_CLIENT_ID: client.id,
    OAUTH_CLIENT_SECRET: client.secret,
    OAUTH_AUTHORIZE_URL: dev.authorizeUrl,
    OAUTH_TOKEN_URL: dev.tokenUrl,
    OAUTH_USER_URL: `${api.url}/user`,
  });
  return { app, jar: await login(app.url) };
}

const cases = [
  ['a gzip bomb inflating to 512 MiB', () => gzipped(bomb)],
  ['a 200 MB plain body (no length declared)', () => huge(200 * 1000 * 1000)],
] as const;

describe.each(['express', 'hono'] as const)(
  '%s app: /profile memory against a hostile user API',
  (flavour) => {
    for (const [name, answer] of cases) {
      test(
        `regression: /profile read the user answer without bounds; ${name} grows the app by less than 64 MiB`,
        async () => {
          const { app, jar } = await loggedInApp(flavour);
          // Warm-up on a normal answer: what a first request allocates is not the attack's.
          api.route('/user', json({ login: 'octocat', id: 1 }));
          for (let i = 0; i < 3; i++) {
            const ok = await jar.get(`${app.url}/profile`);
            expect(ok.status).toBe(200);
            await ok.arrayBuffer();
          }
          api.route('/user', answer());
          const { rss: before } = await app.command('reset');
          const response = await jar.get(`${app.url}/profile`);
          const body = await response.text();
          const { peak = Number.POSITIVE_INFINITY } = await app.command('rss');
          const growth = peak - before;
          console.info(
            `${flavour}, ${name}: RSS ${(before / MiB).toFixed(1)} MiB before, peak ${(peak / MiB).toFixed(1)} MiB, growth ${(growth / MiB).toFixed(1)} MiB`,
          );
          expect(response.status).toBe(502);
          expect(body).toBe('{"error":"upstream_response_too_large"}');
          expect(growth, 'RSS growth while reading the hostile answer').toBeLessThan(RSS_BUDGET);
        },
        CASE_MS,
      );
    }
  },
);
