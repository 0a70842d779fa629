/**
 * The core entries run in a browser with nothing installed: bundling them for the browser
 * succeeds without `node:` built-ins, pulls in no package (runtime dependency or otherwise),
 * and stays small. The 8 kB goal is reported by `npm run bench`; the bound here only guards
 * against an accidental large import.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type BundleResult,
  browserEntries,
  bundleForBrowser,
  packagesIn,
  runtimeDependencies,
} from '../../bench/lib/bundle.js';

const SIZE_GUARD_BYTES = 16 * 1024;

describe.each(Object.entries(browserEntries))(
  'the %s entry bundled for the browser',
  (_, entry) => {
    let bundle: BundleResult;

    beforeAll(async () => {
      // A node: import or an unresolvable package makes this throw, failing every test below.
      bundle = await bundleForBrowser([entry]);
    });

    it('builds from the sources alone (platform browser, nothing external)', () => {
      expect(bundle.inputs).toContain(entry);
      expect(bundle.inputs.every((input) => input.startsWith('src/'))).toBe(true);
    });

    it('imports no node: built-in and no package', () => {
      const imports = Object.values(bundle.metafile.inputs).flatMap((i) => i.imports);
      expect(imports.filter((i) => i.path.startsWith('node:') || i.external)).toEqual([]);
      expect(packagesIn(bundle)).toEqual([]);
    });

    it('contains none of package.json runtime dependencies', () => {
      const deps = new Set(runtimeDependencies());
      expect(packagesIn(bundle).filter((name) => deps.has(name))).toEqual([]);
    });

    it(`is under ${SIZE_GUARD_BYTES / 1024} kB minified + gzip`, () => {
      expect(bundle.gzipBytes).toBeGreaterThan(0);
      expect(bundle.gzipBytes).toBeLessThan(SIZE_GUARD_BYTES);
    });
  },
);

describe('the bundle check itself', () => {
  it('rejects a source that imports a node: built-in', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bundle-check-'));
    try {
      const file = join(dir, 'uses-node.ts');
      await writeFile(file, "export { randomBytes } from 'node:crypto';\n");
      await expect(bundleForBrowser([file])).rejects.toThrow(/node:crypto/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
