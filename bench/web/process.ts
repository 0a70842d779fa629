/**
 * Starts a server as a child process and waits for its `listening <origin>` line on stdout (or
 * the example app's `open <origin>/ to log in` line). Shared by the Node targets (`serve.ts`,
 * the built example app) and the Python seed.
 */
import { spawn } from 'node:child_process';

/** A server running in a child process. */
export interface ChildServer {
  /** `http://127.0.0.1:<port>` as the child printed it. */
  url: string;
  /** The child's process id (for its memory). */
  pid: number;
  /** Sends SIGTERM and waits for the exit. */
  close(): Promise<void>;
}

const STARTUP_MS = 20_000;

/**
 * Spawns `command args` with exactly `env` (plus PATH) and answers once it prints its origin.
 * stderr is dropped: a crash report could hold a token from a local variable.
 */
export function spawnServer(
  name: string,
  command: string,
  args: readonly string[],
  env: Record<string, string>,
  cwd?: string,
  /** Gets every chunk the child writes on stdout, before and after it listens. */
  onOutput?: (text: string) => void,
): Promise<ChildServer> {
  const child = spawn(command, args, {
    cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const close = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    let out = '';
    let url: string | undefined;
    const fail = (why: string) => {
      clearTimeout(timer);
      void close().then(() => reject(new Error(`${name} ${why}`)));
    };
    const timer = setTimeout(() => fail(`did not start in ${STARTUP_MS / 1000} s`), STARTUP_MS);
    if (onOutput) child.stdout?.on('data', (chunk: Buffer) => onOutput(chunk.toString('utf8')));
    child.stdout?.on('data', (chunk: Buffer) => {
      if (url) return;
      out += chunk.toString('utf8');
      const found = /listening (http:\/\/[^\s]+)|open (http:\/\/[^\s]+?)\/ to log in/.exec(out);
      url = found?.[1] ?? found?.[2];
      if (!url) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve({ url, pid: child.pid ?? 0, close });
    });
    child.once('exit', (code) => fail(`exited with ${code} before listening`));
  });
}
