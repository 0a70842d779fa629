/**
 * The Next.js App Router example (examples/nextjs): built with `next build`, served by
 * `next start` on loopback, driven through the whole login flow.
 *
 * The build runs in two steps (`--experimental-build-mode=compile`, then `generate`): a plain
 * `next build` sees TypeScript route files and wants `@types/react`, which this project does
 * not depend on (without CI it would install it). The two steps build the same app without
 * that check; the repository's own `tsc` checks the example's files.
 */
import { join } from 'node:path';
import { bin, builtDist, offline, ROOT, run, startServer, toolEnv } from './built-app.js';
import { frameworkFlow } from './login-flow.js';

const DIR = join(ROOT, 'examples', 'nextjs');
const NEXT = bin('next/dist/bin/next');

frameworkFlow('Next.js', {
  async build() {
    await builtDist();
    let took = 0;
    for (const mode of ['compile', 'generate']) {
      const build = [NEXT, 'build', `--experimental-build-mode=${mode}`];
      took += await run(...(await offline(process.execPath, build)), DIR);
    }
    return took;
  },
  start: (port, env) =>
    startServer(
      process.execPath,
      [NEXT, 'start', '--port', String(port), '--hostname', '127.0.0.1'],
      DIR,
      `http://127.0.0.1:${port}`,
      toolEnv(env),
    ),
});
