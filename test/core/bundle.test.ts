import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const entry = (p: string) => fileURLToPath(new URL(`../../src/${p}`, import.meta.url));

async function bundle(path: string) {
  const result = await build({
    entryPoints: [entry(path)],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return { code: result.outputFiles[0]!.contents, meta: result.metafile };
}

describe('core bundle', () => {
  for (const path of ['index.ts', 'providers/index.ts']) {
    it(`${path} bundles for the browser with no node: imports and no dependencies`, async () => {
      const { code, meta } = await bundle(path);
      const imports = Object.values(meta.inputs).flatMap((i) => i.imports.map((x) => x.path));
      expect(imports.filter((p) => !p.startsWith('src/'))).toEqual([]);
      expect(Object.keys(meta.inputs).every((p) => p.startsWith('src/'))).toBe(true);
      expect(new TextDecoder().decode(code)).not.toMatch(/\bnode:/);
    });
  }

  // The budget was 8 kB before the core held one transport for every request (redirects
  // followed hop by hop under the https rule, deadlines over bodies), the endpoint pipeline with
  // its staged hooks, server metadata and strategy values: measured when they landed, the session
  // alone was 8.75 kB, and 8.7 kB with every error message emptied. 10 kB held the core to what
  // those rules cost, until the session's refresh log lines (pino-shaped logger, a code that
  // never carries a server's free text) and the installable SHA-256 took it to 10.1 kB: 10.25 kB
  // is that decision. The next core feature (DPoP, PAR) needs savings, or a new decision, first.
  it('index.ts is at most 10.25 kB minified + gzip', async () => {
    const { code } = await bundle('index.ts');
    expect(gzipSync(code).byteLength).toBeLessThanOrEqual(10_496);
  });
});
