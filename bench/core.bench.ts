/**
 * The core client against its baselines, side by side in one run on the same loopback servers:
 * (a) `session.fetch()` vs a raw `fetch()` with a hand-set Authorization header;
 * (b) `authorizationUrl` and a full `fetchToken` round trip vs openid-client v6 doing the same;
 * (c) the browser bundle of the core entry (min + gzip) and its runtime dependencies.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { OAuth2Session } from 'oauth2-session';
import * as client from 'openid-client';
import { browserEntries, bundleForBrowser, packagesIn, runtimeDependencies } from './lib/bundle.js';
import { type CompareOptions, compare } from './lib/measure.js';
import { atLeast, atMost, type BenchTable, info, perSecond } from './lib/report.js';
import { type LoopbackServer, startLoopbackServer } from './lib/server.js';

const CLIENT_ID = 'bench-client';
const CLIENT_SECRET = 'bench-secret';
const ACCESS_TOKEN = 'bench-access-token';
const REDIRECT_URI = 'http://127.0.0.1:9/callback';

const FETCH_RUN: CompareOptions = { concurrency: 16, roundMs: 500, rounds: 8, warmupRounds: 2 };
const URL_RUN: CompareOptions = { concurrency: 1, roundMs: 300, rounds: 8, warmupRounds: 2 };
const DIAG_RUN: CompareOptions = { concurrency: 16, roundMs: 300, rounds: 6, warmupRounds: 1 };
const TOKEN_RUN: CompareOptions = { concurrency: 8, roundMs: 500, rounds: 8, warmupRounds: 2 };

/** A protected resource: answers a small JSON body when the bearer token is the expected one. */
function resource(req: IncomingMessage, res: ServerResponse): void {
  const ok = req.headers.authorization === `Bearer ${ACCESS_TOKEN}`;
  res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
  res.end(ok ? '{"login":"octocat","id":1}' : '{"error":"invalid_token"}');
}

const TOKEN_BODY = JSON.stringify({
  access_token: ACCESS_TOKEN,
  token_type: 'Bearer',
  expires_in: 3600,
  refresh_token: 'bench-refresh-token',
  scope: 'read',
});

/** A token endpoint: reads the form, answers a token (no validation; both clients send valid requests). */
function tokenEndpoint(req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(TOKEN_BODY);
  });
}

async function fetchThroughput(api: LoopbackServer): Promise<BenchTable> {
  const url = `${api.origin}/user`;
  const session = new OAuth2Session({
    clientId: CLIENT_ID,
    token: { access_token: ACCESS_TOKEN, token_type: 'Bearer' },
  });
  const viaSession = async () => (await session.fetch(url)).arrayBuffer();
  const headers = { authorization: `Bearer ${ACCESS_TOKEN}` };
  const raw = async () => (await fetch(url, { headers })).arrayBuffer();
  await checkBothAuthorized(session, url, headers);
  const r = await compare(viaSession, raw, FETCH_RUN);
  // Context for reading the ratio: the noise floor (raw against itself), the session without
  // its default 30 s timeout, and raw fetch given the same kind of timeout the session uses
  // (an AbortController and a cleared timer), which is the like-for-like comparison.
  const rawAgain = async () => (await fetch(url, { headers })).arrayBuffer();
  const untimed = new OAuth2Session({
    clientId: CLIENT_ID,
    timeoutMs: 0,
    token: { access_token: ACCESS_TOKEN, token_type: 'Bearer' },
  });
  const viaUntimed = async () => (await untimed.fetch(url)).arrayBuffer();
  const rawTimed = async () => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 30_000);
    try {
      return (await fetch(url, { headers, signal: controller.signal })).arrayBuffer();
    } finally {
      clearTimeout(timer);
    }
  };
  const noise = await compare(rawAgain, raw, DIAG_RUN);
  const noTimeout = await compare(viaUntimed, raw, DIAG_RUN);
  const likeForLike = await compare(viaSession, rawTimed, DIAG_RUN);
  return {
    title: 'core: authenticated requests (session.fetch vs raw fetch)',
    rows: [
      info('session.fetch()', perSecond(r.rateA, 'req/s')),
      info('raw fetch() + header', perSecond(r.rateB, 'req/s')),
      atLeast('ratio session / raw', r.ratio, 0.97),
      info('context: raw / raw (noise floor)', noise.ratio.toFixed(2)),
      info('context: session timeoutMs 0 / raw', noTimeout.ratio.toFixed(2)),
      info('context: session / raw with the same timeout', likeForLike.ratio.toFixed(2)),
    ],
    notes: [describeRun(FETCH_RUN), `context rows: ${describeRun(DIAG_RUN)}`],
  };
}

async function checkBothAuthorized(session: OAuth2Session, url: string, headers: HeadersInit) {
  const statuses = [(await session.fetch(url)).status, (await fetch(url, { headers })).status];
  if (statuses.some((s) => s !== 200)) throw new Error(`resource answered ${statuses.join('/')}`);
}

function openidConfiguration(origin: string): client.Configuration {
  const metadata: client.ServerMetadata = {
    issuer: origin,
    authorization_endpoint: `${origin}/authorize`,
    token_endpoint: `${origin}/token`,
  };
  const config = new client.Configuration(
    metadata,
    CLIENT_ID,
    { client_secret: CLIENT_SECRET, redirect_uris: [REDIRECT_URI] },
    client.ClientSecretBasic(CLIENT_SECRET),
  );
  client.allowInsecureRequests(config);
  return config;
}

/** openid-client's authorization URL with the same parameters as ours: PKCE S256 and a state. */
async function openidAuthorizationUrl(config: client.Configuration) {
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI,
    scope: 'read',
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
  });
  return { url, state, codeVerifier };
}

async function authorizationUrls(origin: string): Promise<BenchTable> {
  const authorizeUrl = `${origin}/authorize`;
  const config = openidConfiguration(origin);
  const session = new OAuth2Session({
    clientId: CLIENT_ID,
    redirectUri: REDIRECT_URI,
    scope: ['read'],
  });
  const ours = () => session.authorizationUrl(authorizeUrl);
  const theirs = () => openidAuthorizationUrl(config);
  const r = await compare(ours, theirs, URL_RUN);
  return {
    title: 'core: authorizationUrl (PKCE S256 + state) vs openid-client v6',
    rows: [
      info('session.authorizationUrl', perSecond(r.rateA)),
      info('openid-client buildAuthorizationUrl', perSecond(r.rateB)),
      atLeast('ratio ours / openid-client', r.ratio, 1.0),
    ],
    notes: [describeRun(URL_RUN)],
  };
}

/** A callback URL as the provider would redirect to it, for a given state. */
function callbackUrl(state: string): string {
  return `${REDIRECT_URI}?${new URLSearchParams({ code: 'bench-code', state })}`;
}

async function tokenRoundTrips(origin: string): Promise<BenchTable> {
  const tokenUrl = `${origin}/token`;
  const config = openidConfiguration(origin);
  const state = 'bench-state-with-enough-entropy-0123456789';
  const codeVerifier = client.randomPKCECodeVerifier();
  const authorizationResponse = callbackUrl(state);
  const ours = async () => {
    const session = new OAuth2Session({
      clientId: CLIENT_ID,
      redirectUri: REDIRECT_URI,
      state,
      codeVerifier,
    });
    return session.fetchToken(tokenUrl, { clientSecret: CLIENT_SECRET, authorizationResponse });
  };
  const theirs = () =>
    client.authorizationCodeGrant(config, new URL(authorizationResponse), {
      pkceCodeVerifier: codeVerifier,
      expectedState: state,
    });
  await Promise.all([ours(), theirs()]);
  const r = await compare(ours, theirs, TOKEN_RUN);
  return {
    title: 'core: fetchToken round trip vs openid-client v6 authorizationCodeGrant',
    rows: [
      info('session.fetchToken', perSecond(r.rateA)),
      info('openid-client authorizationCodeGrant', perSecond(r.rateB)),
      atLeast('ratio ours / openid-client', r.ratio, 1.0),
    ],
    notes: [describeRun(TOKEN_RUN), 'both: client_secret_basic, PKCE verifier, state check'],
  };
}

async function bundleSize(): Promise<BenchTable> {
  const core = await bundleForBrowser([browserEntries.core]);
  const withProviders = await bundleForBrowser(Object.values(browserEntries));
  const deps = runtimeDependencies();
  const bundled = packagesIn(core).filter((name) => deps.includes(name));
  return {
    title: 'core: browser bundle (esbuild, platform browser, minified, gzip -9)',
    rows: [
      info('core min', `${(core.minBytes / 1024).toFixed(2)} kB`),
      atMost('core min + gzip', core.gzipBytes / 1024, 8, 'kB'),
      info('core + providers min + gzip', `${(withProviders.gzipBytes / 1024).toFixed(2)} kB`),
      atMost('runtime dependencies in core', bundled.length, 0, ''),
      info('packages bundled (any)', String(packagesIn(withProviders).length)),
    ],
  };
}

function describeRun(o: CompareOptions): string {
  return `concurrency ${o.concurrency}, ${o.rounds} interleaved rounds of ${o.roundMs} ms each, ${o.warmupRounds ?? 1} warm-up; ratio = median of per-pair ratios`;
}

function route(req: IncomingMessage, res: ServerResponse): void {
  if (req.url === '/token') tokenEndpoint(req, res);
  else resource(req, res);
}

/** Runs the core benchmarks; see the module note. */
export async function run(): Promise<BenchTable[]> {
  const server = await startLoopbackServer(route);
  try {
    return [
      await fetchThroughput(server),
      await authorizationUrls(server.origin),
      await tokenRoundTrips(server.origin),
      await bundleSize(),
    ];
  } finally {
    await server.close();
  }
}
