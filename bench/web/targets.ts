/**
 * How the web benchmarks start their Node targets: the example app as `npm start` runs it
 * (built by `npm run build:example`, then plain `node`), and the bench's own servers
 * (`serve.ts`: the provider, the floor, the peer) through tsx.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type ChildServer, spawnServer } from './process.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const serveScript = fileURLToPath(new URL('./serve.ts', import.meta.url));

/**
 * A bench server of `serve.ts` (`provider`, `floor`, `peer`, ...) in its own process;
 * `nodeFlags` go before the script.
 */
export function spawnNode(
  kind: string,
  env: Record<string, string>,
  nodeFlags: readonly string[] = [],
): Promise<ChildServer> {
  const args = [...nodeFlags, '--import', 'tsx', serveScript, kind];
  return spawnServer(kind, process.execPath, args, env, repoRoot);
}

/** Where `npm run build:example` writes the example app (package.json). */
const builtExamples = `${repoRoot}node_modules/.cache/oauth2-session/examples/`;

/** Builds the example app as `npm start` does; throws when the build fails. */
export function buildExample(): void {
  const built = spawnSync('npm', ['run', '--silent', 'build:example'], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  if (built.status !== 0) throw new Error(`npm run build:example failed: ${built.stderr}`);
}

/**
 * The built example app (`express` or `hono`), started with plain node as `npm start` does;
 * `nodeFlags` go before the script, and `onOutput` gets its stdout.
 */
export function spawnExample(
  kind: 'express' | 'hono',
  env: Record<string, string>,
  nodeFlags: readonly string[] = [],
  onOutput?: (text: string) => void,
) {
  const args = [...nodeFlags, `${builtExamples}${kind}.mjs`];
  return spawnServer(kind, process.execPath, args, env, repoRoot, onOutput);
}
