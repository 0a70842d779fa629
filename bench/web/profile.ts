/**
 * Where a logged-in `/profile` request's (or a login's) time goes: the built example app (as `npm start` runs
 * it) under `node --cpu-prof`, logged-in virtual users hammering `/profile` against the dev
 * provider as `bench/web.bench.ts` does, then the sampled time by function.
 *
 * `npx tsx bench/web/profile.ts` (Express); `PROFILE_APP=hono` for Hono, or `floor`,
 * `express-floor`, `peer` for the bench's contenders (the same load); `PROFILE_FLOW=logins`
 * for complete logins instead of `/profile`; `PROFILE_REQUESTS` requests (or logins) after a
 * warm-up (default 6000, 1500 logins). The profile file stays in a temporary folder whose
 * path is printed, for Chrome DevTools or `--cpu-prof` viewers.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../test/harness/ports.js';
import { type CpuProfile, frameShares, originShares } from '../lib/cpu-profile.js';
import { measureLogins, measureProfile } from './driver.js';
import { benchAppEnv, buildExample, spawnExample, spawnNode } from './targets.js';

const APPS = ['express', 'hono', 'floor', 'express-floor', 'peer'] as const;
const app = APPS.find((name) => name === process.env.PROFILE_APP) ?? 'express';
const flow = process.env.PROFILE_FLOW === 'logins' ? 'logins' : '/profile';
const measure = flow === 'logins' ? measureLogins : measureProfile;
const requests = Number(process.env.PROFILE_REQUESTS ?? (flow === 'logins' ? 1500 : 6000));
const concurrency = 8;
const shown = 30;

const port = await freePort();
const clientId = 'bench-profile';
const clientSecret = randomBytes(20).toString('hex');
buildExample();
const provider = await spawnNode('provider', {
  DEV_CLIENTS: JSON.stringify([
    { clientId, clientSecret, redirectUris: [`http://127.0.0.1:${port}/callback`] },
  ]),
});
const folder = mkdtempSync(join(tmpdir(), 'oauth2-session-profile-'));
const env = benchAppEnv(port, clientId, clientSecret, provider.url);
const flags = ['--cpu-prof', `--cpu-prof-dir=${folder}`];
// The example app as `npm start` runs it, or one of the bench's own contenders to set beside it.
const server =
  app === 'express' || app === 'hono'
    ? await spawnExample(app, env, flags)
    : await spawnNode(app, env, flags);
try {
  // The warm-up is in the profile too: a fifth of the work, so the JIT's early code weighs little.
  await measure({ origin: server.url, total: Math.ceil(requests / 5), concurrency });
  const m = await measure({ origin: server.url, total: requests, concurrency });
  console.log(`${app} ${flow}: ${Math.round(m.perSecond)}/s, p50 ${m.p50.toFixed(1)} ms`);
} finally {
  await server.close(); // the profile is written as the app exits
  await provider.close();
}
const file = readdirSync(folder).find((name) => name.endsWith('.cpuprofile'));
if (!file) throw new Error(`no profile written in ${folder}`);
const profile = JSON.parse(readFileSync(join(folder, file), 'utf8')) as CpuProfile;
const shares = frameShares(profile);
const row = (s: (typeof shares)[number]) =>
  `${s.totalPercent.toFixed(1).padStart(6)}% ${s.selfPercent.toFixed(1).padStart(6)}%  ${s.frame}`;
console.log(`profile: ${join(folder, file)}\n\n   own  (by origin)`);
for (const { origin, percent } of originShares(profile).slice(0, 20))
  console.log(`${percent.toFixed(1).padStart(5)}%  ${origin}`);
console.log('\n  total    self  (own time first)');
for (const s of [...shares].sort((a, b) => b.selfPercent - a.selfPercent).slice(0, shown))
  console.log(row(s));
console.log('\n  total    self  (with callees)');
for (const s of shares.slice(0, shown * 2)) console.log(row(s));
