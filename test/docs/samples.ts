/**
 * Type-checking the ```ts samples of a Markdown page: each sample is written as a module of its
 * own, next to a global script of the values the samples take as given, and the whole set is
 * checked once with the repository's compiler options (`oauth2-session` and its subpaths
 * resolved to `src/`). A diagnostic is reported at the sample's line in the page.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** One ```ts block of a page. */
export interface Sample {
  /** The line of the opening fence in the page (1-based). */
  line: number;
  code: string;
  /** Fenced as ```ts no-check: shown, not compiled. */
  skip: boolean;
}

/** The ```ts blocks of a Markdown text; `firstLine` is the text's first line in its page. */
export function samplesOf(markdown: string, firstLine = 1): Sample[] {
  const samples: Sample[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```ts(?:\s+(no-check))?\s*$/.exec(lines[i] ?? '');
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i] ?? ''); i++) body.push(lines[i] ?? '');
    samples.push({ line: firstLine + start, code: body.join('\n'), skip: open[1] === 'no-check' });
  }
  return samples;
}

/** The repository's compiler options (paths included), for files outside its `include`. */
function compilerOptions(): ts.CompilerOptions {
  const configPath = join(ROOT, 'tsconfig.json');
  const config = ts.readConfigFile(configPath, ts.sys.readFile);
  if (config.error)
    throw new Error(ts.flattenDiagnosticMessageText(config.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT, undefined, configPath);
  return { ...parsed.options, noEmit: true };
}

/**
 * Compiles the samples that are not skipped with `globals` (a script of `declare`s) and answers
 * every diagnostic as `page:line:column TSnnnn: message`, one per line; '' when all compile.
 */
export function typeCheckSamples(page: string, samples: Sample[], globals: string): string {
  mkdirSync(join(ROOT, 'test-output'), { recursive: true });
  // Inside the repository (test-output/ is ignored) so that node_modules resolves.
  const dir = mkdtempSync(join(ROOT, 'test-output', 'samples-'));
  try {
    const globalsFile = join(dir, 'globals.d.ts');
    writeFileSync(globalsFile, globals);
    const files = new Map<string, Sample>();
    for (const sample of samples) {
      if (sample.skip) continue;
      const file = join(dir, `sample-line-${sample.line}.mts`);
      // `export {}` makes each sample a module even when it imports nothing.
      writeFileSync(file, `${sample.code}\nexport {};\n`);
      files.set(file, sample);
    }
    const names = [globalsFile, ...files.keys()];
    const program = ts.createProgram(names, compilerOptions());
    const diagnostics = [
      ...program.getOptionsDiagnostics(),
      ...program.getGlobalDiagnostics(),
      ...names.flatMap((name) => {
        const source = program.getSourceFile(name);
        return source
          ? [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]
          : [];
      }),
    ];
    return diagnostics
      .map((d) => {
        const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
        if (!d.file || d.start === undefined) return message;
        const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
        const sample = files.get(d.file.fileName);
        const where = sample
          ? `${page}:${sample.line + 1 + line}:${character + 1}`
          : `${relative(ROOT, d.file.fileName)}:${line + 1}:${character + 1}`;
        return `${where} TS${d.code}: ${message}`;
      })
      .join('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
