/**
 * Bundles the browser-facing entries (`oauth2-session`, `oauth2-session/providers`) the way an
 * application's bundler would: esbuild, platform browser, ESM, minified, nothing external.
 * A `node:` import or a runtime dependency makes the build fail or shows in its inputs.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';

const ENTRY_NAME = '<entry>';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** The public browser entries and their sources. */
export const browserEntries = {
  core: 'src/index.ts',
  providers: 'src/providers/index.ts',
} as const;

export interface BundleResult {
  /** Minified bytes. */
  minBytes: number;
  /** Minified, then gzip level 9. */
  gzipBytes: number;
  /** Input files of the bundle, relative to the repository root. */
  inputs: string[];
  metafile: Metafile;
}

/** Bundles the given source entries (repo-relative or absolute) into one browser ESM module. */
export async function bundleForBrowser(entries: string[]): Promise<BundleResult> {
  const specifier = (e: string) => JSON.stringify(e.startsWith('/') ? e : `./${e}`);
  const contents = entries.map((e) => `export * from ${specifier(e)};`).join('\n');
  const result = await build({
    stdin: { contents, resolveDir: repoRoot, sourcefile: ENTRY_NAME, loader: 'js' },
    absWorkingDir: repoRoot,
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.contents;
  return {
    minBytes: code.byteLength,
    gzipBytes: gzipSync(code, { level: 9 }).byteLength,
    inputs: Object.keys(result.metafile.inputs).filter((input) => input !== ENTRY_NAME),
    metafile: result.metafile,
  };
}

/** Names in package.json `dependencies` (what an install pulls in at runtime). */
export function runtimeDependencies(): string[] {
  const pkg = JSON.parse(readFileSync(`${repoRoot}package.json`, 'utf8')) as {
    dependencies?: Record<string, string> | undefined;
  };
  return Object.keys(pkg.dependencies ?? {});
}

/** Runtime dependencies (or any node_modules package) that a bundle's inputs came from. */
export function packagesIn(bundle: BundleResult): string[] {
  const names = bundle.inputs
    .map((input) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1])
    .filter((name): name is string => name !== undefined);
  return [...new Set(names)];
}
