/**
 * Case 9 of issue 5: Host / X-Forwarded-Host / Forwarded injection (RFC 9700 section 4.1:
 * redirect URIs are fixed, never derived from the request). The redirect_uri sent to the
 * provider, and every redirect the app answers, stay what the configuration says.
 */
import { request as httpRequest } from 'node:http';
import { describe, expect, test } from 'vitest';
import { Browser, login, MATRIX, useTarget } from './oracle.js';

const EVIL = 'evil.example';
const INJECTED = {
  host: EVIL,
  'x-forwarded-host': EVIL,
  'x-forwarded-proto': 'https',
  'x-forwarded-port': '443',
  forwarded: `host=${EVIL};proto=https`,
  'x-original-url': `https://${EVIL}/callback`,
};

/** A raw GET with headers fetch would refuse to send (Host). */
function rawGet(base: string, path: string, headers: Record<string, string>) {
  const url = new URL(path, base);
  return new Promise<{ status: number; location: string | null }>((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, path: url.pathname + url.search, headers },
      (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, location: res.headers.location ?? null });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe.each(MATRIX)('$name', (options) => {
  const target = useTarget(options);

  test(`case 9, injected host headers do not change the redirect_uri`, async () => {
    const { status, location } = await rawGet(target.appUrl, '/', INJECTED);
    expect(status).toBe(302);
    const authorize = new URL(location!);
    expect(authorize.origin).not.toContain(EVIL);
    const sent = authorize.searchParams.get('redirect_uri');
    if (options.provider === 'oidc') expect(sent).toBe(target.callbackUrl);
    else expect(sent).toBeNull(); // none configured: none sent, the registered one is used
    expect(location).not.toContain(EVIL);
  });

  test('case 9: the app-side redirects (login, after login) never name the injected host', async () => {
    const visitor = await rawGet(target.appUrl, '/profile', INJECTED);
    expect(visitor.status).toBe(302);
    expect(visitor.location).not.toContain(EVIL);
    // After a real login the callback's redirect is a path on this app.
    const browser = new Browser(target);
    const done = await login(browser);
    expect(done.headers.get('location')).toMatch(/^\/(?!\/)/);
    const cookie = [...browser.cookies].map(([n, v]) => `${n}=${v}`).join('; ');
    const out = await rawGet(target.appUrl, '/logout', { ...INJECTED, cookie });
    expect(out.location).not.toContain(EVIL);
  });
});
