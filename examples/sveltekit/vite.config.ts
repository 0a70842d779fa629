import { createRequire } from 'node:module';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

// The example sits inside the repository: resolved from the repository's package.json, the
// package's own name goes through its `exports` to the built `dist/`, and the bundler is
// pointed at that same file.
const web = createRequire(new URL('../../package.json', import.meta.url)).resolve(
  'oauth2-session/web',
);

export default defineConfig({
  plugins: [sveltekit()],
  resolve: { alias: { 'oauth2-session/web': web } },
});
