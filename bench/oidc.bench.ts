/**
 * OpenID Connect benchmarks, side by side in one run:
 * (a) ID token validations per second: `validateIdToken` (with a `RemoteJwks` holding the set)
 *     vs openid-client v6's checks of the same RS256 token with its signature verified, and
 *     jose's bare `jwtVerify` as the floor;
 * (b) complete logins per second through the example app with the dev provider in OIDC mode
 *     (discovery, ID token) against the same app and provider in plain OAuth mode.
 *
 * Run alone: `npx tsx bench/oidc.bench.ts`; the runner (`bench/run.ts`) calls {@link run}.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pathToFileURL } from 'node:url';
import { exportJWK, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { type IdTokenExpectations, RemoteJwks, validateIdToken } from 'oauth2-session/oidc';
// openid-client v6 has no public "validate this ID token": it hands the token endpoint's answer
// to these two functions of oauth4webapi (the library it is built on and depends on), the first
// for the claims, the second for the signature once `enableNonRepudiationChecks` is on.
import * as oauth from 'oauth4webapi';
import { type CompareOptions, compare, type Operation } from './lib/measure.js';
import { atLeast, type BenchTable, formatTable, info, perSecond } from './lib/report.js';
import { startLoopbackServer } from './lib/server.js';

const CLIENT_ID = 'bench-client';
const KID = 'bench-key-1';
/** A nonce of the size ours makes (256 bits, base64url). */
const NONCE = 'bench-nonce-0123456789abcdefghijklmnopqrstuvw';

/**
 * Concurrency 8, as many callbacks at once as the web bench's virtual users: Web Crypto
 * verifies on libuv's pool, so the main thread's share of the work is what differs.
 */
const ID_TOKEN_RUN: CompareOptions = { concurrency: 8, roundMs: 400, rounds: 8, warmupRounds: 2 };
const CONTEXT_RUN: CompareOptions = { concurrency: 8, roundMs: 300, rounds: 6, warmupRounds: 1 };

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
        info('floor: jose jwtVerify with the key', perSecond(toFloor.rateB, 'tokens/s')),
        info('ratio ours / floor', toFloor.ratio.toFixed(2)),
        info('context: both reading a real Response, ours / theirs', responses.ratio.toFixed(2)),
        info('context: ours reading a real Response', perSecond(responses.rateA, 'tokens/s')),
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

function describeRun(o: CompareOptions): string {
  return `concurrency ${o.concurrency}, ${o.rounds} interleaved rounds of ${o.roundMs} ms each, ${o.warmupRounds ?? 1} warm-up; ratio = median of per-pair ratios`;
}

/** Runs the OpenID Connect benchmarks; see the module note. */
export async function run(): Promise<BenchTable[]> {
  return [await idTokenValidations()];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const table of await run()) console.log(`${formatTable(table)}\n`);
}
