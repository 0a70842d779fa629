/**
 * The runtimes under test, from npm's packages only (nothing downloaded from elsewhere): Bun
 * and Deno as child processes, workerd through miniflare. Each runs a bundled file with no
 * network beyond loopback: Deno by its permissions (`--allow-net=127.0.0.1`, no remote or npm
 * imports), Bun and workerd because the bundles import nothing and the tests give them
 * loopback URLs only.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { repoRoot, type Workspace } from './package.js';

/** A runtime that runs server-side code. */
export type ServerRuntime = 'bun' | 'deno' | 'workerd';

export const SERVER_RUNTIMES: readonly ServerRuntime[] = ['bun', 'deno', 'workerd'];

const bin = (name: string) => join(repoRoot, 'node_modules', '.bin', name);

/** miniflare's `workerd` dependency: the binary's path and the newest date it supports. */
function workerd(): { default: string; compatibilityDate: string } {
  return createRequire(join(repoRoot, 'package.json'))('workerd');
}

/** Where each runtime's executable comes from (the npm packages in devDependencies). */
function executable(runtime: ServerRuntime): string {
  return runtime === 'workerd' ? workerd().default : bin(runtime);
}

/**
 * Why `runtime` cannot run here, or `undefined` when it can. Under `CI=true` a missing runtime
 * is an error, so the run fails instead of going green.
 */
export function runtimeSkipReason(runtime: ServerRuntime): string | undefined {
  let path: string | undefined;
  try {
    path = executable(runtime);
  } catch {
    path = undefined;
  }
  if (path && existsSync(path)) return undefined;
  const reason = `${runtime} not found (${path ?? 'no package'}); it comes with npm ci`;
  if (process.env.CI === 'true') throw new Error(`${reason}; CI requires the runtime suite`);
  console.warn(`skipping ${runtime} tests: ${reason}`);
  return reason;
}

/** Environment for a child runtime: no update checks, no telemetry, caches in the workspace. */
function childEnv(workspace: Workspace): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: workspace.dir,
    NO_COLOR: '1',
    DO_NOT_TRACK: '1',
    DENO_DIR: join(workspace.dir, 'deno-cache'),
    DENO_NO_UPDATE_CHECK: '1',
    DENO_NO_PROMPT: '1',
    BUN_INSTALL_CACHE_DIR: join(workspace.dir, 'bun-cache'),
  };
}

/** Deno's flags: loopback network only, nothing resolved remotely, no project files read. */
const DENO_FLAGS = [
  '--no-prompt',
  '--no-remote',
  '--no-npm',
  '--no-config',
  '--no-lock',
  '--allow-net=127.0.0.1',
];

/** The command line that runs `file` as a program. */
function programArgs(runtime: 'bun' | 'deno', file: string): string[] {
  return runtime === 'bun' ? ['run', '--no-install', file] : ['run', ...DENO_FLAGS, file];
}

/** What a program printed, and how it ended. */
export interface ProgramResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a bundled program on Bun or Deno to its end (killed after `timeoutMs`). */
export function runProgram(
  runtime: 'bun' | 'deno',
  file: string,
  workspace: Workspace,
  timeoutMs = 30_000,
): Promise<ProgramResult> {
  const child = spawn(bin(runtime), programArgs(runtime, file), {
    cwd: workspace.dir,
    env: childEnv(workspace),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    const out = collect(child);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, ...out() });
    });
  });
}

function collect(child: ChildProcess): () => { stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  return () => ({ stdout, stderr });
}

/** A web app a runtime serves; `fetch` reaches it as a browser's request would. */
export interface ServedApp {
  origin: string;
  fetch(path: string, init?: RequestInit): Promise<Response>;
  stop(): Promise<void>;
}

/**
 * Serves a bundled app on Bun (`bun run` of a default export with `fetch`) or Deno (`deno
 * serve`) at `origin`, and waits until its `/runtime` route answers.
 */
export async function serveApp(
  runtime: 'bun' | 'deno',
  file: string,
  origin: string,
  workspace: Workspace,
): Promise<ServedApp> {
  const port = new URL(origin).port;
  const args =
    runtime === 'bun'
      ? ['run', '--no-install', file]
      : ['serve', '--host', '127.0.0.1', '--port', port, ...DENO_FLAGS, file];
  const child = spawn(bin(runtime), args, {
    cwd: workspace.dir,
    env: childEnv(workspace),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = collect(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  try {
    await waitUntilUp(origin, exited);
  } catch (error) {
    await stop();
    const { stderr } = output();
    throw new Error(`${runtime} did not serve ${origin}: ${(error as Error).message}\n${stderr}`);
  }
  const fetchApp = (path: string, init?: RequestInit) =>
    fetch(new URL(path, origin), { redirect: 'manual', ...init });
  return { origin, fetch: fetchApp, stop };
}

/** Polls `origin/runtime` until it answers 200; fails when the process exits or after 20 s. */
async function waitUntilUp(origin: string, exited: Promise<void>): Promise<void> {
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (gone) throw new Error('the process exited');
    try {
      const response = await fetch(`${origin}/runtime`);
      await response.body?.cancel();
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('no answer within 20 s');
}

/**
 * Runs a bundled Worker module in workerd (through miniflare); `fetch` dispatches a request
 * to it as if it came from the internet, to the URL given.
 */
export async function serveWorker(file: string, origin: string): Promise<ServedApp> {
  const { Miniflare } = await import('miniflare');
  const mf = new Miniflare({
    modules: true,
    scriptPath: file,
    // workerd refuses module paths that climb out of this root ("..").
    modulesRoot: dirname(file),
    compatibilityDate: workerd().compatibilityDate,
    // A fixed `request.cf`: without it, miniflare fetches one from workers.cloudflare.com.
    cf: false,
  });
  await mf.ready;
  const fetchWorker = async (path: string, init?: RequestInit): Promise<Response> => {
    const answer = await mf.dispatchFetch(new URL(path, origin).href, {
      redirect: 'manual',
      ...(init as object),
    });
    // miniflare answers its own Response class: read it into the platform's.
    const body = await answer.arrayBuffer();
    const headers = new Headers();
    for (const [name, value] of answer.headers) if (name !== 'set-cookie') headers.set(name, value);
    for (const cookie of answer.headers.getSetCookie()) headers.append('set-cookie', cookie);
    return new Response(answer.status === 204 || answer.status === 304 ? null : body, {
      status: answer.status,
      headers,
    });
  };
  return { origin, fetch: fetchWorker, stop: () => mf.dispose() };
}
