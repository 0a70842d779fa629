/**
 * The core (`oauth2-session`, as built in dist/) on Bun, Deno and workerd: one scenario
 * (scenarios/core.ts), bundled for a neutral platform with esbuild's default settings, runs the
 * whole web application flow against the dev provider on loopback: the authorization URL with
 * PKCE S256, a forged callback refused before any network call, the code exchanged, a refresh,
 * and an authenticated request that refreshes its expired token first.
 */
import type { DevProvider } from 'oauth2-session/dev-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundle, packageInputs, type Workspace, workspace } from './harness/package.js';
import { CLIENT, startProvider } from './harness/provider.js';
import {
  runProgram,
  runtimeSkipReason,
  SERVER_RUNTIMES,
  type ServerRuntime,
  serveWorker,
} from './harness/runtimes.js';
import type { CoreConfig, CoreReport } from './scenarios/core.js';

const RUNTIME_NAMES: Record<ServerRuntime, RegExp> = {
  bun: /^Bun\/\d/,
  deno: /^Deno\/\d/,
  workerd: /^Cloudflare-Workers$/,
};

let provider: DevProvider;
let space: Workspace;

beforeAll(async () => {
  provider = await startProvider();
  space = await workspace();
});

afterAll(async () => {
  await provider?.close();
  await space?.remove();
});

const configFor = (): CoreConfig => ({
  ...CLIENT,
  redirectUri: 'http://127.0.0.1:5999/callback',
  authorizeUrl: provider.authorizeUrl,
  tokenUrl: provider.tokenUrl,
  userUrl: provider.userUrl,
});

/** Bundles the scenario for `runtime` and runs it there once; answers its report. */
async function runOn(runtime: ServerRuntime): Promise<Partial<CoreReport>> {
  const entry = runtime === 'workerd' ? 'core-worker.ts' : 'core-cli.ts';
  const bundled = await bundle({
    entry,
    platform: 'neutral',
    config: configFor(),
    workspace: space,
    out: `core-${runtime}.mjs`,
  });
  expect(packageInputs(bundled)).toContain('dist/index.js');
  if (runtime === 'workerd') {
    const worker = await serveWorker(bundled.path, 'http://127.0.0.1:5999');
    try {
      return (await (await worker.fetch('/')).json()) as Partial<CoreReport>;
    } finally {
      await worker.stop();
    }
  }
  const result = await runProgram(runtime, bundled.path, space);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as Partial<CoreReport>;
}

describe.each(SERVER_RUNTIMES)('the core on %s', (runtime) => {
  const skip = runtimeSkipReason(runtime);

  it.skipIf(skip)(
    'authorizationUrl, a forged callback, fetchToken, refreshToken and an auto-refreshing get against the dev provider',
    async () => {
      const before = { ...provider.counts };
      const report = await runOn(runtime);
      expect(report.error).toBeUndefined();
      expect(report.runtime).toMatch(RUNTIME_NAMES[runtime]);
      expect(report.authorization).toEqual({
        challengeMethod: 'S256',
        stateLength: 43,
        sameOrigin: true,
      });
      expect(report.forgedCallback).toEqual({ refused: true, code: 'OAUTH_MISMATCHING_STATE' });
      expect(report.token).toEqual({
        type: 'bearer',
        expires: true,
        refreshable: true,
        scope: ['read:user'],
      });
      expect(report.refresh).toEqual({
        newAccessToken: true,
        newRefreshToken: true,
        onTokenCalls: 1,
      });
      expect(report.user).toEqual({ status: 200, login: 'octocat', refreshedFirst: true });
      // The runtime itself reached the provider: one code exchange, two refreshes, one API call.
      expect(provider.counts.token - before.token).toBe(1);
      expect(provider.counts.refresh - before.refresh).toBe(2);
      expect(provider.counts.user - before.user).toBe(1);
    },
  );
});
