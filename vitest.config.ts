import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (p: string) => fileURLToPath(new URL(`./src/${p}`, import.meta.url));

// Tests (and the examples they start) import the package by its public names;
// the aliases point those names at the sources so no build is needed first.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^oauth2-session$/, replacement: src('index.ts') },
      { find: /^oauth2-session\/providers$/, replacement: src('providers/index.ts') },
      { find: /^oauth2-session\/web$/, replacement: src('web/index.ts') },
      { find: /^oauth2-session\/express$/, replacement: src('web/express.ts') },
      { find: /^oauth2-session\/hono$/, replacement: src('web/hono.ts') },
      { find: /^oauth2-session\/fastify$/, replacement: src('web/fastify.ts') },
      { find: /^oauth2-session\/redis$/, replacement: src('web/stores/redis.ts') },
      { find: /^oauth2-session\/dev-provider$/, replacement: src('dev-provider/index.ts') },
      { find: /^oauth2-session\/node$/, replacement: src('node/index.ts') },
      { find: /^oauth2-session\/oidc$/, replacement: src('oidc/index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // A file whose event loop stalls is killed and reported instead of hanging the run.
    setupFiles: ['test/harness/watchdog.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
