/**
 * The cookie codec of our own (src/web/cookie-codec.ts): on valid input it answers what the
 * `cookie` package answers (kept as a dev dependency for this comparison only), its output
 * parses back to its input, and hostile headers never throw nor pollute a prototype.
 */
import { parseCookie, stringifySetCookie } from 'cookie';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCookieHeader, serializeSetCookie } from '../../src/web/cookie-codec.js';
import { COOKIE_DEFAULTS, parseCookies, serializeCookie } from '../../src/web/cookies.js';

const TCHARS = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const OCTETS = [0x21, ...range(0x23, 0x2b), ...range(0x2d, 0x3a), ...range(0x3c, 0x5b)]
  .concat(range(0x5d, 0x7e))
  .map((code) => String.fromCharCode(code))
  .join('');

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

const token = fc.string({ unit: fc.constantFrom(...TCHARS), minLength: 1, maxLength: 12 });
const octets = fc.string({ unit: fc.constantFrom(...OCTETS), maxLength: 40 });
const cookieValue = fc.oneof(
  octets,
  octets.map((v) => `"${v}"`),
);
const whitespace = fc.string({ unit: fc.constantFrom(' ', '\t'), maxLength: 2 });
const pair = fc.record({ name: token, value: cookieValue, before: whitespace, after: whitespace });
const asSent = (value: string): string => value;

/** A `Cookie` header as a browser (or a sloppy client) sends it: pairs, `;`, optional spaces. */
const cookieHeader = fc
  .array(pair, { minLength: 1, maxLength: 12 })
  .map((pairs) => pairs.map((p) => `${p.before}${p.name}=${p.value}${p.after}`).join(';'));

const attributes = fc.record({
  secure: fc.boolean(),
  maxAgeSeconds: fc.option(fc.integer({ min: 0, max: 400 * 24 * 3600 }), { nil: undefined }),
  sameSite: fc.option(fc.constantFrom('lax' as const, 'strict' as const, 'none' as const), {
    nil: undefined,
  }),
});

const pollutionProbe = () => ({}) as Record<string, unknown>;

describe('parseCookieHeader on valid headers', () => {
  it('answers what cookie.parseCookie answers (values as sent, first duplicate wins)', () => {
    fc.assert(
      fc.property(cookieHeader, (header) => {
        // An object lists integer-like keys first: compare as maps, whatever the order.
        const theirs = new Map(Object.entries(parseCookie(header, { decode: asSent })));
        expect(parseCookieHeader(header)).toEqual(theirs);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps the first of duplicate names, as browsers send the most specific first', () => {
    expect(parseCookieHeader('sid=path-specific; sid=root; other=1')).toEqual(
      new Map([
        ['sid', 'path-specific'],
        ['other', '1'],
      ]),
    );
  });

  it('skips pairs without "=" and empty names, and keeps quotes and "=" inside values', () => {
    const parsed = parseCookieHeader('flag; =orphan; a="q"; b=x=y; ;c =  d ;');
    expect([...parsed]).toEqual([
      ['a', '"q"'],
      ['b', 'x=y'],
      ['c', 'd'],
    ]);
  });

  it('does not percent-decode: a value is what the client sent', () => {
    expect(parseCookieHeader('a=%41%42; b=%E0%A4%A')).toEqual(
      new Map([
        ['a', '%41%42'],
        ['b', '%E0%A4%A'],
      ]),
    );
  });
});

describe('serializeSetCookie', () => {
  it('answers what cookie.stringifySetCookie answers for the attributes this library sets', () => {
    fc.assert(
      fc.property(token, cookieValue, attributes, (name, value, attrs) => {
        const ours = serializeCookie(name, value, attrs);
        const theirs = stringifySetCookie(
          {
            name,
            value,
            ...COOKIE_DEFAULTS,
            sameSite: attrs.sameSite ?? COOKIE_DEFAULTS.sameSite,
            secure: attrs.secure,
            ...(attrs.maxAgeSeconds === undefined ? {} : { maxAge: attrs.maxAgeSeconds }),
          },
          { encode: asSent },
        );
        expect(ours).toBe(theirs);
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips: the pair it writes parses back to the same name and value', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(token, cookieValue), { selector: (t) => t[0] }),
        (all) => {
          const header = all
            .map(([name, value]) => serializeCookie(name, value, { secure: true }).split(';')[0])
            .join('; ');
          expect(parseCookies(header)).toEqual(new Map(all));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('writes exactly the attributes asked for, in a fixed order', () => {
    expect(
      serializeSetCookie({
        name: '__Host-sid',
        value: 'abc.def',
        maxAge: 60,
        path: '/',
        httpOnly: true,
        secure: true,
        sameSite: 'strict',
      }),
    ).toBe('__Host-sid=abc.def; Max-Age=60; Path=/; HttpOnly; Secure; SameSite=Strict');
    expect(serializeSetCookie({ name: 'a', value: '' })).toBe('a=');
  });

  it('writes a path of any length within path-value, and refuses an empty one', () => {
    expect(serializeSetCookie({ name: 'a', value: 'v', path: '/app/callback' })).toBe(
      'a=v; Path=/app/callback',
    );
    expect(serializeSetCookie({ name: 'a', value: 'v', path: '/a b~' })).toBe('a=v; Path=/a b~');
    expect(() => serializeSetCookie({ name: 'a', value: 'v', path: '' })).toThrow(/cookie path/);
    expect(() => serializeSetCookie({ name: 'a', value: 'v', path: '/a\x7f' })).toThrow(
      /cookie path/,
    );
  });

  it.each([
    ['a name that is not a token', { name: 'a b', value: 'v' }, 'cookie name'],
    ['an empty name', { name: '', value: 'v' }, 'cookie name'],
    ['a name with "="', { name: 'a=b', value: 'v' }, 'cookie name'],
    ['a value with ";"', { name: 'a', value: 'secret;Domain=evil' }, 'cookie value'],
    ['a value with a space', { name: 'a', value: 'secret value' }, 'cookie value'],
    ['a value with a line break', { name: 'a', value: 'secret\r\nSet-Cookie: x' }, 'cookie value'],
    ['a value with non-ASCII', { name: 'a', value: 'secrét' }, 'cookie value'],
    ['a path with ";"', { name: 'a', value: 'v', path: '/;Secure' }, 'cookie path'],
    ['a fractional maxAge', { name: 'a', value: 'v', maxAge: 1.5 }, 'cookie maxAge'],
    ['an infinite maxAge', { name: 'a', value: 'v', maxAge: Number.POSITIVE_INFINITY }, 'maxAge'],
  ])('refuses %s with a coded TypeError that holds no value', (_, cookie, field) => {
    let thrown: unknown;
    try {
      serializeSetCookie(cookie);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TypeError);
    expect((thrown as { code?: unknown }).code).toBe('ERR_INVALID_ARG_VALUE');
    expect((thrown as Error).message).toContain(field);
    expect((thrown as Error).message).not.toContain('secret');
  });

  it('refuses a sameSite outside the three, including inherited names', () => {
    for (const sameSite of ['toString', '__proto__', 'Lax', '']) {
      expect(() =>
        serializeSetCookie({ name: 'a', value: 'v', sameSite: sameSite as 'lax' }),
      ).toThrow(/sameSite/);
    }
  });
});

describe('parseCookieHeader on hostile headers', () => {
  it('never throws on any string (lone surrogates, controls, any unicode) and answers strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (header) => {
        const parsed = parseCookieHeader(header);
        for (const [name, value] of parsed) {
          expect(typeof name).toBe('string');
          expect(typeof value).toBe('string');
          expect(header).toContain(`${name}`);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('takes __proto__, constructor and prototype as plain names, polluting nothing', () => {
    const parsed = parseCookies('__proto__=polluted; constructor=x; prototype=y; toString=z');
    expect(parsed.get('__proto__')).toBe('polluted');
    expect(parsed.get('constructor')).toBe('x');
    expect(parsed.get('toString')).toBe('z');
    expect(pollutionProbe()['polluted']).toBeUndefined();
    expect(Object.getPrototypeOf(pollutionProbe())).toBe(Object.prototype);
    expect(parsed.has('hasOwnProperty')).toBe(false);
  });

  it('reads a 1 MiB header of 100 000 pairs, and one of 500 000 bare ";" before one pair', () => {
    const many = Array.from({ length: 100_000 }, (_, i) => `c${i}=${'v'.repeat(4)}`).join('; ');
    const parsed = parseCookieHeader(many);
    expect(parsed.size).toBe(100_000);
    expect(parsed.get('c99999')).toBe('vvvv');
    const bare = `${'x;'.repeat(500_000)}sid=last`;
    expect([...parseCookieHeader(bare)]).toEqual([['sid', 'last']]);
  });

  it('reads a header of only separators or only names as no cookie', () => {
    for (const header of ['', ';', '=', ';;;', ' ; = ; ', 'a; b; c']) {
      expect(parseCookieHeader(header).size).toBe(0);
    }
  });

  it('parseCookies: a missing header is no cookie', () => {
    expect(parseCookies(null).size).toBe(0);
    expect(parseCookies(undefined).size).toBe(0);
  });
});
