/**
 * The package as npm ships it: `npm pack` of a copy of this working tree (its `prepack` builds
 * `dist/` there, so the repository's own `dist/` is never rewritten under other tests), the
 * tarball linted by publint and arethetypeswrong, installed in a fresh folder with every entry's
 * optional peer, imported by plain Node, signed in through, and type-checked by a strict
 * consumer under NodeNext and Bundler resolution.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CONSUMER_SOURCES = fileURLToPath(new URL('./consumer/', import.meta.url));
const inModules = (path: string) => join(ROOT, 'node_modules', path);

/** Always in a tarball besides `files` (npm adds them itself) or named in `files`. */
const TOP_LEVEL_FILES = ['CHANGELOG.md', 'LICENSE', 'README.md', 'package.json'];
/** Types a TypeScript consumer adds: Express 5 ships none, and Node's for the Node entries. */
const CONSUMER_TYPES = ['@types/express', '@types/node'];

interface Manifest {
  exports: Record<string, string | { types: string; default: string }>;
  bin: Record<string, string>;
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
}

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end; a non-zero exit is a result, not a throw. */
function run(command: string, args: string[], cwd: string): Promise<Result> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs a command that must succeed; its output is in the error otherwise. */
async function must(command: string, args: string[], cwd: string): Promise<string> {
  const result = await run(command, args, cwd);
  if (result.code !== 0) {
    const what = [command, ...args].map((a) => basename(a)).join(' ');
    throw new Error(`${what} exited ${result.code}\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

const node = (script: string, args: string[], cwd: string) =>
  must(process.execPath, [script, ...args], cwd);

/** `oauth2-session` + subpath, as a consumer writes it. */
const specifier = (subpath: string) =>
  subpath === '.' ? 'oauth2-session' : `oauth2-session/${subpath.slice(2)}`;

/** The source of an entry: `./dist/web/index.js` is built from `src/web/index.ts`. */
const sourceOf = (target: string) =>
  join(ROOT, target.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts'));

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

/** A strict consumer's compiler options: those an application with every check on has. */
function consumerTsconfig(resolution: 'NodeNext' | 'Bundler', skipLibCheck: boolean) {
  return {
    compilerOptions: {
      target: 'ES2022',
      module: resolution === 'NodeNext' ? 'NodeNext' : 'ESNext',
      moduleResolution: resolution,
      lib: ['ES2022', 'DOM', 'DOM.Iterable'],
      types: ['node'],
      strict: true,
      exactOptionalPropertyTypes: true,
      noUncheckedIndexedAccess: true,
      verbatimModuleSyntax: true,
      skipLibCheck,
      noEmit: true,
    },
    include: ['src/*.ts'],
  };
}

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest;
const subpaths = Object.keys(manifest.exports).filter((s) => s !== './package.json');
const targets = Object.values(manifest.exports).flatMap((t) =>
  typeof t === 'string' ? [t] : [t.types, t.default],
);

describe('npm package', () => {
  let temp: string;
  let tarball: string;
  let shipped: string[];
  let consumer: string;
  /** What run.mjs printed, run once from inside the consumer (bare imports resolve there). */
  let ran: Promise<{ exported: Record<string, string[]>; steps: number[]; user: string }>;
  const runConsumer = () => {
    ran ??= node('run.mjs', [], consumer).then((out) => JSON.parse(out));
    return ran;
  };

  beforeAll(async () => {
    temp = await mkdtemp(join(tmpdir(), 'oauth2-session-pack-'));
    // The working tree as git sees it (tracked and new files, nothing ignored: no dist/, no
    // node_modules/, no build output), so `files` alone decides what of it ships.
    const tree = join(temp, 'tree');
    const listed = await must(
      'git',
      ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
      ROOT,
    );
    // node_modules is linked below (a node_modules symlink is not matched by `node_modules/`).
    const copied = listed.split('\0').filter((f) => f && !f.startsWith('node_modules'));
    for (const file of copied.filter((f) => existsSync(join(ROOT, f))))
      cpSync(join(ROOT, file), join(tree, file));
    await symlink(join(ROOT, 'node_modules'), join(tree, 'node_modules'), 'dir');
    const packed = await must('npm', ['pack', '--json', '--pack-destination', temp], tree);
    const [report] = JSON.parse(packed) as [{ filename: string; files: { path: string }[] }];
    tarball = join(temp, report.filename);
    shipped = report.files.map((f) => f.path).sort();

    consumer = join(temp, 'consumer');
    mkdirSync(join(consumer, 'src'), { recursive: true });
    writeFileSync(
      join(consumer, 'package.json'),
      JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
    );
    // A real `npm install` with no network: the dependencies and every optional peer come from
    // this repository's node_modules by path, so npm resolves the tarball's ranges against them
    // (`--offline` fails on anything it would have to fetch). Only what package.json declares is
    // there: an import of an undeclared package fails below.
    const beside = [
      ...Object.keys(manifest.dependencies),
      ...Object.keys(manifest.peerDependencies),
      ...CONSUMER_TYPES,
    ].map((name) => inModules(name));
    const install = ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'];
    await must('npm', [...install, tarball, ...beside], consumer);
    cpSync(join(CONSUMER_SOURCES, 'run.mjs'), join(consumer, 'run.mjs'));
  }, 300_000);

  afterAll(async () => {
    if (temp) await rm(temp, { recursive: true, force: true });
  });

  it('npm pack builds dist/ and ships it with the docs only: one .js and .d.ts per source, no maps', () => {
    const sources = filesUnder(join(ROOT, 'src'))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => relative(join(ROOT, 'src'), f).replace(/\.ts$/, ''));
    const built = sources.flatMap((s) => [`dist/${s}.d.ts`, `dist/${s}.js`]);
    expect(shipped).toEqual([...TOP_LEVEL_FILES, ...built].sort());
  });

  it('npm pack ships every exports target and the bin, which starts with a shebang', async () => {
    for (const target of [...targets, ...Object.values(manifest.bin)])
      expect(shipped).toContain(target.replace(/^\.\//, ''));
    const cli = join(consumer, 'node_modules', '.bin', Object.keys(manifest.bin)[0]!);
    expect(readFileSync(cli, 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
    expect(await must(cli, ['--help'], consumer)).toMatch(/^Usage: oauth2-dev-provider/);
  });

  it('publint --strict finds nothing in the tarball', async () => {
    const out = await node(inModules('publint/src/cli.js'), ['--strict', tarball], temp);
    expect(out).toContain('All good!');
  });

  // ESM only, on purpose: the esm-only profile leaves out node10 (TypeScript's legacy resolution,
  // which ignores `exports`) and require() from CommonJS; every other resolution must be clean.
  it('arethetypeswrong: every entry resolves to its types and ESM under node16 and bundler', async () => {
    const attw = inModules('@arethetypeswrong/cli/dist/index.js');
    const args = [tarball, '--profile', 'esm-only', '--no-definitely-typed', '--format', 'json'];
    const result = await run(process.execPath, [attw, ...args], temp);
    const { analysis } = JSON.parse(result.stdout) as {
      analysis: {
        problems: { resolutionKind?: string }[];
        entrypoints: Record<
          string,
          { resolutions: Record<string, { resolution?: { fileName: string } }> }
        >;
      };
    };
    expect(
      analysis.problems.filter((p) => !['node10', 'node16-cjs'].includes(p.resolutionKind!)),
    ).toEqual([]);
    for (const subpath of subpaths) {
      const entry = manifest.exports[subpath] as { types: string };
      for (const kind of ['node16-esm', 'bundler']) {
        const resolved = analysis.entrypoints[subpath]?.resolutions[kind]?.resolution?.fileName;
        expect(resolved, `${subpath} (${kind})`).toBe(
          `/node_modules/oauth2-session/${entry.types.slice(2)}`,
        );
      }
    }
    expect(result.code).toBe(0);
  });

  it('plain Node imports every subpath, each with the exports of its source entry', async () => {
    const { exported } = await runConsumer();
    expect(Object.keys(exported).sort()).toEqual([...subpaths].sort());
    for (const subpath of subpaths) {
      const entry = manifest.exports[subpath] as { default: string };
      const source = (await import(sourceOf(entry.default))) as Record<string, unknown>;
      expect(exported[subpath], subpath).toEqual(Object.keys(source).sort());
    }
  });

  // `sideEffects` lets bundlers drop modules whose exports go unused; loading the node entry
  // installs node:crypto's primitives as the defaults, which must survive that.
  it('a bundler keeps the module oauth2-session/node runs on load (its sideEffects entry)', async () => {
    const entry = join(consumer, 'bundled.mjs');
    writeFileSync(
      entry,
      "import { OAuth2Session } from 'oauth2-session/node';\nvoid OAuth2Session;\n",
    );
    const external = [
      ...Object.keys(manifest.dependencies),
      ...Object.keys(manifest.peerDependencies),
    ];
    const { metafile } = await build({
      entryPoints: [entry],
      absWorkingDir: consumer,
      bundle: true,
      platform: 'node',
      format: 'esm',
      external,
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    expect(Object.keys(metafile.inputs)).toContain(
      'node_modules/oauth2-session/dist/node/crypto.js',
    );
  });

  it('the installed package signs a user in: dev provider, GitHub preset, web handlers', async () => {
    const { steps, user } = await runConsumer();
    // login 302, provider approves 302, callback 302, profile 200, as the provider's user.
    expect({ steps, user }).toEqual({ steps: [302, 302, 302, 200], user: 'octocat' });
  });

  describe('a strict consumer type-checks', () => {
    beforeAll(() => {
      for (const subpath of subpaths) {
        const file = `${subpath === '.' ? 'core' : subpath.slice(2)}.ts`;
        const own = join(CONSUMER_SOURCES, file);
        // An entry with no consumer written for it yet is still imported, and so type-checked.
        const text = readdirSync(CONSUMER_SOURCES).includes(file)
          ? readFileSync(own, 'utf8')
          : `import * as entry from '${specifier(subpath)}';\nexport const names = Object.keys(entry);\n`;
        writeFileSync(join(consumer, 'src', file), text);
      }
      const node16 = consumerTsconfig('NodeNext', false);
      writeFileSync(join(consumer, 'tsconfig.nodenext.json'), JSON.stringify(node16));
      const bundler = consumerTsconfig('Bundler', true);
      writeFileSync(join(consumer, 'tsconfig.bundler.json'), JSON.stringify(bundler));
    });

    // Without skipLibCheck: a declaration file that names a stripped @internal is an error here.
    it('under NodeNext, with exactOptionalPropertyTypes, checking the shipped .d.ts too', async () => {
      const tsc = inModules('typescript/bin/tsc');
      const result = await run(process.execPath, [tsc, '-p', 'tsconfig.nodenext.json'], consumer);
      expect(result.stdout).toBe('');
      expect(result.code).toBe(0);
    }, 180_000);

    it('under Bundler resolution, with exactOptionalPropertyTypes', async () => {
      const tsc = inModules('typescript/bin/tsc');
      const result = await run(process.execPath, [tsc, '-p', 'tsconfig.bundler.json'], consumer);
      expect(result.stdout).toBe('');
      expect(result.code).toBe(0);
    }, 180_000);
  });
});
