/**
 * The SvelteKit example (examples/sveltekit, `+server.ts` routes): built with `vite build`
 * and @sveltejs/adapter-node, the built Node server started on loopback, driven through the
 * whole login flow.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { bin, builtDist, offline, ROOT, run, startServer, toolEnv } from './built-app.js';
import { frameworkFlow } from './login-flow.js';

const DIR = join(ROOT, 'examples', 'sveltekit');

frameworkFlow('SvelteKit', {
  async build() {
    await builtDist();
    await rm(join(DIR, 'build'), { recursive: true, force: true });
    return run(...(await offline(process.execPath, [bin('vite/bin/vite.js'), 'build'])), DIR);
  },
  start: (port, env) =>
    startServer(
      process.execPath,
      [join(DIR, 'build', 'index.js')],
      DIR,
      `http://127.0.0.1:${port}`,
      // adapter-node builds request URLs on ORIGIN, not on the Host header.
      toolEnv({ ...env, HOST: '127.0.0.1', PORT: String(port), ORIGIN: env['APP_URL']! }),
    ),
});
