/**
 * Fuzz properties (fast-check) of the four parsers an attacker feeds directly: the callback URL
 * reader, the token response reader (JSON and form), the sealed-cookie opener and the
 * return-path check. Shared by `test/fuzz/*.test.ts` (a few hundred runs each, in `npm test`)
 * and `scripts/fuzz.ts` (10,000+ runs each).
 *
 * Every property states the same two things: any input yields a typed result or a typed error
 * (never an uncaught exception of another kind), and what is accepted really is safe.
 */
import fc from 'fast-check';
import { OAuth2Error, readAuthorizationResponse, readTokenResponse } from 'oauth2-session';
import { Sealer, safeReturnPath } from 'oauth2-session/web';

/** A named property, runnable with any number of runs. */
/** fast-check's run parameters, the seed only when one is given. */
export function runParams<T>(numRuns: number, seed?: number): fc.Parameters<T> {
  return seed === undefined ? { numRuns } : { numRuns, seed };
}

export interface FuzzProperty {
  name: string;
  /** Whether some inputs are accepted and some refused (false: every input is an error). */
  twoSided: boolean;
  /** Runs the property; answers how many inputs were accepted and how many refused. */
  run(numRuns: number, seed?: number): Promise<FuzzTally>;
}

/** Inputs accepted (a code, a token, an opened seal, a kept path) and refused, per run. */
export interface FuzzTally {
  accepted: number;
  refused: number;
}

const tally = (): FuzzTally => ({ accepted: 0, refused: 0 });

/** Whether `error` is one of the library's typed errors: an OAuth2Error or a coded TypeError. */
export function isTypedError(error: unknown): boolean {
  if (error instanceof OAuth2Error) return typeof error.code === 'string';
  return error instanceof TypeError && typeof (error as { code?: unknown }).code === 'string';
}

function expectTyped(error: unknown): void {
  if (!isTypedError(error)) throw new Error('untyped error escaped', { cause: error });
}

const STATE = 'expected-state-0123456789';

/** Characters that matter to URL and form parsers, mixed with arbitrary text. */
const tricky = fc.constantFrom(
  '&',
  '=',
  '?',
  '#',
  '%',
  '%26',
  '%3D',
  '%00',
  '+',
  ' ',
  '\u0000',
  '\n',
  '\\',
  '/',
  ';',
  '%ZZ',
  '%',
  '\uD800',
  'state',
  'code',
  STATE,
  '',
);
const piece = fc.oneof(
  fc.string({ maxLength: 12 }),
  tricky,
  fc.string({ unit: 'grapheme', maxLength: 6 }),
);
const fragment = fc.array(piece, { maxLength: 6 }).map((parts) => parts.join(''));
const paramName = fc.oneof(
  fc.constantFrom('state', 'code', 'error', 'error_description', 'iss', 'access_token', 'id_token'),
  fragment,
);
const paramValue = fc.oneof(fc.constant(STATE), fc.constant('a-code'), fragment);

/** A callback URL made of chosen parameters, raw or encoded, sometimes with a fragment. */
const callbackUrl = fc
  .tuple(
    fc.array(fc.tuple(paramName, paramValue, fc.boolean()), { maxLength: 6 }),
    fc.option(fragment),
  )
  .map(([params, hash]) => {
    const query = params
      .map(([n, v, enc]) => (enc ? new URLSearchParams([[n, v]]).toString() : `${n}=${v}`))
      .join('&');
    return `https://app.example/callback?${query}${hash === null ? '' : `#${hash}`}`;
  });

/** A valid callback with random parameters added: the reader must still refuse injections. */
const wellFormedPlus = fc
  .tuple(callbackUrl, fc.boolean())
  .map(([url, first]) =>
    first
      ? url.replace('?', `?state=${STATE}&code=a-code&`)
      : url
          .replace('#', `&state=${STATE}&code=a-code#`)
          .concat(url.includes('#') ? '' : `&state=${STATE}&code=c`),
  );

/** Callback reader: a code only with exactly one matching state, one code and no error. */
const callbackParser: FuzzProperty = {
  name: 'readAuthorizationResponse (callback URL)',
  twoSided: true,
  run: async (numRuns, seed) => {
    const t = tally();
    await fc.assert(
      fc.property(
        fc.oneof(
          callbackUrl,
          wellFormedPlus,
          fc.string({ unit: 'binary' }),
          fc.webUrl({ withQueryParameters: true }),
        ),
        (input) => {
          let code: string;
          try {
            code = readAuthorizationResponse(input, STATE);
          } catch (error) {
            expectTyped(error);
            t.refused++;
            return;
          }
          t.accepted++;
          const params = new URL(input).searchParams;
          if (params.getAll('state').length !== 1 || params.get('state') !== STATE) return false;
          if (params.getAll('code').length !== 1 || params.has('error')) return false;
          return code === params.get('code') && code.length > 0;
        },
      ),
      runParams(numRuns, seed),
    );
    return t;
  },
};

/** Field values of every JSON type, and the shapes that break naive parsers. */
const fieldValue = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.constantFrom(
    'gho_abc123',
    'Bearer',
    'bearer',
    'mac',
    '3600',
    '-1',
    '1e400',
    'NaN',
    ' 60 ',
    '',
  ),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 2 }),
);
const tokenFields = fc.record(
  {
    access_token: fieldValue,
    token_type: fieldValue,
    expires_in: fieldValue,
    refresh_token: fieldValue,
    scope: fieldValue,
    id_token: fieldValue,
    error: fieldValue,
  },
  { requiredKeys: [] },
);
const toForm = (fields: Record<string, unknown>) =>
  new URLSearchParams(
    Object.entries(fields).map(([k, v]) => [
      k,
      typeof v === 'object' ? JSON.stringify(v) : String(v),
    ]),
  ).toString();

const JSON_TYPE = 'application/json';
/** `__proto__` as a JSON key must stay data, never become the prototype of the fields. */
const prototypeBody = fc.constantFrom(
  '{"__proto__":{"access_token":"polluted"},"token_type":"bearer"}',
  '{"constructor":{"prototype":{"access_token":"polluted"}}}',
  '__proto__[access_token]=polluted&access_token=',
);
const FORM_TYPE = 'application/x-www-form-urlencoded';
/** Mostly valid successes with one field disturbed, so the accepting side is exercised too. */
const nearlyValid = fc
  .tuple(
    fc.constantFrom('gho_abc123', 'ya29.a0-_~+/=', 'x'),
    fc.constantFrom('bearer', 'Bearer', undefined),
    fc.oneof(fc.constant(undefined), fc.nat(100_000), fc.constantFrom('3600', ' 60 ', '1.5')),
    fc.option(
      fc.tuple(
        fc.constantFrom('scope', 'refresh_token', 'id_token', 'expires_in', 'token_type', 'error'),
        fieldValue,
      ),
    ),
  )
  .map(([access_token, token_type, expires_in, extra]) => {
    const fields: Record<string, unknown> = { access_token, token_type, expires_in };
    if (extra) fields[extra[0]] = extra[1];
    return fields;
  });

const tokenBody = fc.oneof(
  tokenFields.map((f) => ({ body: JSON.stringify(f), type: JSON_TYPE as string | null })),
  tokenFields.map((f) => ({ body: toForm(f), type: FORM_TYPE as string | null })),
  nearlyValid.map((f) => ({ body: JSON.stringify(f), type: JSON_TYPE as string | null })),
  nearlyValid.map((f) => ({
    body: toForm(JSON.parse(JSON.stringify(f))),
    type: FORM_TYPE as string | null,
  })),
  fc.record({
    body: fc.oneof(fc.string({ unit: 'binary' }), fc.json(), fragment, prototypeBody),
    type: fc.constantFrom<string | null>(JSON_TYPE, FORM_TYPE, 'text/html', 'text/plain', null),
  }),
);
const STATUSES = [200, 200, 200, 201, 400, 401, 403, 404, 429, 500, 502, 503] as const;

/** Token reader: a Token with a header-safe access_token and finite expiry, or a typed error. */
const tokenParser: FuzzProperty = {
  name: 'readTokenResponse (JSON and form)',
  twoSided: true,
  run: async (numRuns, seed) => {
    const t = tally();
    await fc.assert(
      fc.asyncProperty(tokenBody, fc.constantFrom(...STATUSES), async ({ body, type }, status) => {
        const headers: HeadersInit = type === null ? {} : { 'content-type': type };
        const response = new Response(body, { status, headers });
        try {
          const token = await readTokenResponse(response, {
            nowSeconds: 1_700_000_000,
            maxBytes: 65_536,
          });
          t.accepted++;
          if (status >= 300) return false; // an error status never yields a token
          if (!/^[\x21-\x7E]+$/.test(token.access_token)) return false;
          if (typeof token.token_type !== 'string' || token.error != null) return false;
          if (token.expires_at !== undefined && !Number.isFinite(token.expires_at)) return false;
          return token.expires_in === undefined || Number.isFinite(token.expires_in);
        } catch (error) {
          expectTyped(error);
          t.refused++;
          return true;
        }
      }),
      runParams(numRuns, seed),
    );
    return t;
  },
};

const SECRET = 'fuzz-secret-0123456789-abcdefghijklmnop';
const RETIRED = 'retired-secret-0123456789-abcdefghijklm';
const STATUSES_UNSEALED = new Set(['ok', 'expired', 'tampered', 'unknown-key', 'malformed']);

/** Small edits an attacker makes to a seal: flip, drop, add, swap, re-case. */
const edit = fc.oneof(
  fc.record({
    kind: fc.constant('flip' as const),
    at: fc.nat(),
    to: fc.constantFrom('A', 'a', '_', '-', '0', '.', 'Q', 'w'),
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('append' as const),
    text: fc.string({ minLength: 1, maxLength: 4 }),
  }),
  fc.record({ kind: fc.constant('swap-fields' as const), a: fc.nat(3), b: fc.nat(3) }),
);
type Edit = typeof edit extends fc.Arbitrary<infer E> ? E : never;

function applyEdit(seal: string, e: Edit): string {
  if (e.kind === 'flip') {
    const i = e.at % seal.length;
    return seal.slice(0, i) + e.to + seal.slice(i + 1);
  }
  if (e.kind === 'truncate') return seal.slice(0, e.at % seal.length);
  if (e.kind === 'append') return seal + e.text;
  const parts = seal.split('.');
  [parts[e.a], parts[e.b]] = [parts[e.b]!, parts[e.a]!];
  return parts.join('.');
}

/**
 * Sealed-cookie opener: any string answers one of the typed statuses and never throws; only
 * the exact string we sealed opens, to the data we sealed, under the name we sealed it for.
 */
const sealOpener: FuzzProperty = {
  name: 'Sealer.unseal (sealed cookies)',
  twoSided: true,
  run: async (numRuns, seed) => {
    const sealer = new Sealer({ secrets: [SECRET, RETIRED] });
    const retired = new Sealer({ secrets: [RETIRED] });
    const stranger = new Sealer({ secrets: ['another-app-secret-0123456789-abcdefg'] });
    const t = tally();
    await fc.assert(
      fc.asyncProperty(
        fc.jsonValue({ maxDepth: 2 }),
        fc.array(edit, { minLength: 1, maxLength: 3 }),
        fc.string(),
        async (data, edits, junk) => {
          const sealed = await sealer.seal('sid', data, 60);
          const opened = await sealer.unseal('sid', sealed);
          if (opened.status !== 'ok' || JSON.stringify(opened.data) !== JSON.stringify(data))
            return false;
          t.accepted++;
          if ((await sealer.unseal('other', sealed)).status === 'ok') return false;
          if ((await stranger.unseal('sid', sealed)).status === 'ok') return false;
          const old = await retired.seal('sid', data, 60); // a retired key still opens (rotation)
          if ((await sealer.unseal('sid', old)).status !== 'ok') return false;
          const edited = edits.reduce(applyEdit, sealed);
          const e = await sealer.unseal('sid', edited);
          if (e.status !== 'ok') t.refused++;
          if (!STATUSES_UNSEALED.has(e.status) || (edited !== sealed && e.status === 'ok'))
            return false;
          const j = await sealer.unseal('sid', junk);
          return j.status !== 'ok' && STATUSES_UNSEALED.has(j.status);
        },
      ),
      runParams(numRuns, seed),
    );
    return t;
  },
};

const ORIGIN = 'https://app.example';
/** Pieces of known open-redirect tricks, shuffled with arbitrary text. */
const redirectPiece = fc.oneof(
  fc.constantFrom(
    '/',
    '//',
    '\\',
    '/\\',
    '%2F',
    '%2f',
    '%5C',
    '%5c',
    '%252F',
    '%25252F',
    'evil.example',
    '@',
    'https:',
    'javascript:',
    'data:',
    ':',
    '.',
    '..',
    '/./',
    '/../',
    '\t',
    '\n',
    '\r',
    '%09',
    '%0A',
    '%00',
    '\u0000',
    '\u3002',
    '\uFF0F',
    '?',
    '#',
    '%',
    '%%',
    '%E0%A4%A',
    ' ',
  ),
  fc.string({ maxLength: 6 }),
);
const returnPathInput = fc.oneof(
  fc.array(redirectPiece, { maxLength: 8 }).map((p) => p.join('')),
  fc.array(redirectPiece, { maxLength: 8 }).map((p) => `/${p.join('')}`),
  fc.string({ unit: 'binary' }),
  fc.anything(),
);

function hasControlOrBackslash(text: string): boolean {
  return [...text].some((c) => c.charCodeAt(0) < 0x20 || c === '\x7f' || c === '\\');
}

function isSameOriginPath(path: string): boolean {
  if (!path.startsWith('/') || path.startsWith('//') || hasControlOrBackslash(path)) return false;
  try {
    return new URL(path, ORIGIN).origin === ORIGIN;
  } catch {
    return false;
  }
}

/** Return-path check: always a same-origin path, stable when checked again. */
const returnPath: FuzzProperty = {
  name: 'safeReturnPath (open redirect)',
  twoSided: true,
  run: async (numRuns, seed) => {
    const t = tally();
    await fc.assert(
      fc.property(returnPathInput, (input) => {
        const path = safeReturnPath(input);
        if (path === '/' && input !== '/') t.refused++;
        else t.accepted++;
        if (typeof path !== 'string' || !isSameOriginPath(path)) return false;
        // Decoded once more (a proxy or framework may decode it), it still stays home.
        let decoded = path;
        try {
          decoded = decodeURIComponent(path);
        } catch {}
        return isSameOriginPath(decoded) && safeReturnPath(path) === path;
      }),
      runParams(numRuns, seed),
    );
    return t;
  },
};

const tokenChar = fc.constantFrom(
  ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/'.split(''),
);
const credential = fc.string({ unit: tokenChar, minLength: 16, maxLength: 64 });

/**
 * Error bodies that are not OAuth errors (an HTML 500, a proxy page) are kept as a short excerpt
 * for debugging: a credential-looking value anywhere in them never survives into the error.
 */
const errorRedaction: FuzzProperty = {
  name: 'token endpoint error excerpt (no credential survives)',
  twoSided: false,
  run: async (numRuns, seed) => {
    const t = tally();
    await fc.assert(
      fc.asyncProperty(
        fragment,
        credential,
        fragment,
        fc.constantFrom('', 'access_token=', '"refresh_token": "', 'code=', 'Bearer ', '<pre>'),
        fc.constantFrom(400, 401, 500, 502, 503),
        async (before, secret, after, label, status) => {
          const body = `${before}${label}${secret}${after}`;
          const response = new Response(body, { status, headers: { 'content-type': 'text/html' } });
          const error = await readTokenResponse(response, { nowSeconds: 0, maxBytes: 65_536 }).then(
            () => undefined,
            (e: unknown) => e,
          );
          if (!(error instanceof OAuth2Error)) return false;
          t.refused++; // every input is an error; what counts is what it shows
          const shown = `${error.message} ${JSON.stringify(error)} ${String(error)}`;
          return !shown.includes(secret);
        },
      ),
      runParams(numRuns, seed),
    );
    return t;
  },
};

/** Every fuzz property, in the order the script runs them. */
export const properties: readonly FuzzProperty[] = [
  callbackParser,
  tokenParser,
  errorRedaction,
  sealOpener,
  returnPath,
];
