/**
 * The README's reference parts against the sources they describe, so they stay complete:
 * the Error codes table against every code the library can raise, the example app's variable
 * table against every variable it reads, the Install table against package.json (entries and
 * the peer each one's modules import), the API reference configuration against the entries,
 * and the Quick start samples against the compiler.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ROOT, samplesOf, typeCheckSamples } from './samples.js';

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const README = read('README.md');

/** The text of the `## title` section, up to the next `## ` heading. */
function section(title: string): string {
  const lines = README.split('\n');
  const start = lines.indexOf(`## ${title}`);
  if (start < 0) throw new Error(`README has no "## ${title}" section`);
  const end = lines.findIndex((line, i) => i > start && line.startsWith('## '));
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
}

/** The rows of the Markdown tables in `text`, as cells (header and rule rows left out). */
function tableRows(text: string): string[][] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('|') && !/^\|[\s|:-]+\|$/.test(line))
    .map((line) =>
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim()),
    );
}

/** The `backticked` words of a cell. */
const quoted = (cell: string | undefined): string[] =>
  [...(cell ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? '');

const parse = (path: string) =>
  ts.createSourceFile(path, read(path), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);

/** Every .ts file under `dir` (relative to the repository). */
function tsFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f));
}

/** The string literal members of the type alias `name` in `path`. */
function unionMembers(path: string, name: string): string[] {
  const members: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isTypeAliasDeclaration(node) && node.name.text === name) {
      const type = node.type;
      for (const t of ts.isUnionTypeNode(type) ? type.types : [type])
        if (ts.isLiteralTypeNode(t) && ts.isStringLiteral(t.literal)) members.push(t.literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(parse(path));
  if (members.length === 0) throw new Error(`${path} has no string union ${name}`);
  return members;
}

/**
 * The codes error classes carry themselves: a `code` property with a string initializer
 * (`readonly code = 'SESSION_STORE_UNAVAILABLE'`) in any class of src/.
 */
function classCodes(): Map<string, string> {
  const codes = new Map<string, string>();
  for (const path of tsFiles('src')) {
    const visit = (node: ts.Node) => {
      if (
        ts.isPropertyDeclaration(node) &&
        ts.isIdentifier(node.name) &&
        node.name.text === 'code' &&
        node.initializer &&
        ts.isStringLiteral(node.initializer) &&
        ts.isClassLike(node.parent)
      )
        codes.set(node.initializer.text, `${path} (${node.parent.name?.text ?? 'class'})`);
      ts.forEachChild(node, visit);
    };
    visit(parse(path));
  }
  return codes;
}

/**
 * The OpenID Connect error classes that name a rule in `check`: the class's code (the `code`
 * it passes to `super`) and the members of its check union.
 */
function checkedClasses(): { name: string; code: string; checks: string[] }[] {
  const path = 'src/oidc/errors.ts';
  const found: { name: string; code: string; checks: string[] }[] = [];
  for (const statement of parse(path).statements) {
    if (!ts.isClassDeclaration(statement) || !statement.name) continue;
    let checkType: string | undefined;
    let code: string | undefined;
    const visit = (node: ts.Node) => {
      if (
        ts.isPropertyDeclaration(node) &&
        ts.isIdentifier(node.name) &&
        node.name.text === 'check' &&
        node.type &&
        ts.isTypeReferenceNode(node.type)
      )
        checkType = node.type.typeName.getText();
      if (
        ts.isPropertyAssignment(node) &&
        ts.isIdentifier(node.name) &&
        node.name.text === 'code' &&
        ts.isStringLiteral(node.initializer)
      )
        code = node.initializer.text;
      ts.forEachChild(node, visit);
    };
    visit(statement);
    if (checkType && code)
      found.push({ name: statement.name.text, code, checks: unionMembers(path, checkType) });
  }
  return found;
}

/** The Error codes table: each code of a row's first cell, and the row's cells. */
function documentedCodes(): Map<string, string[]> {
  const rows = tableRows(section('Error codes'));
  return new Map(rows.flatMap((cells) => quoted(cells[0]).map((code) => [code, cells])));
}

describe('README: Error codes', () => {
  it('has a row for every code of OAuth2ErrorCode, MisuseCode and the error classes', () => {
    const documented = documentedCodes();
    const fromSource = new Set([
      ...unionMembers('src/errors.ts', 'OAuth2ErrorCode'),
      ...unionMembers('src/errors.ts', 'MisuseCode'),
      ...classCodes().keys(),
    ]);
    expect(fromSource.size).toBeGreaterThan(30);
    expect([...fromSource].filter((code) => !documented.has(code))).toEqual([]);
    // And no row for a code the library no longer has.
    expect([...documented.keys()].filter((code) => !fromSource.has(code))).toEqual([]);
  });

  it("names every check of the OpenID Connect errors in its code's row", () => {
    const documented = documentedCodes();
    const classes = checkedClasses();
    expect(classes.map((c) => c.name).sort()).toEqual([
      'DiscoveryError',
      'IdTokenError',
      'UserinfoError',
    ]);
    const missing = classes.flatMap(({ code, checks }) => {
      const row = (documented.get(code) ?? []).join(' ');
      return checks.filter((check) => !row.includes(`\`${check}\``)).map((c) => `${code}: ${c}`);
    });
    expect(missing).toEqual([]);
  });
});

describe('README: the example app', () => {
  it('lists every environment variable the example app reads', () => {
    const read = new Set<string>();
    for (const path of tsFiles('examples')) {
      const text = readFileSync(join(ROOT, path), 'utf8');
      for (const m of text.matchAll(/\benv(?:\.|\[['"])([A-Z][A-Z0-9_]*)/g)) read.add(m[1] ?? '');
    }
    expect(read).toContain('HOST');
    const table = tableRows(section('Run the example app')).filter((cells) =>
      quoted(cells[0]).some((name) => /^[A-Z][A-Z0-9_]+$/.test(name)),
    );
    const listed = new Set(table.flatMap((cells) => quoted(cells[0])));
    expect([...read].filter((name) => !listed.has(name))).toEqual([]);
  });
});

interface PackageJson {
  exports: Record<string, string | { types: string }>;
  peerDependencies: Record<string, string>;
}
const pkg = JSON.parse(read('package.json')) as PackageJson;

/** Each entry of `exports` (its import name) and its source file. */
const entries = Object.entries(pkg.exports).flatMap(([key, target]) =>
  typeof target === 'string'
    ? []
    : [
        {
          name: key === '.' ? 'oauth2-session' : `oauth2-session/${key.slice(2)}`,
          source: target.types.replace(/^\.\/dist\//, 'src/').replace(/\.d\.ts$/, '.ts'),
        },
      ],
);

/** The packages a module and everything it imports relatively import by name. */
function packagesImported(source: string): Set<string> {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const todo = [resolve(ROOT, source)];
  for (let file = todo.pop(); file !== undefined; file = todo.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const { fileName } of ts.preProcessFile(text, true, true).importedFiles) {
      if (fileName.startsWith('.'))
        todo.push(resolve(dirname(file), fileName.replace(/\.js$/, '.ts')));
      else
        packages.add(
          fileName
            .split('/')
            .slice(0, fileName.startsWith('@') ? 2 : 1)
            .join('/'),
        );
    }
  }
  return packages;
}

/** The Install table's rows by the entry they name. */
const installRows = () =>
  new Map(tableRows(section('Install')).map((cells) => [quoted(cells[0])[0] ?? '', cells]));

describe('README: Install', () => {
  it('has one row per entry of package.json exports, and no other', () => {
    const byEntry = installRows();
    expect(entries.length).toBeGreaterThan(8);
    expect([...byEntry.keys()].filter((name) => name.startsWith('oauth2-session')).sort()).toEqual(
      entries.map((e) => e.name).sort(),
    );
  });

  it("names, for each entry, exactly the peers its modules import, with package.json's range", () => {
    const byEntry = installRows();
    const wrong = entries.flatMap(({ name, source }) => {
      const peers = [...packagesImported(source)].filter((p) => p in pkg.peerDependencies);
      const cell = byEntry.get(name)?.at(-1) ?? '';
      const named = quoted(cell).filter((p) => p in pkg.peerDependencies);
      const problems: string[] = [];
      if (named.sort().join() !== peers.sort().join())
        problems.push(
          `${name}: names ${named.join(',') || 'none'}, imports ${peers.join(',') || 'none'}`,
        );
      for (const peer of peers)
        if (!cell.includes(pkg.peerDependencies[peer] ?? '?'))
          problems.push(`${name}: ${peer} without ${pkg.peerDependencies[peer]}`);
      return problems;
    });
    expect(wrong).toEqual([]);
  });
});

describe('API reference', () => {
  it('typedoc.json documents every entry of package.json exports, and no other file', () => {
    const config = JSON.parse(read('typedoc.json')) as {
      entryPoints: string[];
      treatWarningsAsErrors: boolean;
      excludeInternal: boolean;
      out: string;
    };
    expect([...config.entryPoints].sort()).toEqual(entries.map((e) => e.source).sort());
    expect(config.treatWarningsAsErrors).toBe(true);
    expect(config.excludeInternal).toBe(true);
    // Generated, so ignored by git; the README says where to open it.
    expect(read('.gitignore').split('\n')).toContain(`${config.out}/`);
    expect(README).toContain(`${config.out}/index.html`);
  });
});

/**
 * What a Quick start sample may use without defining it, as globals: the values the first
 * sample makes, for the samples that continue from it. A sample that defines its own shadows
 * them.
 */
const QUICK_START_GLOBALS = `
declare const appUrl: string;
declare const github: import('oauth2-session/providers').ProviderPreset;
declare const auth: import('oauth2-session/web').OAuthHandlers;
declare const profile: (request: Request) => Promise<Response>;
`;

describe('README: Quick start', () => {
  it('every ts sample type-checks against src/', () => {
    const heading = README.split('\n').indexOf('## Quick start');
    const samples = samplesOf(section('Quick start'), heading + 2);
    expect(samples.length).toBeGreaterThanOrEqual(3);
    expect(typeCheckSamples('README.md', samples, QUICK_START_GLOBALS)).toBe('');
  });
});

/** GitHub's anchor for a heading: lowercase, punctuation dropped, spaces as hyphens. */
const slug = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');

/** The anchors of a Markdown file's headings (a repeated heading gets `-1`, `-2`, ...). */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const heading = !fenced && /^#{1,6} (.+)$/.exec(line);
    if (!heading) continue;
    const base = slug(heading[1] ?? '');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

describe('README and docs/: links', () => {
  it('every relative link names a file that exists and, with #, one of its headings', () => {
    const pages = [
      'README.md',
      ...readdirSync(join(ROOT, 'docs'))
        .filter((f) => f.endsWith('.md'))
        .map((f) => `docs/${f}`),
    ];
    const broken: string[] = [];
    for (const page of pages) {
      const text = read(page);
      for (const [, target = ''] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target)) continue; // https:, mailto:
        const [path = '', anchor] = target.split('#');
        const file = path === '' ? page : relative(ROOT, resolve(ROOT, dirname(page), path));
        let linked: string;
        try {
          linked = read(file);
        } catch {
          broken.push(`${page}: ${target} (no such file)`);
          continue;
        }
        if (anchor !== undefined && !anchorsOf(linked).has(anchor))
          broken.push(`${page}: ${target} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
  });
});
