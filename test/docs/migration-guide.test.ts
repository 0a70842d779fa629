/**
 * Every ```ts block of docs/from-requests-oauthlib.md compiles: each is written as a module of
 * its own (with a shared preamble of the values the samples take as given) and the whole set is
 * type-checked once with the repository's compiler options, `oauth2-session` and its subpaths
 * resolved to `src/`. A sample that uses a name the library does not have fails this test.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, samplesOf, typeCheckSamples } from './samples.js';

const GUIDE = 'docs/from-requests-oauthlib.md';

/**
 * The values the samples use without defining them (configuration, the request at hand, a
 * store), as a global script: each sample sees them, none of them is in the guide.
 */
const PREAMBLE = `
declare const clientId: string;
declare const clientSecret: string;
declare const secret: string;
declare const AUTHORIZE_URL: string;
declare const TOKEN_URL: string;
declare const REVOCATION_URL: string;
declare const USER_URL: string;
declare const JWKS_URL: string;
declare const requestUrl: string;
declare const code: string;
declare const saved: string;
declare const savedState: string;
declare const savedVerifier: string;
declare const stored: string;
declare const username: string;
declare const password: string;
declare const ca: string;
declare const cert: string;
declare const key: string;
declare const token: import('oauth2-session').Token;
declare const session: import('oauth2-session').OAuth2Session;
declare function save(token: import('oauth2-session').Token): Promise<void>;
declare function loadToken(userId: string): Promise<import('oauth2-session').Token>;
declare const userId: string;
`;

describe(GUIDE, () => {
  const samples = samplesOf(readFileSync(join(ROOT, GUIDE), 'utf8'));

  it('has ts samples, none skipped', () => {
    expect(samples.length).toBeGreaterThan(10);
    expect(samples.filter((s) => s.skip).map((s) => s.line)).toEqual([]);
  });

  it('every ts sample type-checks against src/', () => {
    expect(typeCheckSamples(GUIDE, samples, PREAMBLE)).toBe('');
  });
});
