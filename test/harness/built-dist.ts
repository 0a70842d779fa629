/**
 * The suites that test the built package (runtimes, framework apps) check first that `dist/`
 * holds the current sources: an old `dist/` is an error that says to build, never a silent
 * test of old code.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** A source file whose `dist/` output is missing or older than it, if any. */
function staleSource(): string | undefined {
  const src = join(repoRoot, 'src');
  for (const file of sourceFiles(src)) {
    const built = join(repoRoot, 'dist', relative(src, file)).replace(/\.ts$/, '.js');
    if (!existsSync(built) || statSync(built).mtimeMs < statSync(file).mtimeMs) {
      return relative(repoRoot, file);
    }
  }
  return undefined;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Throws unless this checkout's `dist/` is newer than every source; `suite` names the caller. */
export function assertBuiltDist(suite: string): void {
  const stale = staleSource();
  if (stale) {
    throw new Error(
      `dist/ is older than ${stale} (or lacks it): run \`npm run build\` first; ${suite} tests the built package`,
    );
  }
}
