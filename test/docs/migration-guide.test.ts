/**
 * Every ```ts block of docs/from-requests-oauthlib.md compiles: each is written as a module of
 * its own (with a shared preamble of the values the samples take as given) and the whole set is
 * type-checked once with the repository's compiler options, `oauth2-session` and its subpaths
 * resolved to `src/`. A sample that uses a name the library does not have fails this test.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const GUIDE = 'docs/from-requests-oauthlib.md';

/**
 * The values the samples use without defining them (configuration, the request at hand, a
 * store), as a global script: each sample sees them, none of them is in the guide.
 */
const PREAMBLE = `
declare const clientId: string;
declare const clientSecret: string;
declare const secret: string;
declare const AUTHORIZE_URL: string;
declare const TOKEN_URL: string;
declare const REVOCATION_URL: string;
declare const USER_URL: string;
declare const JWKS_URL: string;
declare const requestUrl: string;
declare const code: string;
declare const saved: string;
declare const savedState: string;
declare const savedVerifier: string;
declare const stored: string;
declare const username: string;
declare const password: string;
declare const ca: string;
declare const cert: string;
declare const key: string;
declare const token: import('oauth2-session').Token;
declare const session: import('oauth2-session').OAuth2Session;
declare function save(token: import('oauth2-session').Token): Promise<void>;
declare function loadToken(userId: string): Promise<import('oauth2-session').Token>;
declare const userId: string;
`;

interface Sample {
  /** The line of the opening fence in the guide (1-based). */
  line: number;
  code: string;
  skip: boolean;
}

/** The ```ts blocks of a Markdown text (```ts no-check ones marked to skip). */
function samplesOf(markdown: string): Sample[] {
  const samples: Sample[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```ts(?:\s+(no-check))?\s*$/.exec(lines[i] ?? '');
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i] ?? ''); i++) body.push(lines[i] ?? '');
    samples.push({ line: start + 1, code: body.join('\n'), skip: open[1] === 'no-check' });
  }
  return samples;
}

/** The repository's compiler options (paths included), for files outside its `include`. */
function compilerOptions(): ts.CompilerOptions {
  const configPath = join(ROOT, 'tsconfig.json');
  const read = ts.readConfigFile(configPath, ts.sys.readFile);
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, ROOT, undefined, configPath);
  // The guide's proxy and TLS samples import undici: a dependency of `oauth2-session/node`,
  // so its own types are installed and checked, as a reader's compiler sees them.
  return { ...parsed.options, noEmit: true };
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe(GUIDE, () => {
  const samples = samplesOf(readFileSync(join(ROOT, GUIDE), 'utf8'));

  it('has ts samples, none skipped', () => {
    expect(samples.length).toBeGreaterThan(10);
    expect(samples.filter((s) => s.skip).map((s) => s.line)).toEqual([]);
  });

  it('every ts sample type-checks against src/', () => {
    mkdirSync(join(ROOT, 'test-output'), { recursive: true });
    // Inside the repository (test-output/ is ignored) so that node_modules resolves.
    const dir = mkdtempSync(join(ROOT, 'test-output', 'migration-guide-'));
    dirs.push(dir);
    const preamble = join(dir, 'preamble.d.ts');
    writeFileSync(preamble, PREAMBLE);
    const files = new Map<string, Sample>();
    for (const sample of samples) {
      if (sample.skip) continue;
      const file = join(dir, `sample-line-${sample.line}.mts`);
      // `export {}` makes each sample a module even when it imports nothing.
      writeFileSync(file, `${sample.code}\nexport {};\n`);
      files.set(file, sample);
    }

    const program = ts.createProgram([preamble, ...files.keys()], compilerOptions());
    const diagnostics = [
      ...program.getOptionsDiagnostics(),
      ...program.getGlobalDiagnostics(),
      ...[preamble, ...files.keys()].flatMap((f) => {
        const source = program.getSourceFile(f);
        return source
          ? [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]
          : [];
      }),
    ];
    const report = diagnostics.map((d) => {
      const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
      if (!d.file || d.start === undefined) return message;
      const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
      const sample = files.get(d.file.fileName);
      const where = sample
        ? `${GUIDE}:${sample.line + 1 + line}:${character + 1}`
        : `${relative(ROOT, d.file.fileName)}:${line + 1}:${character + 1}`;
      return `${where} TS${d.code}: ${message}`;
    });
    expect(report.join('\n')).toBe('');
    expect(files.size).toBe(samples.length);
  });
});
