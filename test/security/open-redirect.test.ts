/**
 * Case 10 of issue 5: open redirect through the return path (RFC 9700 section 4.11; RFC 6749
 * section 10.15). Whatever `return_to` a crafted login link carries, the redirect after login
 * is a path on this app.
 */
import { safeReturnPath } from 'oauth2-session/web';
import { describe, expect, test } from 'vitest';
import { Browser, login, MATRIX, useTarget } from './oracle.js';

const PAYLOADS = [
  '//evil.example',
  '///evil.example',
  '/\\evil.example',
  '\\\\evil.example',
  'https://evil.example',
  'http:/evil.example',
  'javascript:alert(1)',
  'JaVaScRiPt:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  '%2F%2Fevil.example',
  '/%2F%2Fevil.example',
  '/%2f%2fevil.example',
  '/%5Cevil.example',
  '/%252F%252Fevil.example',
  '/%09/evil.example',
  '/\t/evil.example',
  '/.//evil.example',
  '/../%2F%2Fevil.example', // found by the fuzzer: dot segments removed after the decoded check
  '/x/../%2F%2Fevil.example',
];

/** Same origin, and still same origin once a proxy or framework decodes it. */
function staysHome(location: string, origin: string): boolean {
  let decoded = location;
  try {
    decoded = decodeURIComponent(location);
  } catch {}
  return [location, decoded].every(
    (l) =>
      l.startsWith('/') &&
      !l.startsWith('//') &&
      !l.includes('\\') &&
      new URL(l, origin).origin === origin,
  );
}

describe('case 10 (library): safeReturnPath', () => {
  for (const payload of PAYLOADS) {
    test(`safeReturnPath(${JSON.stringify(payload)}) stays on this origin`, () => {
      const path = safeReturnPath(payload);
      expect(staysHome(path, 'https://app.example')).toBe(true);
    });
  }

  test('safe paths are kept', () => {
    expect(safeReturnPath('/profile?tab=1#top')).toBe('/profile?tab=1#top');
  });
});

describe.each(MATRIX)('$name', (options) => {
  const target = useTarget(options);

  test(`case 10, every crafted return_to ends on a path of this app`, async () => {
    for (const payload of PAYLOADS) {
      const browser = new Browser(target);
      const done = await login(browser, undefined, `/?return_to=${encodeURIComponent(payload)}`);
      const location = done.headers.get('location')!;
      expect(staysHome(location, target.appUrl), `return_to ${JSON.stringify(payload)}`).toBe(true);
    }
    target.secrets.expectNoneIn(target.logs.text());
  });
});
