import { safeReturnPath } from 'oauth2-session/web';
import { describe, expect, it } from 'vitest';

describe('safeReturnPath', () => {
  it.each([
    ['/', '/'],
    ['/profile', '/profile'],
    ['/profile?tab=1#top', '/profile?tab=1#top'],
    ['/a/../b', '/b'],
    ['/javascript:alert(1)', '/javascript:alert(1)'],
    ['/search?q=%2F%2Fok', '/search?q=%2F%2Fok'],
  ])('keeps same-origin path %j', (input, expected) => {
    expect(safeReturnPath(input)).toBe(expected);
  });

  it.each([
    '//evil.example',
    '///evil.example',
    '/\\evil.example',
    '\\\\evil.example',
    '/\\/evil.example',
    'https://evil.example',
    'http:evil.example',
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    'data:text/html,x',
    'evil.example',
    '',
    ' /profile',
    '/\tevil',
    '/\t/evil.example',
    '/\n/evil.example',
    '/\u0000',
    '/%2F%2Fevil.example',
    '/%2f/evil.example',
    '%2F%2Fevil.example',
    '/%5Cevil.example',
    '/%5cevil.example',
    '/%252F%252Fevil.example',
    '/%09/evil.example',
    '/.//evil.example',
    '/%',
    `/${'a'.repeat(3000)}`,
  ])('falls back to / for %j', (input) => {
    expect(safeReturnPath(input)).toBe('/');
  });

  it('falls back to / for non-strings', () => {
    expect(safeReturnPath(undefined)).toBe('/');
    expect(safeReturnPath(null)).toBe('/');
    expect(safeReturnPath(['/x'])).toBe('/');
  });
});
