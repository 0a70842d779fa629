/**
 * The entries meant for any runtime bundle for esbuild's `neutral` platform with its default
 * settings (no main fields, no extra conditions, nothing external), as a Worker or Deno build
 * starts: `oauth2-session`, `/providers`, `/web` (its cookie codec is its own: the CommonJS
 * `cookie` package needed `--main-fields` here) and `/oidc`. None pulls in a `node:` module.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Workspace, workspace } from './harness/package.js';

const ENTRIES = [
  'oauth2-session',
  'oauth2-session/providers',
  'oauth2-session/web',
  'oauth2-session/oidc',
];

let space: Workspace;

beforeAll(async () => {
  space = await workspace();
});

afterAll(async () => {
  await space?.remove();
});

describe.each(ENTRIES)('%s bundled for the neutral platform', (entry) => {
  it('builds with default settings and imports no node: module', async () => {
    const app = join(space.dir, `${entry.replaceAll('/', '-')}.mjs`);
    await writeFile(app, `export * from '${entry}';\n`);
    const result = await build({
      entryPoints: [app],
      absWorkingDir: space.dir,
      bundle: true,
      platform: 'neutral',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.values(result.metafile.inputs);
    const imports = inputs.flatMap((input) => input.imports.map((i) => i.path));
    expect(imports.filter((path) => path.startsWith('node:'))).toEqual([]);
    expect(inputs.flatMap((input) => input.imports.filter((i) => i.external))).toEqual([]);
    expect(Object.keys(result.metafile.inputs).some((path) => path.includes('/cookie/'))).toBe(
      false,
    );
    expect(result.outputFiles[0]?.text).toMatch(/export\s*\{/);
  });
});
