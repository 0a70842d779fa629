/**
 * The built package (`dist/`, resolved through package.json `exports`, as an application's
 * bundler resolves it) bundled with esbuild for a runtime or a page. The runtime suite tests
 * what ships, so a `dist/` older than `src/` is an error that says to build, never a silent
 * test of old code.
 */
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile, type Platform, type Plugin } from 'esbuild';
import { assertBuiltDist } from '../../harness/built-dist.js';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * The root of the package under test: `OAUTH2_SESSION_PACKAGE_DIR` (another build of it, such
 * as an unpacked tarball), else this repository, whose `dist/` must then be newer than `src/`.
 */
export function packageDir(): string {
  const other = process.env.OAUTH2_SESSION_PACKAGE_DIR;
  if (other) return other;
  assertBuiltDist('the runtime suite');
  return repoRoot;
}

/** A scratch folder where `oauth2-session` resolves to the package under test. */
export interface Workspace {
  dir: string;
  remove(): Promise<void>;
}

/** Makes a scratch folder with `node_modules/oauth2-session` linked to {@link packageDir}. */
export async function workspace(): Promise<Workspace> {
  const pkg = packageDir();
  const dir = await mkdtemp(join(tmpdir(), 'oauth2-session-runtimes-'));
  await mkdir(join(dir, 'node_modules'));
  await symlink(pkg, join(dir, 'node_modules', 'oauth2-session'), 'dir');
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** What {@link bundle} builds. */
export interface BundleOptions {
  /** A file under test/runtimes/scenarios/ (its name there). */
  entry: string;
  /** `neutral` for server runtimes (default settings: no main fields, no conditions added). */
  platform: Platform;
  /** Values the scenario reads as `__RUNTIME_CONFIG__`. */
  config: unknown;
  /** Where to write `<out>`; the workspace's folder. */
  workspace: Workspace;
  out: string;
}

/** A bundle written to disk, with esbuild's account of what went in. */
export interface Bundled {
  path: string;
  metafile: Metafile;
}

/**
 * Bundles a scenario the way an application would bundle its code with this package: one ESM
 * file, `oauth2-session` imports resolved through the package's `exports`, nothing external.
 */
export async function bundle(options: BundleOptions): Promise<Bundled> {
  const path = join(options.workspace.dir, options.out);
  const result = await build({
    entryPoints: [fileURLToPath(new URL(`../scenarios/${options.entry}`, import.meta.url))],
    // No tsconfig `paths` (they point at src/): the package resolves as an application sees it.
    tsconfigRaw: {},
    plugins: [fromWorkspace(options.workspace)],
    bundle: true,
    platform: options.platform,
    format: 'esm',
    target: 'es2022',
    outfile: path,
    metafile: true,
    logLevel: 'silent',
    define: { __RUNTIME_CONFIG__: JSON.stringify(options.config) },
  });
  return { path, metafile: result.metafile };
}

/**
 * Resolves `oauth2-session` imports from the workspace (its `node_modules` link and the
 * package's `exports`), not by the repository's own name: a scenario inside the repository
 * would otherwise reach this checkout's dist/ by self-reference, whatever the package under test.
 */
function fromWorkspace(space: Workspace): Plugin {
  return {
    name: 'oauth2-session-from-workspace',
    setup(build) {
      build.onResolve({ filter: /^oauth2-session(\/|$)/ }, async (args) => {
        if (args.pluginData === space) return undefined;
        const resolved = await build.resolve(args.path, {
          kind: args.kind,
          resolveDir: space.dir,
          pluginData: space,
        });
        return resolved.errors.length > 0 ? { errors: resolved.errors } : { path: resolved.path };
      });
    },
  };
}

/** The package's files (relative to its root) that went into a bundle. */
export function packageInputs(bundled: Bundled): string[] {
  const root = `${packageDir().replace(/\/$/, '')}/`;
  return Object.keys(bundled.metafile.inputs)
    .map((input) => (input.startsWith('/') ? input : join(process.cwd(), input)))
    .filter((input) => input.startsWith(root))
    .map((input) => input.slice(root.length));
}
