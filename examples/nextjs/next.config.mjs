import { fileURLToPath } from 'node:url';

// The example sits inside the package, so Node resolves the package's own name through its
// `exports` to the built `dist/`; the bundler is pointed at that same file (left alone, it
// would follow the repository's tsconfig `paths` to the sources).
const web = fileURLToPath(import.meta.resolve('oauth2-session/web'));

/** @type {import('next').NextConfig} */
const config = {
  turbopack: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    resolveAlias: { 'oauth2-session/web': web },
  },
  // The repository's own `tsc` checks these files, with the rest of the project.
  typescript: { ignoreBuildErrors: true },
};

export default config;
