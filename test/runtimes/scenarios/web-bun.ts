/** The web app for Bun: a default export with `fetch` is served by `bun run`, on loopback. */
import { handle } from './web-app.js';

declare const __RUNTIME_CONFIG__: { appOrigin: string };

export default {
  hostname: '127.0.0.1',
  port: Number(new URL(__RUNTIME_CONFIG__.appOrigin).port),
  fetch: handle,
};
