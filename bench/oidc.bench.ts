/**
 * OpenID Connect benchmarks, side by side in one run:
 * (a) ID token validations per second: `validateIdToken` (with a `RemoteJwks` holding the set)
 *     vs openid-client v6's checks of the same RS256 token with its signature verified, and
 *     jose's bare `jwtVerify` as the floor;
 * (b) complete logins per second through the example app with the dev provider in OIDC mode
 *     (discovery at start-up; per login a nonce, an ID token checked, userinfo) against the
 *     same app and provider in plain OAuth mode.
 *
 * Run alone: `npx tsx bench/oidc.bench.ts`; the runner (`bench/run.ts`) calls {@link run}.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { exportJWK, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { type IdTokenExpectations, RemoteJwks, validateIdToken } from 'oauth2-session/oidc';
// openid-client v6 has no public "validate this ID token": it hands the token endpoint's answer
// to these two functions of oauth4webapi (the library it is built on and depends on), the first
// for the claims, the second for the signature once `enableNonRepudiationChecks` is on.
import * as oauth from 'oauth4webapi';
import { freePort } from '../test/harness/ports.js';
import {
  type CompareOptions,
  type Comparison,
  compare,
  median,
  type Operation,
} from './lib/measure.js';
import { atLeast, type BenchTable, formatTable, info, perSecond } from './lib/report.js';
import { startLoopbackServer } from './lib/server.js';
import { combine, type Measurement, measureLogins } from './web/driver.js';
import { type ChildServer, spawnServer } from './web/process.js';
import { devProviderUrls } from './web/targets.js';

const CLIENT_ID = 'bench-client';
const KID = 'bench-key-1';
/** A nonce of the size ours makes (256 bits, base64url). */
const NONCE = 'bench-nonce-0123456789abcdefghijklmnopqrstu';

/** Concurrency 8: as many callbacks at once as the web bench's virtual users. */
const ID_TOKEN_RUN: CompareOptions = { concurrency: 8, roundMs: 100, rounds: 30, warmupRounds: 4 };
const CONTEXT_RUN: CompareOptions = { concurrency: 8, roundMs: 100, rounds: 16, warmupRounds: 2 };

/** One signing key, its public JWK Set, and a token signed with it for `issuer`. */
interface Signed {
  publicKey: CryptoKey;
  jwks: string;
  /** Signs an ID token with the standard claims; `claims` override or add. */
  sign(claims?: Record<string, unknown>): Promise<string>;
}

async function signer(issuer: string): Promise<Signed> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: KID, alg: 'RS256', use: 'sig' };
  const sign = (claims: Record<string, unknown> = {}) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ nonce: NONCE, ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: KID, typ: 'JWT' })
      .setIssuer(issuer)
      .setAudience(CLIENT_ID)
      .setSubject('bench-user-1')
      .setIssuedAt(now)
      .setExpirationTime(now + 3600)
      .sign(privateKey);
  };
  return { publicKey, jwks: JSON.stringify({ keys: [jwk] }), sign };
}

/** The token endpoint's answer carrying `idToken`, as its body text. */
function tokenBody(idToken: string): string {
  return JSON.stringify({
    access_token: 'bench-access-token',
    token_type: 'Bearer',
    expires_in: 3600,
    id_token: idToken,
  });
}

const ANSWER_HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-store' };

/**
 * The token endpoint's answer as oauth4webapi reads it (status, headers, one `json()`), without
 * a body stream: on Node 20 a real Response costs more than the RS256 verification itself (its
 * web stream), which would drown the difference measured. oauth4webapi takes any object whose
 * prototype is tagged `Response` (its cross-realm check); a context row uses real ones.
 */
class TokenAnswer {
  readonly status = 200;
  readonly headers = new Headers(ANSWER_HEADERS);
  bodyUsed = false;
  readonly #body: string;

  constructor(body: string) {
    this.#body = body;
  }

  get [Symbol.toStringTag](): string {
    return 'Response';
  }

  async json(): Promise<unknown> {
    this.bodyUsed = true;
    return JSON.parse(this.#body);
  }
}

/** The contenders of (a); each rejects a token it refuses. */
interface Validators {
  /** Ours on the answer's text: its `id_token` through `validateIdToken`. */
  ours(body: string): Promise<unknown>;
  /** Ours reading a real Response first, as openid-client's checks must (context). */
  oursFromResponse(answer: Response): Promise<unknown>;
  theirs(answer: Response): Promise<unknown>;
  floor(jwt: string): Promise<unknown>;
  oursBare(jwt: string): Promise<unknown>;
}

const idTokenOf = (answer: unknown) => (answer as { id_token: string }).id_token;

function validators(issuer: string, signed: Signed): Validators {
  const expected: IdTokenExpectations = {
    issuer,
    clientId: CLIENT_ID,
    keys: new RemoteJwks(`${issuer}/jwks`),
    nonce: NONCE,
  };
  const oursBare = (jwt: string) => validateIdToken(jwt, expected);
  // One server description and client for every call: oauth4webapi caches the JWK Set (and the
  // imported key) per server object, as openid-client's Configuration does.
  const as: oauth.AuthorizationServer = {
    issuer,
    token_endpoint: `${issuer}/token`,
    jwks_uri: `${issuer}/jwks`,
  };
  const client: oauth.Client = { client_id: CLIENT_ID };
  const signatureOptions: oauth.ValidateSignatureOptions = { [oauth.allowInsecureRequests]: true };
  return {
    oursBare,
    ours: (body) => oursBare(idTokenOf(JSON.parse(body))),
    oursFromResponse: async (answer) => oursBare(idTokenOf(await answer.json())),
    theirs: async (answer) => {
      await oauth.processAuthorizationCodeResponse(as, client, answer, { expectedNonce: NONCE });
      await oauth.validateApplicationLevelSignature(as, answer, signatureOptions);
    },
    floor: (jwt) =>
      jwtVerify(jwt, signed.publicKey, { issuer, audience: CLIENT_ID, algorithms: ['RS256'] }),
  };
}

const canned = (body: string) => new TokenAnswer(body) as unknown as Response;
const real = (body: string) => new Response(body, { status: 200, headers: ANSWER_HEADERS });

const accepts = (p: Promise<unknown>) =>
  p.then(
    () => true,
    () => false,
  );

/**
 * Every contender accepts the token, and refuses it with a broken signature or another nonce,
 * so none of them is measured skipping a check.
 */
async function checkContenders(v: Validators, signed: Signed, jwt: string): Promise<void> {
  const [head, payload, signature = ''] = jwt.split('.');
  const flipped = `${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
  const forged = `${head}.${payload}.${flipped}`;
  const otherNonce = await signed.sign({ nonce: 'another-nonce' });
  const cases = [
    { jwt, valid: true },
    { jwt: forged, valid: false },
    { jwt: otherNonce, valid: false },
  ];
  for (const c of cases) {
    const body = tokenBody(c.jwt);
    const verdicts = {
      ours: await accepts(v.ours(body)),
      oursFromResponse: await accepts(v.oursFromResponse(real(body))),
      theirs: await accepts(v.theirs(canned(body))),
      theirsFromResponse: await accepts(v.theirs(real(body))),
      // jose checks no nonce: the floor is only held to the signature.
      floor: c.jwt === otherNonce ? false : await accepts(v.floor(c.jwt)),
    };
    const wrong = Object.entries(verdicts).filter(([, ok]) => ok !== c.valid);
    if (wrong.length)
      throw new Error(
        `${wrong.map(([n]) => n).join(', ')} misjudged a ${c.valid ? 'valid' : 'bad'} token`,
      );
  }
}

/** The provider's `jwks_uri`; the set is known only once the server's origin (the issuer) is. */
function jwksEndpoint(jwks: () => string) {
  return (req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    const found = req.url === '/jwks';
    res.writeHead(found ? 200 : 404, { 'content-type': 'application/jwk-set+json' });
    res.end(found ? jwks() : '{}');
  };
}

async function idTokenValidations(): Promise<BenchTable> {
  let jwks = '{"keys":[]}';
  const server = await startLoopbackServer(jwksEndpoint(() => jwks));
  try {
    const signed = await signer(server.origin);
    jwks = signed.jwks;
    const jwt = await signed.sign();
    const body = tokenBody(jwt);
    const v = validators(server.origin, signed);
    await checkContenders(v, signed, jwt);
    const ours: Operation = () => v.ours(body);
    const theirs: Operation = () => v.theirs(canned(body));
    const main = await compare(ours, theirs, ID_TOKEN_RUN);
    const toFloor = await compare(
      () => v.oursBare(jwt),
      () => v.floor(jwt),
      CONTEXT_RUN,
    );
    const responses = await compare(
      () => v.oursFromResponse(real(body)),
      () => v.theirs(real(body)),
      CONTEXT_RUN,
    );
    return {
      title: 'oidc: ID token validation (RS256, JWK Set cached, nonce) vs openid-client v6',
      rows: [
        info('ours: validateIdToken', perSecond(main.rateA, 'tokens/s')),
        info('openid-client: token answer checks + signature', perSecond(main.rateB, 'tokens/s')),
        atLeast('ratio ours / openid-client', main.ratio, 1.0),
        info('floor: jose jwtVerify with the key', pairRates(toFloor, 'floor')),
        info('ratio ours / floor', toFloor.ratio.toFixed(2)),
        info('context: both reading a real Response', pairRates(responses, 'openid-client')),
        info('context: ratio ours / openid-client, real Response', responses.ratio.toFixed(2)),
      ],
      notes: [
        "openid-client's check: what its authorizationCodeGrant runs on the token endpoint's answer once enableNonRepudiationChecks is on: oauth4webapi's processAuthorizationCodeResponse (expectedNonce) then validateApplicationLevelSignature",
        'both start from the same answer text (ours: JSON.parse, then validateIdToken of its id_token), openid-client reading it through a stream-less Response stand-in',
        'one RS256 token and key; the JWK Set served on loopback, fetched once by each and cached; every contender is first shown to refuse a broken signature and another nonce',
        describeRun(ID_TOKEN_RUN),
        `floor and context rows: ${describeRun(CONTEXT_RUN)}`,
      ],
    };
  } finally {
    await server.close();
  }
}

/** B's rate, with A's (ours) measured in the same rounds: rates of separate runs do not compare. */
function pairRates(r: Comparison, b: string): string {
  return `${b} ${perSecond(r.rateB, 'tokens/s')}, ours ${perSecond(r.rateA, 'tokens/s')}`;
}

function describeRun(o: CompareOptions): string {
  return `concurrency ${o.concurrency}, ${o.rounds} interleaved rounds of ${o.roundMs} ms each, ${o.warmupRounds ?? 1} warm-up; ratio = median of per-pair ratios`;
}

/** Sizes of (b); the whole module stays under two minutes on two shared cores. */
const LOGIN_RUN = Object.freeze({
  /** Virtual users at once, as in the web bench. */
  concurrency: 8,
  /**
   * Measured rounds per contender: many short ones, so that the two of a pair see the same
   * machine (a loaded machine drifts within seconds).
   */
  rounds: 20,
  /** Logins per contender per round. */
  loginsPerRound: 40,
  /** Logins per contender before measuring (JIT, connection pools, the discovery), discarded. */
  warmupLogins: 100,
  /** Stop starting new rounds after this many ms of measuring. */
  budgetMs: 60_000,
});

const repoRoot = fileURLToPath(new URL('../', import.meta.url));
const serveScript = fileURLToPath(new URL('./web/serve.ts', import.meta.url));

function spawnNode(kind: string, env: Record<string, string>): Promise<ChildServer> {
  return spawnServer(kind, process.execPath, ['--import', 'tsx', serveScript, kind], env, repoRoot);
}

type Mode = 'plain' | 'oidc';

/** One contender of (b): the example app (Express) and its own dev provider, in one mode. */
interface LoginContender {
  mode: Mode;
  /** What its `/profile` answers: GitHub's `/user` (`login`), or userinfo claims (`sub`). */
  profileMarker: string;
  app: ChildServer;
  provider: ChildServer;
  logins: Measurement[];
}

/**
 * Starts a dev provider (auto-approve) in `mode` and the example app against it, each in its
 * own process: in plain mode with the provider's endpoint URLs, as the web bench does; in OIDC
 * mode with only `OAUTH_ISSUER` (and the redirect URI), so the app discovers the rest and checks
 * the ID token.
 */
async function startLoginContender(mode: Mode): Promise<LoginContender> {
  const port = await freePort();
  const client = {
    clientId: `bench-${mode}`,
    clientSecret: randomBytes(20).toString('hex'),
    redirectUris: [`http://127.0.0.1:${port}/callback`],
  };
  const provider = await spawnNode('provider', {
    DEV_CLIENTS: JSON.stringify([client]),
    ...(mode === 'oidc' && { DEV_OIDC: '1' }),
  });
  await checkProviderMode(provider, mode);
  const endpoints: Record<string, string> =
    mode === 'oidc' ? { OAUTH_ISSUER: provider.url } : devProviderUrls(provider.url);
  try {
    const app = await spawnNode('express', {
      PORT: String(port),
      OAUTH_CLIENT_ID: client.clientId,
      OAUTH_CLIENT_SECRET: client.clientSecret,
      ...endpoints,
      // OIDC mode requires it; the plain app sends it too, so the two differ only in the mode.
      OAUTH_REDIRECT_URI: client.redirectUris[0]!,
      SESSION_SECRET: randomBytes(32).toString('base64url'),
      SESSION_STORE: 'cookie',
    });
    const profileMarker = mode === 'oidc' ? '"sub"' : '"login"';
    return { mode, profileMarker, app, provider, logins: [] };
  } catch (error) {
    await provider.close();
    throw error;
  }
}

/** The provider is in the mode asked for: only in OIDC mode does it serve a discovery document. */
async function checkProviderMode(provider: ChildServer, mode: Mode): Promise<void> {
  const response = await fetch(`${provider.url}/.well-known/openid-configuration`);
  await response.arrayBuffer();
  if ((response.status === 200) !== (mode === 'oidc')) {
    await provider.close();
    throw new Error(`the ${mode} dev provider answered discovery with ${response.status}`);
  }
}

async function measureLoginRounds(contenders: LoginContender[], notes: string[]): Promise<void> {
  const { concurrency, loginsPerRound, warmupLogins } = LOGIN_RUN;
  const load = (c: LoginContender, total: number) =>
    measureLogins({ origin: c.app.url, total, concurrency, profileMarker: c.profileMarker });
  for (const c of contenders) await load(c, warmupLogins);
  const deadline = Date.now() + LOGIN_RUN.budgetMs;
  for (let i = 0; i < LOGIN_RUN.rounds; i += 1) {
    if (Date.now() > deadline) {
      notes.push(`time budget reached: ${i} of ${LOGIN_RUN.rounds} rounds measured`);
      break;
    }
    // Each round swaps who goes first, so a drift in the machine's load hits both alike.
    const order = i % 2 ? [...contenders].reverse() : contenders;
    for (const c of order) c.logins.push(await load(c, loginsPerRound));
  }
}

/** The first and third quartiles of `values`: how much the per-round ratios scatter. */
function middleHalf(values: readonly number[]): string {
  const sorted = [...values].sort((x, y) => x - y);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return `${at(0.25)?.toFixed(2)} to ${at(0.75)?.toFixed(2)}`;
}

const fmtLogins = (m: Measurement) =>
  `${perSecond(m.perSecond, 'logins/s')}, p50 ${m.p50.toFixed(1)} ms, p99 ${m.p99.toFixed(1)} ms`;

async function loginsWithOidc(): Promise<BenchTable> {
  const notes: string[] = [];
  const contenders: LoginContender[] = [];
  try {
    for (const mode of ['plain', 'oidc'] as const) contenders.push(await startLoginContender(mode));
    await measureLoginRounds(contenders, notes);
  } finally {
    await Promise.all(contenders.flatMap((c) => [c.app.close(), c.provider.close()]));
  }
  const [plain, oidc] = contenders as [LoginContender, LoginContender];
  const ratios = oidc.logins.map(
    (m, i) => m.perSecond / (plain.logins[i]?.perSecond ?? Number.NaN),
  );
  const { concurrency, rounds, loginsPerRound } = LOGIN_RUN;
  notes.push(
    `${concurrency} virtual users; ${rounds} interleaved rounds of ${loginsPerRound} complete logins (GET / -> authorize -> callback -> /profile) per contender, the order swapped every round; ratio = median of per-round ratios`,
    'each app (Express) and each dev provider (auto-approve) in its own process; OIDC: the app given OAUTH_ISSUER instead of the endpoint URLs (discovery once at start-up, outside the measured logins), the provider signing RS256 ID tokens, /profile answering userinfo',
  );
  return {
    title: 'oidc: complete logins, OpenID Connect vs plain OAuth (example app, dev provider)',
    rows: [
      info('plain OAuth: logins', fmtLogins(combine(plain.logins))),
      info('OpenID Connect: logins', fmtLogins(combine(oidc.logins))),
      atLeast('ratio OIDC / plain', median(ratios), 0.8),
      info('per-round ratios, middle half', middleHalf(ratios)),
    ],
    notes,
  };
}

/** Runs the OpenID Connect benchmarks; see the module note. */
export async function run(): Promise<BenchTable[]> {
  return [await idTokenValidations(), await loginsWithOidc()];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const table of await run()) console.log(`${formatTable(table)}\n`);
}
