/**
 * The web entry stays free of `jose`: OpenID Connect comes in as a value (`openid:
 * openidLogin()` from `oauth2-session/oidc`), and the web layer only declares its type, so an
 * app that does not use OpenID Connect bundles none of it.
 */
import { describe, expect, it } from 'vitest';
import { bundleForBrowser, packagesIn } from '../../bench/lib/bundle.js';

describe('oauth2-session/web bundled', () => {
  it('oauth2-session/web: no jose and no src/oidc module in the bundle', async () => {
    const bundle = await bundleForBrowser(['src/web/index.ts']);
    expect(packagesIn(bundle)).not.toContain('jose');
    expect(bundle.inputs.filter((input) => input.startsWith('src/oidc/'))).toEqual([]);
  });

  it('oauth2-session/oidc (the check itself): openidLogin brings jose', async () => {
    const bundle = await bundleForBrowser(['src/oidc/web-login.ts']);
    expect(packagesIn(bundle)).toContain('jose');
  });
});
