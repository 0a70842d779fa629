/**
 * Fuzz properties (fast-check) of what an OpenID provider, or someone posing as one, feeds the
 * relying party: the ID token parser and verifier, the JWK Set parser, the key lookup over an
 * arbitrary JWK Set, and the discovery document checks. Shared by `test/fuzz/oidc.test.ts` (a
 * few hundred runs each, in `npm test`) and `scripts/fuzz.ts` (10,000+ runs each).
 *
 * As in `properties.ts`: any input yields a typed result or a typed error of the documented
 * kinds (never another exception, never a hang), and what is accepted really is safe.
 */
import { createHmac, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import fc from 'fast-check';
import { createLocalJWKSet, type JWK } from 'jose';
import { InsecureTransportError, Transport } from 'oauth2-session';
import {
  checkMetadata,
  DiscoveryError,
  IdTokenError,
  JwksError,
  parseJwks,
  RemoteJwks,
  validateIdToken,
  type WellKnown,
} from 'oauth2-session/oidc';
import { type FuzzProperty, type FuzzTally, runParams } from './properties.js';

const tally = (): FuzzTally => ({ accepted: 0, refused: 0 });
/** Longest a single input may take before the property counts it as a hang, in milliseconds. */
const HANG_MS = 5_000;

const ISSUER = 'https://op.example';
const CLIENT = 'fuzz-client';
const SECRET = 'fuzz-oidc-client-secret-0123456789-abcdefgh';
const NONCE = 'fuzz-nonce-0123456789';
const NOW = 1_800_000_000; // seconds
const TOLERANCE = 30;
const KID = 'k1';

const CHECKS = new Set([
  'format',
  'alg',
  'kid',
  'signature',
  'iss',
  'aud',
  'azp',
  'exp',
  'iat',
  'sub',
  'nonce',
  'auth_time',
  'at_hash',
  'c_hash',
  'missing',
  'refresh',
]);

/** One RSA key for the whole run: its private half signs, its public JWK is the provider's set. */
interface RsaKey {
  privateKey: KeyObject;
  jwk: JWK;
}
let rsa: RsaKey | undefined;
function rsaKey(): RsaKey {
  if (!rsa) {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = { ...(pair.publicKey.export({ format: 'jwk' }) as JWK), kid: KID, alg: 'RS256' };
    rsa = { privateKey: pair.privateKey, jwk };
  }
  return rsa;
}

/** An attacker's own key embedded in the header (`jwk`): it must never be the verifying key. */
const rsaKeyJwkPlaceholder = { kty: 'oct', k: 'YXR0YWNrZXI' };

const b64 = (text: string | Buffer) => Buffer.from(text).toString('base64url');

/** Values of every JSON type, and the shapes that break naive claim checks. */
const junk = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('', 'none', '0', NOW, NOW - TOLERANCE, NOW + TOLERANCE + 1, -1, 1e21),
  fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 }), { maxKeys: 2 }),
);

const VALID_CLAIMS: Record<string, unknown> = {
  iss: ISSUER,
  aud: CLIENT,
  sub: 'user-1',
  exp: NOW + 600,
  iat: NOW,
  nonce: NONCE,
  auth_time: NOW - 10,
};
/** Values close to the valid ones, per claim: where the off-by-one and confusion bugs live. */
const NEAR: Record<string, unknown[]> = {
  iss: [`${ISSUER}/`, 'https://OP.example', 'https://evil.example', [ISSUER]],
  aud: [[CLIENT], [CLIENT, 'other'], ['other'], `${CLIENT} other`, [[CLIENT]]],
  azp: [CLIENT, 'other', [CLIENT]],
  sub: ['', ['user-1'], 0],
  exp: [NOW - TOLERANCE, NOW - TOLERANCE + 1, `${NOW + 600}`, NOW],
  iat: [NOW + TOLERANCE, NOW + TOLERANCE + 1, `${NOW}`],
  nonce: [`${NONCE}x`, NONCE.slice(1), ''],
  auth_time: [`${NOW}`, null],
  at_hash: ['', 'AAAAAAAAAAAAAAAAAAAAAA'],
  c_hash: ['AAAAAAAAAAAAAAAAAAAAAA'],
};
const claimName = fc.constantFrom(...Object.keys(NEAR), '__proto__', 'constructor');
const disturbance = fc.tuple(
  claimName,
  fc.oneof(
    junk,
    fc.constant(undefined), // removes the claim
    claimName.chain((n) => fc.constantFrom(...(Object.hasOwn(NEAR, n) ? NEAR[n]! : [null]))),
  ),
);
/** Valid claims with up to three disturbed (set to junk, a near value, or removed). */
const edits = fc.oneof(fc.constant([]), fc.array(disturbance, { minLength: 1, maxLength: 3 }));
const claims = edits.map((edits) => {
  const out: Record<string, unknown> = { ...VALID_CLAIMS };
  for (const [name, value] of edits) {
    if (value === undefined) delete out[name];
    else
      Object.defineProperty(out, name, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
  }
  return out;
});
/** The payload segment's text: JSON of the claims, or shapes JSON.stringify cannot make. */
const payloadText = fc.oneof(
  { weight: 8, arbitrary: claims.map((c) => JSON.stringify(c)) },
  fc.constantFrom(
    '[]',
    'null',
    '"claims"',
    '{',
    '',
    `{"iss":"${ISSUER}","aud":"${CLIENT}","sub":"u","exp":1e400,"iat":${NOW},"nonce":"${NONCE}"}`,
    `{"iss":"${ISSUER}","iss":"https://evil.example","aud":"${CLIENT}","sub":"u","exp":${NOW + 60},"iat":${NOW},"nonce":"${NONCE}"}`,
  ),
  fc.json({ maxDepth: 2 }),
);
const alg = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('HS256', 'RS256') },
  fc.constantFrom('none', 'None', 'HS512', 'RS512', 'ES256', 'PS256', 'EdDSA', ''),
  junk,
);
const header = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .record(
        {
          alg,
          kid: fc.oneof(
            { weight: 4, arbitrary: fc.constant(KID) },
            fc.constantFrom('k2', ''),
            junk,
          ),
          typ: fc.constantFrom('JWT', 'at+jwt', 'jwt'),
        },
        { requiredKeys: ['alg'] },
      )
      .map((h) => JSON.stringify(h)),
  },
  {
    weight: 2,
    arbitrary: fc
      .record(
        {
          alg,
          crit: fc.constantFrom(['b64'], ['exp'], [], 'b64', ['b64', 'b64']),
          b64: fc.oneof(fc.boolean(), junk),
          jwk: fc.constant(rsaKeyJwkPlaceholder),
          x5u: fc.constant('https://evil.example/x5u'),
        },
        { requiredKeys: ['alg'] },
      )
      .map((h) => JSON.stringify(h)),
  },
  fc.json({ maxDepth: 1 }),
  fc.string({ maxLength: 12 }),
);
/** How the signature segment is made. */
const signature = fc.oneof(
  { weight: 6, arbitrary: fc.constant('valid') },
  fc.constantFrom('flipped', 'empty', 'junk'),
);
/** Damage to the compact form itself. */
const framing = fc.oneof(
  { weight: 6, arbitrary: fc.constant('none') },
  fc.constantFrom('extra-dot', 'drop', 'space'),
);

function signatureOf(kind: string, alg: unknown, input: string): string {
  if (kind === 'empty') return '';
  if (kind === 'junk') return b64('not a signature at all');
  const bytes =
    alg === 'RS256'
      ? sign('sha256', Buffer.from(input), rsaKey().privateKey)
      : createHmac('sha256', SECRET).update(input).digest();
  const s = bytes.toString('base64url');
  return kind === 'flipped' ? (s[0] === 'A' ? 'B' : 'A') + s.slice(1) : s;
}

function frame(parts: string[], damage: string): string {
  if (damage === 'extra-dot') return `${parts.join('.')}.`;
  if (damage === 'drop') return parts.slice(1).join('.');
  if (damage === 'space') return ` ${parts.join('.')}`;
  return parts.join('.');
}

/** A compact JWS close to a valid ID token: most are signed right, so both sides are reached. */
const nearJwt = fc.tuple(header, payloadText, signature, framing).map(([h, p, kind, damage]) => {
  let alg: unknown;
  try {
    alg = (JSON.parse(h) as { alg?: unknown } | null)?.alg;
  } catch {}
  const input = `${b64(h)}.${b64(p)}`;
  return frame([b64(h), b64(p), signatureOf(kind, alg, input)], damage);
});

const idTokenInput = fc.oneof(
  { weight: 12, arbitrary: nearJwt },
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc
    .array(fc.string({ unit: fc.constantFrom('a', 'e', '.', '-', '_', '=', '0') }), {
      maxLength: 4,
    })
    .map((parts) => parts.join('.')),
  fc.anything(),
);

function audiences(aud: unknown): unknown[] {
  return Array.isArray(aud) ? aud : [aud];
}

/** What an accepted token must be: this issuer's, for this client, fresh, with this nonce. */
function acceptedIsSafe(claims: Record<string, unknown>, jwt: string): boolean {
  const alg = JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString()).alg;
  if (alg !== 'RS256' && alg !== 'HS256') return false;
  if (claims['iss'] !== ISSUER || !audiences(claims['aud']).includes(CLIENT)) return false;
  const azp = claims['azp'];
  if ((audiences(claims['aud']).length > 1 || azp !== undefined) && azp !== CLIENT) return false;
  const { sub, exp, iat } = claims;
  if (typeof sub !== 'string' || !sub || typeof exp !== 'number' || typeof iat !== 'number')
    return false;
  return exp + TOLERANCE > NOW && iat - TOLERANCE <= NOW && claims['nonce'] === NONCE;
}

/** Rejects after HANG_MS, so an input that never settles fails the property instead of the run. */
function withinDeadline<T>(promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${HANG_MS} ms`)), HANG_MS);
  });
  return Promise.race([promise, hang]).finally(() => clearTimeout(timer));
}

/**
 * validateIdToken on arbitrary strings and near-JWTs: claims that pass every rule, or an
 * IdTokenError with one of the documented checks; nothing else, and never a hang.
 */
const idTokenParser: FuzzProperty = {
  name: 'validateIdToken (arbitrary and near-JWT strings)',
  twoSided: true,
  run: async (numRuns, seed) => {
    const t = tally();
    const keys = { getKey: createLocalJWKSet({ keys: [rsaKey().jwk] }) };
    const expected = {
      issuer: ISSUER,
      clientId: CLIENT,
      keys,
      algorithms: ['RS256', 'HS256'],
      clientSecret: SECRET,
      nonce: NONCE,
      clock: () => NOW * 1000,
    };
    await fc.assert(
      fc.asyncProperty(idTokenInput, async (input) => {
        try {
          const verified = await withinDeadline(validateIdToken(input as string, expected));
          t.accepted++;
          return typeof input === 'string' && acceptedIsSafe(verified, input);
        } catch (error) {
          if (!(error instanceof IdTokenError) || !CHECKS.has(error.check))
            throw new Error('not an IdTokenError with a check', { cause: error });
          t.refused++;
          return true;
        }
      }),
      runParams(numRuns, seed),
    );
    return t;
  },
};

/** JWK-ish values: real keys, keys with one field broken, and junk. */
function jwkArbitrary(): fc.Arbitrary<unknown> {
  const real = rsaKey().jwk;
  const field = fc.constantFrom('kty', 'n', 'e', 'kid', 'alg', 'use', 'key_ops', 'd', 'crv', 'x');
  const broken = fc.tuple(field, fc.oneof(junk, fc.constant(undefined))).map(([name, value]) => {
    const out: Record<string, unknown> = { ...real };
    if (value === undefined) delete out[name];
    else out[name] = value;
    return out;
  });
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant(real) },
    { weight: 4, arbitrary: broken },
    fc.constantFrom(
      { kty: 'RSA', kid: KID, alg: 'RS256' },
      { kty: 'EC', kid: KID, alg: 'RS256', crv: 'P-256', x: 'AA', y: 'AA' },
      { kty: 'oct', kid: KID, k: 'c2VjcmV0' },
      { kty: 'RSA', kid: KID },
      { ...real, kid: undefined },
      { ...real, use: 'enc' },
      { ...real, key_ops: ['sign'] },
    ),
    fc.dictionary(fc.string({ maxLength: 4 }), junk, { maxKeys: 3 }),
    junk,
  );
}

/** JWK Set texts: sets of JWK-ish values, other JSON, and text that is not JSON. */
function jwksText(): fc.Arbitrary<string> {
  return fc.oneof(
    {
      weight: 6,
      arbitrary: fc.array(jwkArbitrary(), { maxLength: 4 }).map((keys) => JSON.stringify({ keys })),
    },
    fc.json({ maxDepth: 2 }),
    fc.string({ maxLength: 40 }),
    fc.constantFrom('{"keys":null}', '{"keys":{}}', '{"__proto__":{"keys":[]}}', '{"keys":[[]]}'),
  );
}

/** parseJwks: a set whose every member is an object with a string `kty`, or a JwksError. */
const jwksParser: FuzzProperty = {
  name: 'parseJwks (JSON-ish text)',
  twoSided: true,
  run: async (numRuns, seed) => {
    const t = tally();
    await fc.assert(
      fc.property(fc.oneof(jwksText(), fc.string({ unit: 'binary' })), (text) => {
        let set: ReturnType<typeof parseJwks>;
        try {
          set = parseJwks(text);
        } catch (error) {
          if (!(error instanceof JwksError)) throw new Error('not a JwksError', { cause: error });
          t.refused++;
          return true;
        }
        t.accepted++;
        const kept = (JSON.parse(text) as { keys: unknown }).keys;
        const isKey = (k: unknown) =>
          typeof k === 'object' && k !== null && typeof (k as { kty?: unknown }).kty === 'string';
        // What is kept is what was sent, and every member has a string kty.
        return set.keys.every(isKey) && JSON.stringify(set.keys) === JSON.stringify(kept);
      }),
      runParams(numRuns, seed),
    );
    return t;
  },
};

/** A compact RS256 ID token, valid, with the run's key and kid `k1`. */
function goodToken(): string {
  const h = b64(JSON.stringify({ alg: 'RS256', kid: KID }));
  const p = b64(JSON.stringify({ ...VALID_CLAIMS, nonce: undefined }));
  return `${h}.${p}.${signatureOf('valid', 'RS256', `${h}.${p}`)}`;
}

/**
 * A valid token checked against whatever JWK Set the provider serves: the claims (only when the
 * set holds the signing key), an IdTokenError, or a JwksError; never jose's or Web Crypto's own
 * errors.
 */
const keyLookup: FuzzProperty = {
  name: 'RemoteJwks + validateIdToken (arbitrary JWK Set)',
  twoSided: true,
  run: async (numRuns, seed) => {
    const t = tally();
    const jwt = goodToken();
    await fc.assert(
      fc.asyncProperty(
        jwksText(),
        fc.constantFrom(200, 200, 200, 404, 500),
        async (text, status) => {
          const fetch = async () =>
            new Response(text, { status, headers: { 'content-type': 'application/json' } });
          const keys = new RemoteJwks('https://op.example/jwks', { fetch, cooldownMs: 0 });
          try {
            await withinDeadline(
              validateIdToken(jwt, {
                issuer: ISSUER,
                clientId: CLIENT,
                keys,
                clock: () => NOW * 1000,
              }),
            );
            t.accepted++;
            return status === 200 && text.includes(rsaKey().jwk.n!);
          } catch (error) {
            const typed = error instanceof IdTokenError || error instanceof JwksError;
            if (!typed) throw new Error('not an IdTokenError or JwksError', { cause: error });
            t.refused++;
            return true;
          }
        },
      ),
      runParams(numRuns, seed),
    );
    return t;
  },
};

const URL_VALUES = [
  'https://op.example/x',
  'http://127.0.0.1:8080/x',
  'http://localhost/x',
  'http://op.example/x',
  'not a url',
  'javascript:alert(1)',
  'ftp://op.example/x',
  '',
  '//op.example/x',
];
const VALID_METADATA: Record<string, unknown> = {
  issuer: ISSUER,
  authorization_endpoint: `${ISSUER}/authorize`,
  token_endpoint: `${ISSUER}/token`,
  userinfo_endpoint: `${ISSUER}/userinfo`,
  jwks_uri: `${ISSUER}/jwks`,
  response_types_supported: ['code'],
  subject_types_supported: ['public'],
  id_token_signing_alg_values_supported: ['RS256'],
  code_challenge_methods_supported: ['S256'],
};
const metadataField = fc.constantFrom(
  ...Object.keys(VALID_METADATA),
  'end_session_endpoint',
  'revocation_endpoint',
  'scopes_supported',
  'claims_supported',
  'request_parameter_supported',
  'x_endpoint',
  '__proto__',
);
const metadataValue = fc.oneof(
  junk,
  fc.constant(undefined),
  fc.constantFrom(...URL_VALUES),
  fc.constantFrom(`${ISSUER}/`, 'https://evil.example', ['code', 1], ['RS256'], [], 'code'),
);
/** Valid metadata with up to three fields disturbed, or arbitrary objects. */
const metadata = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.array(fc.tuple(metadataField, metadataValue), { maxLength: 3 }).map((edits) => {
      const out: Record<string, unknown> = { ...VALID_METADATA };
      for (const [name, value] of edits) {
        if (value === undefined) delete out[name];
        else
          Object.defineProperty(out, name, {
            value,
            enumerable: true,
            writable: true,
            configurable: true,
          });
      }
      return out;
    }),
  },
  fc.object({ maxDepth: 2 }),
  fc.dictionary(metadataField, metadataValue),
);

const REQUIRED: Record<WellKnown, readonly string[]> = {
  'openid-configuration': [
    'authorization_endpoint',
    'token_endpoint',
    'jwks_uri',
    'response_types_supported',
    'subject_types_supported',
    'id_token_signing_alg_values_supported',
  ],
  'oauth-authorization-server': ['token_endpoint', 'response_types_supported'],
};

function isSecureUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return (
      url.protocol === 'https:' ||
      (url.protocol === 'http:' && /^(127\.|localhost$)/.test(url.hostname))
    );
  } catch {
    return false;
  }
}

/**
 * checkMetadata on arbitrary objects: a frozen description naming the issuer asked for, its
 * required fields there and every endpoint held to the https rule; or a DiscoveryError, an
 * InsecureTransportError (a URL that does not parse is a DiscoveryError too).
 */
const metadataChecker: FuzzProperty = {
  name: 'checkMetadata (arbitrary objects)',
  twoSided: true,
  run: async (numRuns, seed) => {
    const t = tally();
    const transport = new Transport({ allowInsecureTransport: false });
    await fc.assert(
      fc.property(
        metadata,
        fc.constantFrom<WellKnown>('openid-configuration', 'oauth-authorization-server'),
        (fields, wellKnown) => {
          let server: ReturnType<typeof checkMetadata>;
          try {
            server = checkMetadata(fields, ISSUER, wellKnown, transport);
          } catch (error) {
            const typed =
              error instanceof DiscoveryError || error instanceof InsecureTransportError;
            if (!typed) throw new Error('not a documented error', { cause: error });
            t.refused++;
            return true;
          }
          t.accepted++;
          if (server.issuer !== ISSUER || !Object.isFrozen(server)) return false;
          if (REQUIRED[wellKnown].some((f) => server[f] === undefined)) return false;
          return Object.entries(server).every(([field, value]) =>
            /_endpoint$|^jwks_uri$/.test(field) ? isSecureUrl(value) : true,
          );
        },
      ),
      runParams(numRuns, seed),
    );
    return t;
  },
};

/** Every OIDC fuzz property, in the order the script runs them. */
export const oidcProperties: readonly FuzzProperty[] = [
  idTokenParser,
  jwksParser,
  keyLookup,
  metadataChecker,
];
