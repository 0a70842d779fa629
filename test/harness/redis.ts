/**
 * A real `redis-server` for tests: its own process on a free loopback port, its own temp dir,
 * no persistence; stoppable and restartable on the same port (to test outages), and killed
 * when the test process exits however it exits.
 *
 * @module
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { RedisStore } from 'oauth2-session/redis';
import { afterAll, beforeAll } from 'vitest';
import { freePort } from './ports.js';

/** A running (or stopped) redis-server started by {@link startRedis}. */
export interface RedisHandle {
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** Kills the server (SIGKILL, like a crash); the port stays this handle's. */
  stop(): Promise<void>;
  /** Starts the server again on the same port, empty (nothing is persisted). */
  start(): Promise<void>;
  /** Kills the server and removes its temp dir. */
  close(): Promise<void>;
}

const READY_TIMEOUT_MS = 10_000;

/** Path of the redis-server binary, or `undefined` when none is installed. */
export function redisServerPath(): string | undefined {
  const dirs = ['/usr/bin', ...(process.env.PATH ?? '').split(delimiter).filter(Boolean)];
  return dirs.map((d) => join(d, 'redis-server')).find(isExecutable);
}

/** Path of util-linux `setpriv`, used to tie redis-server's life to ours. */
function setprivPath(): string | undefined {
  return ['/usr/bin/setpriv', '/bin/setpriv'].find(isExecutable);
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether Redis suites can run. Under `CI=true` a missing redis-server is an error (the run
 * fails); elsewhere suites skip, and this prints why once.
 */
export function redisAvailable(): boolean {
  if (redisServerPath()) return true;
  if (process.env.CI === 'true') {
    throw new Error(
      'redis-server not found on PATH or /usr/bin (CI=true requires it; .ci/run installs it)',
    );
  }
  if (!warned) console.warn('skipping Redis tests: redis-server is not installed');
  warned = true;
  return false;
}
let warned = false;

/** Answers once `PING` gets `+PONG` on the port. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (chunk) => done(chunk.toString().startsWith('+PONG')));
  });
}

/** Every live server of this process, killed on exit so none outlives a crashed test run. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

function spawnServer(binary: string, port: number, dir: string): ChildProcess {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  args.push('--dir', dir, '--daemonize', 'no', '--loglevel', 'warning');
  // setpriv --pdeathsig: the kernel kills redis-server even if we die by SIGKILL
  const setpriv = setprivPath();
  const [cmd, argv] = setpriv
    ? [setpriv, ['--pdeathsig', 'KILL', binary, ...args]]
    : [binary, args];
  const child = spawn(cmd, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

async function waitReady(child: ChildProcess, port: number): Promise<void> {
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`redis-server exited early on port ${port}: ${stderr.trim().slice(0, 500)}`);
    }
    if (await ping(port)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`redis-server not ready on port ${port} after ${READY_TIMEOUT_MS} ms`);
}

function kill(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/**
 * Starts a redis-server on a free loopback port and waits until it answers PING.
 *
 * @example
 * ```ts
 * const redis = await startRedis();
 * try { ... new RedisStore(redis.url) ... } finally { await redis.close(); }
 * ```
 */
export async function startRedis(): Promise<RedisHandle> {
  const binary = redisServerPath();
  if (!binary) throw new Error('redis-server not found on PATH or /usr/bin');
  const dir = mkdtempSync(join(tmpdir(), 'oauth2-session-redis-'));
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    await kill(child);
    child = spawnServer(binary, port, dir);
    await waitReady(child, port).catch(async (error: unknown) => {
      await kill(child);
      throw error;
    });
  };
  await start().catch((error: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: () => kill(child),
    start,
    close: async () => {
      await kill(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One redis-server for a describe block, and stores on it that each start empty. */
export interface SharedRedis {
  /** The server's URL (set once the block's `beforeAll` ran). */
  readonly url: string;
  /** A key prefix no store used yet (several stores on one prefix act as several processes). */
  freshPrefix(): string;
  /** A store under a prefix of its own: an empty store on the shared server. */
  freshStore(): RedisStore;
}

/**
 * Starts one redis-server in the enclosing block's `beforeAll` and stops it in its `afterAll`,
 * for the contract suites that run against a real Redis.
 *
 * @example
 * ```ts
 * describe.skipIf(!redisAvailable())('X on a real redis-server', () => {
 *   const redis = sharedRedis('x');
 *   contract('X over RedisStore', async () => ({ store: redis.freshStore(), ... }));
 * });
 * ```
 */
export function sharedRedis(label: string): SharedRedis {
  let handle: RedisHandle | undefined;
  let n = 0;
  beforeAll(async () => {
    handle = await startRedis();
  });
  afterAll(async () => {
    await handle?.close();
  });
  const url = () => {
    if (!handle) throw new Error('sharedRedis: the server starts in beforeAll');
    return handle.url;
  };
  return {
    get url() {
      return url();
    },
    freshPrefix: () => `${label}-${++n}:`,
    freshStore: () => new RedisStore(url(), { prefix: `${label}-${++n}:` }),
  };
}
