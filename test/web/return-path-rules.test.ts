/**
 * The rules of `return-path.ts` at their edges: the length bound read before anything else, the
 * control characters (C0 and DEL refused, space kept), the number of percent-decoding rounds
 * checked, and the fallback of a login that names no return path or one too long to remember.
 */
import { loginReturnPath, MAX_RETURN_PATH_BYTES, safeReturnPath } from 'oauth2-session/web';
import { describe, expect, it } from 'vitest';

describe('safeReturnPath: the length bound', () => {
  it('safeReturnPath: a path of exactly 2048 characters is kept; one more is refused', () => {
    const longest = `/${'a'.repeat(2047)}`;
    expect(longest).toHaveLength(2048);
    expect(safeReturnPath(longest)).toBe(longest);
    expect(safeReturnPath(`${longest}a`)).toBe('/');
  });
});

describe('safeReturnPath: control characters', () => {
  it('safeReturnPath: DEL is refused, raw or percent-encoded', () => {
    for (const input of ['/\x7f', '/a\x7fb', '/%7F', '/a%7fb', '/%257F'])
      expect(safeReturnPath(input)).toBe('/');
  });

  it('safeReturnPath: every C0 control is refused, the last one (0x1f) included', () => {
    for (let c = 0; c < 0x20; c++) {
      const char = String.fromCharCode(c);
      expect(safeReturnPath(`/a${char}b`)).toBe('/');
      expect(safeReturnPath(`/a%${c.toString(16).padStart(2, '0')}b`)).toBe('/');
    }
  });

  it('safeReturnPath: a space (0x20) is no control character: kept, encoded', () => {
    expect(safeReturnPath('/a b')).toBe('/a%20b');
    expect(safeReturnPath('/search?q=a%20b')).toBe('/search?q=a%20b');
    expect(safeReturnPath('/~user/!$&()*+,;=:@')).toBe('/~user/!$&()*+,;=:@');
  });
});

describe('safeReturnPath: percent-decoding rounds', () => {
  it('safeReturnPath: a harmless path encoded three times over is kept as given', () => {
    expect(safeReturnPath('/a%252520b')).toBe('/a%252520b');
    expect(safeReturnPath('/a%2520b')).toBe('/a%2520b');
  });

  it('safeReturnPath: a path still changing after three decoding rounds is refused, harmless or not', () => {
    expect(safeReturnPath('/a%25252520b')).toBe('/');
    expect(safeReturnPath('/a%2525252Fb')).toBe('/');
  });

  it('safeReturnPath: //evil and /\\evil encoded three times over are refused', () => {
    expect(safeReturnPath('/%25252F%25252Fevil.example')).toBe('/');
    expect(safeReturnPath('/%25255Cevil.example')).toBe('/');
  });
});

describe('loginReturnPath', () => {
  it('loginReturnPath: no return path (undefined or null) is the fallback, not /', () => {
    expect(loginReturnPath(undefined, '/home')).toBe('/home');
    expect(loginReturnPath(null, '/home')).toBe('/home');
  });

  it('loginReturnPath: an unsafe return path is /, not the fallback', () => {
    expect(loginReturnPath('//evil.example', '/home')).toBe('/');
    expect(loginReturnPath('', '/home')).toBe('/');
  });

  it('loginReturnPath: a path of exactly MAX_RETURN_PATH_BYTES once encoded is kept; one byte more falls back', () => {
    const exact = `/${'a'.repeat(MAX_RETURN_PATH_BYTES - 1)}`;
    expect(loginReturnPath(exact, '/home')).toBe(exact);
    expect(loginReturnPath(`${exact}a`, '/home')).toBe('/home');
    // 'é' is 6 bytes once encoded (%C3%A9): measured after normalizing, not before.
    const accented = `/${'é'.repeat(100)}`;
    expect(accented.length).toBeLessThan(MAX_RETURN_PATH_BYTES);
    expect(loginReturnPath(accented, '/home')).toBe('/home');
  });
});
