// Mutation testing of the modules that hold the protocol's rules (`npm run mutation`; CI runs it
// after `npm test`). A surviving mutant is a change to a rule that no test notices. Below the
// break threshold the run fails. A mutant no behaviour can tell apart from the original is
// disabled where it is, in the source, with a `// Stryker disable next-line <mutator>: <reason>`
// comment.

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
    'src/oidc/id-token.ts',
  ],
  thresholds: { high: 95, low: 90, break: 90 },
  concurrency: 2,
  // Always a full run, so that a fresh clone computes the same verdict.
  incremental: false,
  reporters: ['clear-text', 'progress', 'html'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  tempDirName: '.stryker-tmp',
  ignorePatterns: ['dist', 'test-output', 'bench/results', 'reports'],
  cleanTempDir: 'always',
};
