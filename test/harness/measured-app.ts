/**
 * The example app in a process of its own, with a debug channel that exists only here (never in
 * the app): its resident set size, so a test measures the app's memory rather than its own.
 *
 * `node --import tsx test/harness/measured-app.ts`, configured by the app's environment
 * contract, plus `APP_FLAVOUR` (`express`, the default, or `hono`). Prints one JSON line
 * `{"url":"http://127.0.0.1:<port>"}` once listening. Then reads commands on stdin, one a line:
 *
 * - `reset`: the peak starts again from the current RSS; answers `{"rss":<bytes>}`;
 * - `rss`: answers `{"rss":<bytes>,"peak":<bytes>}`, the peak being the largest RSS sampled
 *   (every 5 ms, and at this command) since the last `reset`.
 *
 * Ends when its stdin closes or on SIGTERM, so it never outlives the test that started it.
 */
import { start as startExpress } from '../../examples/github/express.js';
import { start as startHono } from '../../examples/github/hono.js';
import { exitWithParent } from './child-app.js';

const start = process.env.APP_FLAVOUR === 'hono' ? startHono : startExpress;
const app = await start(process.env, { quiet: true });

let peak = process.memoryUsage.rss();
const sample = () => {
  const rss = process.memoryUsage.rss();
  if (rss > peak) peak = rss;
  return rss;
};
const sampler = setInterval(sample, 5);

const answer = (value: Record<string, unknown>) =>
  process.stdout.write(`${JSON.stringify(value)}\n`);
answer({ url: app.url });

let pending = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => {
  pending += chunk;
  for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n')) {
    const command = pending.slice(0, end).trim();
    pending = pending.slice(end + 1);
    if (command === 'reset') {
      peak = 0;
      answer({ rss: sample() });
    } else if (command === 'rss') {
      answer({ rss: sample(), peak });
    }
  }
});

exitWithParent(() => {
  clearInterval(sampler);
  return app.close();
});
