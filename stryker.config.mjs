// Mutation testing of the modules that hold the protocol's rules (`npm run mutation`; CI runs it
// after `npm test`). A surviving mutant is a change to a rule that no test notices. Below the
// break threshold the run fails. A mutant no behaviour can tell apart from the original is
// disabled where it is, in the source, with a `// Stryker disable next-line <mutator>: <reason>`
// comment.
//
// Results are reused only from a run on the same inputs. Stryker's incremental mode on its own
// would reuse a killed mutant whenever the mutated span and its killing test are textually
// unchanged, even after a change elsewhere (a helper the test calls, another module, a
// dependency) made that test pass on the mutant: a verdict a full run would not give. So the
// incremental file is named after a SHA-256 of every input a run can see: `src/`, `test/`,
// `bench/lib/`, the package manifest and lockfile, the TypeScript, vitest and Stryker configs,
// and the Node version. Any change to them names a file that does not exist, and Stryker then
// makes a full run (and writes that file). A clean clone of a commit that carries the file of
// its own inputs gets exactly the verdict of the run that wrote it, after only the dry run; a
// clone of any other commit gets a full run, as before (on 6 of the modules, 19 minutes on a
// loaded machine against 45 s when the file was there). To let CI reuse a run: after the last
// change to those inputs, `npm run mutation`; set the file's `projectRoot` (the only absolute
// path Stryker writes, and never reads back) to "." with
//   sed -i 's|^  "projectRoot": ".*",$|  "projectRoot": ".",|' reports/mutation-baseline/*
// then commit the new file and `git rm` the old one. The `.stryker-incremental` extension keeps
// the formatter off the JSON Stryker writes.

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';

/** Everything a mutation run reads, relative to the repository root. */
const INPUTS = [
  'src',
  'test',
  'bench/lib',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'vitest.config.ts',
  'vitest.mutation.config.ts',
  'stryker.config.mjs',
];
const root = new URL('./', import.meta.url);

/** The files under `path`, depth first in code-unit order (the same on every machine). */
function* filesOf(path) {
  const url = new URL(path, root);
  if (!existsSync(url)) return;
  if (!statSync(url).isDirectory()) {
    yield path;
    return;
  }
  for (const entry of readdirSync(url).sort()) yield* filesOf(`${path}/${entry}`);
}

function inputsDigest() {
  const hash = createHash('sha256').update(process.version);
  for (const input of INPUTS) {
    for (const file of filesOf(input))
      hash.update(`\0${file}\0`).update(readFileSync(new URL(file, root)));
  }
  return hash.digest('hex').slice(0, 32);
}

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  coverageAnalysis: 'perTest',
  mutate: [
    'src/authorization-request.ts',
    'src/authorization-response.ts',
    'src/token.ts',
    'src/pkce.ts',
    'src/client-auth.ts',
    'src/endpoint.ts',
    'src/token-lifecycle.ts',
    'src/web/return-path.ts',
    'src/web/sealed-cookie.ts',
    'src/web/login-transaction.ts',
    'src/web/cookie-codec.ts',
    'src/web/seal-crypto.ts',
    'src/oidc/id-token.ts',
  ],
  thresholds: { high: 95, low: 90, break: 90 },
  concurrency: 2,
  // A mutant's time limit is 1.5 times its tests' time in the dry run plus this margin. A mutant
  // that is only slower because the machine got busy after the dry run would count as detected;
  // 10 s instead of Stryker's 5 s keeps that from happening on a loaded machine, and costs 5 s
  // more only on the mutants that truly hang (an index that counts down, say).
  timeoutMS: 10_000,
  incremental: true,
  incrementalFile: `reports/mutation-baseline/${inputsDigest()}.stryker-incremental`,
  reporters: ['clear-text', 'progress', 'html'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  tempDirName: '.stryker-tmp',
  ignorePatterns: ['dist', 'test-output', 'bench/results', 'reports'],
  cleanTempDir: 'always',
};
