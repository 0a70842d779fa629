import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';

const script = fileURLToPath(new URL('./fixtures/unread-body.ts', import.meta.url));
const server = createServer((_req, res) => res.end('x'.repeat(200_000)));
const children: ReturnType<typeof spawn>[] = [];

beforeAll(() => new Promise<void>((done) => server.listen(0, '127.0.0.1', done)));
afterAll(() => {
  for (const child of children) child.kill();
  return new Promise<void>((done) => server.close(() => done()));
});

it('regression (deadline timer kept the process alive): a script that leaves a response body unread exits when its work is done, not at the timeout', async () => {
  const { port } = server.address() as AddressInfo;
  const child = spawn(process.execPath, ['--import', 'tsx', script, `http://127.0.0.1:${port}/`], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  // The script's timeout is ten minutes: an exit within this test's own time limit can only
  // come from the event loop emptying.
  const code = await new Promise<number | null>((done) => child.on('exit', done));
  expect(out.trim()).toBe('status 200');
  expect(code).toBe(0);
}, 20_000);
