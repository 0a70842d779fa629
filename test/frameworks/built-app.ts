/**
 * Framework example apps built by their own tool and started as their own server, on
 * loopback. The apps import the package by its name and get the built `dist/`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertBuiltDist } from '../harness/built-dist.js';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The path of a script inside node_modules (`next/dist/bin/next`), run with this Node. */
export const bin = (path: string): string => join(ROOT, 'node_modules', path);

/** An environment for framework tools: no telemetry, no install prompts, nothing asked of a TTY. */
export function toolEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, NEXT_TELEMETRY_DISABLED: '1', CI: 'true', ...extra };
}

/** Runs a command to its end; rejects with its output when it fails. Answers milliseconds. */
export function run(
  command: string,
  args: string[],
  cwd: string,
  env = toolEnv(),
): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d));
    child.stderr.on('data', (d: Buffer) => (output += d));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve(performance.now() - started);
      else
        reject(new Error(`${command} ${args.join(' ')} exited ${code}:\n${output.slice(-4000)}`));
    });
  });
}

/**
 * Checks that `dist/` holds the current sources: the apps import the built package, so an old
 * `dist/` is an error that says to build, never a silent test of old code.
 */
export async function builtDist(): Promise<void> {
  assertBuiltDist('the framework examples suite');
}

let isolated: boolean | undefined;

/**
 * `command` and `args` run with no network at all where this machine can make a network
 * namespace (`unshare -rn`: loopback down, nothing outside), so a build that reaches for the
 * internet fails here instead of passing on a connected machine; elsewhere, as given.
 */
export async function offline(command: string, args: string[]): Promise<[string, string[]]> {
  isolated ??= await run('unshare', ['-rn', 'true'], ROOT).then(
    () => true,
    () => false,
  );
  return isolated ? ['unshare', ['-rn', command, ...args]] : [command, args];
}

/** A started app server. */
export interface RunningApp {
  readonly origin: string;
  close(): Promise<void>;
}

/**
 * Starts `command` and waits until `origin` answers; the process is stopped by `close`. A
 * server that exits first rejects with its output.
 */
export async function startServer(
  command: string,
  args: string[],
  cwd: string,
  origin: string,
  env: NodeJS.ProcessEnv,
): Promise<RunningApp> {
  // Its own process group, so stopping it stops whatever workers the framework's server forks.
  const child = spawn(command, args, {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d));
  child.stderr!.on('data', (d: Buffer) => (output += d));
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`${command} exited ${code}:\n${output}`))),
  );
  exited.catch(() => {});
  const deadline = Date.now() + 30_000;
  for (;;) {
    const up = await Promise.race([
      fetch(`${origin}/profile`, { redirect: 'manual' }).then(
        () => true,
        () => false,
      ),
      exited,
    ]);
    if (up) break;
    if (Date.now() > deadline) {
      stop(child);
      throw new Error(`${command} did not answer on ${origin} in 30 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { origin, close: () => stop(child) };
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    process.kill(-child.pid!, 'SIGTERM');
  });
}
