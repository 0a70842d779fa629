/**
 * A test file whose event loop stops turning can never time out: vitest's test and hook
 * timeouts are timers on that same loop, so the run would wait for ever. This setup file gives
 * each test file a watchdog thread. The file's own thread stamps a shared clock every second;
 * when the stamp is older than WATCHDOG_STALL_MS, the watchdog says which file stalled and for
 * how long on stderr (written directly, since the stalled thread can relay nothing), then kills
 * the worker process, so vitest reports that file as failed and the run goes on.
 */
import { relative } from 'node:path';
import { Worker } from 'node:worker_threads';
import { expect } from 'vitest';

const STALL_MS = Number(process.env['WATCHDOG_STALL_MS'] ?? 120_000);

const clock = new Float64Array(new SharedArrayBuffer(8));
const stamp = () => {
  clock[0] = Date.now();
};
stamp();
setInterval(stamp, 1000).unref();

const watcher = `
const { workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
const clock = new Float64Array(workerData.buffer);
setInterval(() => {
  const stalled = Date.now() - clock[0];
  if (stalled < workerData.stallMs) return;
  writeSync(2, '\\nwatchdog: ' + workerData.file + ': the event loop has not turned for ' +
    Math.round(stalled / 1000) + ' s; killing the worker so the run can go on\\n');
  process.kill(process.pid, 'SIGKILL');
}, 1000);
`;

const testPath = expect.getState().testPath;
const file = testPath ? relative(process.cwd(), testPath) : 'a test file';
const thread = new Worker(watcher, {
  eval: true,
  workerData: { buffer: clock.buffer, stallMs: STALL_MS, file },
});
thread.unref();
