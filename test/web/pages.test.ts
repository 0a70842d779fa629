/**
 * The pages: `prefersHtml` (q-values and specificity), `userProfile` over the field names of
 * several providers, `safeImageUrl`, the default pages (escaped, lang, viewport, the one
 * stylesheet under a per-response nonce the CSP allows) and the `pages` option of the handlers.
 */
import {
  createOAuthHandlers,
  DEFAULT_PAGES,
  PAGE_STYLE,
  type PageRenderers,
  pagePolicy,
  prefersHtml,
  renderPage,
  type SessionStore,
  SessionStoreUnavailableError,
  safeImageUrl,
  userProfile,
} from 'oauth2-session/web';
import { describe, expect, it } from 'vitest';

const accepting = (accept?: string) =>
  new Request('http://app.test/profile', accept === undefined ? {} : { headers: { accept } });

describe('prefersHtml', () => {
  it.each([
    // Chromium's and Firefox's navigation headers
    [
      'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7',
      true,
    ],
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', true],
    ['text/*, application/json;q=0.5', true],
    ['text/html;q=0.9, application/json;q=0.8', true],
    [undefined, false],
    ['', false],
    ['*/*', false], // curl: a tie keeps the JSON
    ['application/json', false],
    ['text/html, application/json', false],
    ['text/html;q=0.5, application/json', false],
    ['text/html;q=0, */*', false],
    ['application/*, text/html;q=0.9', false],
    ['TEXT/HTML', true],
    ['text/html;q=2', true], // an invalid q is ignored (q=1)
    ['garbage', false],
  ])('prefersHtml: Accept %j -> %s', (accept, expected) => {
    expect(prefersHtml(accepting(accept))).toBe(expected);
  });
});

describe('userProfile', () => {
  it.each([
    [
      'GitHub',
      { login: 'octocat', name: 'The Octocat', avatar_url: 'https://avatars.example/u/1' },
      { name: 'The Octocat', login: 'octocat', avatarUrl: 'https://avatars.example/u/1' },
    ],
    [
      'OpenID Connect',
      {
        sub: '1',
        preferred_username: 'alice',
        given_name: 'Alice',
        family_name: 'Liddell',
        picture: 'https://id.example/a.png',
      },
      { name: 'Alice Liddell', login: 'alice', avatarUrl: 'https://id.example/a.png' },
    ],
    [
      'Facebook',
      { name: 'Zuck', picture: { data: { url: 'https://fb.example/p.jpg' } } },
      { name: 'Zuck', avatarUrl: 'https://fb.example/p.jpg' },
    ],
    [
      'Twitter v1',
      { screen_name: 'jack', profile_image_url_https: 'https://pbs.example/j.jpg' },
      { login: 'jack', avatarUrl: 'https://pbs.example/j.jpg' },
    ],
    [
      'Microsoft Graph',
      { displayName: 'Adele', userPrincipalName: 'adele@contoso.example' },
      { name: 'Adele', login: 'adele@contoso.example' },
    ],
    ['an ID token with only sub', { iss: 'https://op.example', sub: 'alice' }, { login: 'alice' }],
    ['none of them', { id: 5, login: 42, name: ['x'] }, {}],
    ['not an object', 'octocat', {}],
  ])('userProfile: %s', (_provider, user, expected) => {
    expect(userProfile(user)).toEqual(expected);
  });

  it('userProfile: an unsafe avatar is skipped for the next safe one; long names are cut', () => {
    const profile = userProfile({
      name: 'n'.repeat(500),
      avatar_url: 'javascript:alert(1)',
      picture: 'http://cdn.example/p.png',
      image: 'https://cdn.example/ok.png',
    });
    expect(profile.name).toHaveLength(200);
    expect(profile.avatarUrl).toBe('https://cdn.example/ok.png');
  });
});

describe('safeImageUrl', () => {
  it.each([
    ['https://a.example/x.png', 'https://a.example/x.png'],
    ['http://127.0.0.1:4000/a.png', 'http://127.0.0.1:4000/a.png'],
    ['http://localhost/a.png', 'http://localhost/a.png'],
    ['http://[::1]:3000/a.png', 'http://[::1]:3000/a.png'],
    ['http://a.example/x.png', undefined],
    ['javascript:alert(1)', undefined],
    ['JaVaScRiPt:alert(1)', undefined],
    ['data:image/png;base64,AAAA', undefined],
    ['//a.example/x.png', undefined],
    ['https://user:pass@a.example/x.png', undefined],
    [`https://a.example/${'x'.repeat(3000)}`, undefined],
    [42, undefined],
  ])('safeImageUrl(%j) -> %j', (value, expected) => {
    expect(safeImageUrl(value)).toBe(expected);
  });
});

describe('DEFAULT_PAGES', () => {
  const nonce = 'n0nce-value';
  const pages: [string, string][] = [
    [
      'error',
      DEFAULT_PAGES.error({
        nonce,
        status: 400,
        title: 'T',
        message: 'M',
        code: 'c',
        retryPath: '/login',
      }),
    ],
    ['unavailable', DEFAULT_PAGES.unavailable({ nonce, message: 'M', retryPath: '/profile' })],
    ['loggedOut', DEFAULT_PAGES.loggedOut({ nonce, loginPath: '/' })],
    ['profile', DEFAULT_PAGES.profile({ nonce, name: 'N', logoutForm: '<form></form>' })],
  ];

  it.each(pages)(
    'DEFAULT_PAGES.%s: lang, viewport, the one stylesheet under the nonce',
    (_kind, html) => {
      expect(html).toMatch(/^<!doctype html><html lang="en">/);
      expect(html).toContain(
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
      );
      expect(html).toContain(`<style nonce="${nonce}">${PAGE_STYLE}</style>`);
      expect(html).not.toContain('<script');
    },
  );

  it('DEFAULT_PAGES: every value is escaped', () => {
    const hostile = '<script>alert("x")</script>&\'';
    const escaped = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;';
    const error = DEFAULT_PAGES.error({
      nonce,
      status: 400,
      title: hostile,
      message: hostile,
      code: hostile,
      retryPath: `/"${hostile}`,
    });
    const profile = DEFAULT_PAGES.profile({
      nonce,
      name: hostile,
      login: hostile,
      avatarUrl: `https://a.example/"${hostile}`,
      logoutForm: '',
      links: [{ href: `/"${hostile}`, label: hostile }],
    });
    for (const html of [error, profile]) {
      expect(html).not.toContain('<script>');
      expect(html).toContain(escaped);
    }
  });

  it('DEFAULT_PAGES.profile: the expiry in words, the avatar, the login under the name', () => {
    const html = DEFAULT_PAGES.profile({
      nonce,
      name: 'Mona',
      login: 'mona',
      avatarUrl: 'https://a.example/m.png',
      expiresAt: Math.floor(Date.now() / 1000) + 2 * 3600 + 125,
      logoutForm: '<form id="out"></form>',
    });
    expect(html).toMatch(
      /Access token expires<\/dt><dd>in 2 h 2 min \(\d{4}-\d\d-\d\d \d\d:\d\d UTC\)/,
    );
    expect(html).toContain('<img src="https://a.example/m.png"');
    expect(html).toContain('<p class="muted">mona</p>');
    expect(html).toContain('<form id="out"></form>');
  });
});

describe('pagePolicy and renderPage', () => {
  it('pagePolicy: the nonce for styles and scripts, images from self and the given origins, never framed', () => {
    expect(pagePolicy('abc', ['https://a.example', "https://x' 'unsafe-inline"])).toBe(
      "default-src 'none'; style-src 'nonce-abc'; script-src 'nonce-abc'; img-src 'self' https://a.example; base-uri 'none'; frame-ancestors 'none'",
    );
  });

  it('renderPage: a fresh nonce per response, in the page and in its CSP', async () => {
    const first = renderPage(DEFAULT_PAGES, 'loggedOut', 200, { loginPath: '/' });
    const second = renderPage(DEFAULT_PAGES, 'loggedOut', 200, { loginPath: '/' });
    const nonceOf = (response: Response) =>
      /style-src 'nonce-([\w-]+)'/.exec(response.headers.get('content-security-policy')!)![1]!;
    expect(nonceOf(first)).not.toBe(nonceOf(second));
    expect(nonceOf(first)).toHaveLength(22);
    expect(await first.text()).toContain(`<style nonce="${nonceOf(first)}">`);
    expect(first.headers.get('cache-control')).toBe('no-store');
    expect(first.headers.get('x-frame-options')).toBe('DENY');
    expect(first.headers.get('referrer-policy')).toBe('no-referrer');
  });
});

describe('createOAuthHandlers pages option', () => {
  const server = {
    authorization_endpoint: 'https://op.example/authorize',
    token_endpoint: 'https://op.example/token',
  };
  const brand: Partial<PageRenderers> = {
    error: (data) =>
      `<!doctype html><html lang="de"><title>Acme</title><style nonce="${data.nonce}">h1{color:red}</style><h1>${data.status} ${data.code}</h1></html>`,
    unavailable: () => '<!doctype html><html lang="de"><p>Acme ruht</p></html>',
  };
  const down = new SessionStoreUnavailableError('redis unavailable: econnrefused');
  const broken: SessionStore = {
    get: () => Promise.reject(down),
    set: () => Promise.reject(down),
    delete: () => Promise.reject(down),
  };

  it('pages: the login error page is the app’s own, under the same CSP and nonce', async () => {
    const handlers = createOAuthHandlers({
      clientId: 'app',
      clientSecret: 's',
      server,
      session: { secrets: 'pages-test-secret-0123456789-abcdefgh' },
      pages: brand,
      logger: {},
    });
    const response = await handlers.callback(
      new Request('http://app.test/callback?code=c&state=s'),
    );
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain('<h1>400 transaction_missing</h1>');
    const nonce = /<style nonce="([\w-]+)">/.exec(html)![1]!;
    expect(response.headers.get('content-security-policy')).toContain(`style-src 'nonce-${nonce}'`);
    expect(handlers.pages.error).toBe(brand.error);
    expect(handlers.pages.loggedOut).toBe(DEFAULT_PAGES.loggedOut);
  });

  it('pages: the 503 page for a browser is the app’s own; a script still gets plain text', async () => {
    const handlers = createOAuthHandlers({
      clientId: 'app',
      clientSecret: 's',
      server,
      session: { secrets: 'pages-test-secret-0123456789-abcdefgh', store: broken },
      pages: brand,
      logger: {},
    });
    const sealed = await handlers.sessions.sealer.seal(
      'oauth2_session',
      { sid: 'x'.repeat(43) },
      60,
    );
    const cookie = `oauth2_session=${sealed}`;
    const route = async () => new Response('never');
    const page = await handlers.withClient(
      new Request('http://app.test/profile', { headers: { cookie, accept: 'text/html' } }),
      route,
    );
    expect(page.status).toBe(503);
    expect(page.headers.get('retry-after')).toBe('5');
    expect(await page.text()).toContain('Acme ruht');
    const text = await handlers.withClient(
      new Request('http://app.test/profile', { headers: { cookie } }),
      route,
    );
    expect(text.status).toBe(503);
    expect(await text.text()).toBe('Session storage is unavailable. Please try again shortly.');
  });

  it('pages: a renderer that is not a function is refused at start-up', () => {
    expect(() =>
      createOAuthHandlers({
        clientId: 'app',
        server,
        session: { secrets: 'pages-test-secret-0123456789-abcdefgh' },
        pages: { error: 'nope' as unknown as PageRenderers['error'] },
      }),
    ).toThrow(expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' }));
  });
});
