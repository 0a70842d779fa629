import { type DevProvider, startDevProvider } from 'oauth2-session/dev-provider';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CALLBACK, CLIENT, getAuthorize, pkcePair, postConsent, requestIdOf } from './helpers.js';

let provider: DevProvider;

beforeEach(async () => {
  provider = await startDevProvider({ clients: [CLIENT] });
});
afterEach(async () => {
  await provider.close();
});

function pkceParams(): Record<string, string> {
  return { code_challenge: pkcePair().challenge, code_challenge_method: 'S256' };
}

describe('GET /login/oauth/authorize: consent page', () => {
  it('lists the app, the scopes and the users, with an Authorize and a Deny button', async () => {
    const res = await getAuthorize(provider, {
      client_id: CLIENT.clientId,
      scope: 'repo gist',
      state: 'x',
      ...pkceParams(),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain(
      '<button type="submit" name="authorize" value="1" id="authorize">Authorize</button>',
    );
    expect(html).toContain('id="deny"');
    expect(html).toContain('Test App');
    expect(html).toContain('<code>repo</code>');
    expect(html).toContain('<code>gist</code>');
    for (const login of ['octocat', 'hubot', 'monalisa'])
      expect(html).toContain(`value="${login}"`);
    expect(html).toMatch(/value="octocat" checked/);
    expect(provider.counts.authorize).toBe(1);
  });

  it('sends security headers; form-action allows the redirect target (Chromium checks the redirect)', async () => {
    const res = await getAuthorize(provider, { client_id: CLIENT.clientId });
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("form-action 'self' http://127.0.0.1:5999");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('escapes a hostile client name, scope and login hint', async () => {
    const hostile = '<script>alert("x")</script>&\'`';
    provider.registerClient({
      clientId: 'evil',
      clientSecret: 's',
      redirectUris: [CALLBACK],
      name: hostile,
    });
    const res = await getAuthorize(provider, {
      client_id: 'evil',
      scope: '<img src=x onerror=alert(1)>',
      login: '"><b>',
    });
    const html = await res.text();
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('"><b>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;&#96;');
  });

  it('preselects the user named by the login parameter', async () => {
    const res = await getAuthorize(provider, { client_id: CLIENT.clientId, login: 'hubot' });
    const html = await res.text();
    expect(html).toMatch(/value="hubot" checked/);
    expect(html).not.toMatch(/value="octocat" checked/);
  });
});

describe('POST /login/oauth/authorize: the answer', () => {
  it('Authorize redirects to the registered callback with code and state', async () => {
    const page = await getAuthorize(provider, { client_id: CLIENT.clientId, state: 'st<&>' });
    const res = await postConsent(provider, {
      request_id: requestIdOf(await page.text()),
      authorize: '1',
      login: 'hubot',
    });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(location.origin + location.pathname).toBe(CALLBACK);
    expect(location.searchParams.get('code')).toMatch(/^[0-9a-f]{20}$/);
    expect(location.searchParams.get('state')).toBe('st<&>');
    expect(provider.counts.consent).toBe(1);
  });

  it('Deny redirects with error=access_denied, a description and the state', async () => {
    const page = await getAuthorize(provider, { client_id: CLIENT.clientId, state: 'abc' });
    const res = await postConsent(provider, {
      request_id: requestIdOf(await page.text()),
      authorize: '0',
    });
    const location = new URL(res.headers.get('location')!);
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('error_description')).toBe(
      'The user has denied your application access.',
    );
    expect(location.searchParams.get('state')).toBe('abc');
    expect(location.searchParams.has('code')).toBe(false);
  });

  it('answers a consent only once, and refuses an unknown request id', async () => {
    const page = await getAuthorize(provider, { client_id: CLIENT.clientId });
    const requestId = requestIdOf(await page.text());
    expect((await postConsent(provider, { request_id: requestId, authorize: '1' })).status).toBe(
      302,
    );
    const again = await postConsent(provider, { request_id: requestId, authorize: '1' });
    expect(again.status).toBe(400);
    expect(await again.text()).toContain('expired or was already answered');
    expect((await postConsent(provider, { request_id: 'forged', authorize: '1' })).status).toBe(
      400,
    );
  });

  it('refuses a cross-site post of the consent form', async () => {
    const page = await getAuthorize(provider, { client_id: CLIENT.clientId });
    const res = await postConsent(
      provider,
      { request_id: requestIdOf(await page.text()), authorize: '1' },
      { origin: 'http://evil.example' },
    );
    expect(res.status).toBe(403);
    expect(res.headers.get('location')).toBeNull();
  });

  it('refuses a user that is not listed', async () => {
    const page = await getAuthorize(provider, { client_id: CLIENT.clientId });
    const res = await postConsent(provider, {
      request_id: requestIdOf(await page.text()),
      authorize: '1',
      login: 'mallory',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
  });
});

describe('GET /login/oauth/authorize: validation', () => {
  it('answers an HTML error page, never a redirect, for an unknown client', async () => {
    const res = await getAuthorize(provider, {
      client_id: 'nope',
      redirect_uri: 'http://127.0.0.1:1/cb',
    });
    expect(res.status).toBe(404);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).toContain('Application not found');
  });

  it('accepts an exactly registered redirect_uri, and the same loopback URL on another port', async () => {
    for (const uri of [CALLBACK, 'http://127.0.0.1:6123/callback']) {
      const res = await getAuthorize(provider, { client_id: CLIENT.clientId, redirect_uri: uri });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain(uri);
    }
  });

  it.each([
    'http://127.0.0.1:5999/other',
    'http://127.0.0.1:5999/callback/../evil',
    'http://127.0.0.1:5999/callback?x=1',
    'http://127.0.0.1:5999/callback#frag',
    'http://localhost:5999/callback',
    'https://evil.example/callback',
    'not a url',
  ])('reports a mismatching redirect_uri %s to the registered callback', async (uri) => {
    const res = await getAuthorize(provider, {
      client_id: CLIENT.clientId,
      redirect_uri: uri,
      state: 'z',
    });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(location.origin + location.pathname).toBe(CALLBACK);
    expect(location.searchParams.get('error')).toBe('redirect_uri_mismatch');
    expect(location.searchParams.get('state')).toBe('z');
  });

  it('without a registered callback: any loopback http URL, else an error page', async () => {
    provider.registerClient({ clientId: 'open', clientSecret: 's', redirectUris: [] });
    const ok = await getAuthorize(provider, {
      client_id: 'open',
      redirect_uri: 'http://[::1]:7000/cb',
    });
    expect(ok.status).toBe(200);
    const cases: Record<string, string>[] = [{ redirect_uri: 'https://evil.example/cb' }, {}];
    for (const params of cases) {
      const res = await getAuthorize(provider, { client_id: 'open', ...params });
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
    }
  });

  it.each([
    [{ code_challenge: pkcePair().challenge, code_challenge_method: 'plain' }],
    [{ code_challenge: pkcePair().challenge }],
    [{ code_challenge: 'short', code_challenge_method: 'S256' }],
    [{ code_challenge_method: 'S256' }],
  ])('refuses PKCE other than S256 with invalid_request: %o', async (pkce) => {
    const res = await getAuthorize(provider, { client_id: CLIENT.clientId, state: 'p', ...pkce });
    const location = new URL(res.headers.get('location')!);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('state')).toBe('p');
    expect(location.searchParams.has('code')).toBe(false);
  });

  it('refuses a response_type other than code', async () => {
    const res = await getAuthorize(provider, {
      client_id: CLIENT.clientId,
      response_type: 'token',
    });
    expect(new URL(res.headers.get('location')!).searchParams.get('error')).toBe(
      'unsupported_response_type',
    );
  });
});

describe('startDevProvider({ autoApprove })', () => {
  it('redirects at once with a code, for the login hint or the first user', async () => {
    const auto = await startDevProvider({ clients: [CLIENT], autoApprove: true });
    try {
      const res = await getAuthorize(auto, {
        client_id: CLIENT.clientId,
        state: 'q',
        ...pkceParams(),
      });
      expect(res.status).toBe(302);
      const location = new URL(res.headers.get('location')!);
      expect(location.searchParams.get('code')).toMatch(/^[0-9a-f]{20}$/);
      expect(location.searchParams.get('state')).toBe('q');
      expect(auto.counts).toMatchObject({ authorize: 1, consent: 0 });
    } finally {
      await auto.close();
    }
  });
});
