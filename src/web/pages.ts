/**
 * The pages a person sees: the login error, the refused logout, the 503, the logged-out page
 * and a profile page, sharing one small stylesheet, with `<html lang>` and the viewport meta.
 * An app brands them with its own renderers (a function per page kind, given the page's data,
 * answering HTML); {@link pageResponse} sends any of them with a Content-Security-Policy that
 * allows the page's inline `<style nonce>` and nothing else to run or load (its images aside).
 *
 * @module
 */

import { randomString } from '../random.js';
import { escapeHtml, FRAMING_HEADERS, htmlResponse } from './responses.js';

/** What every renderer is given besides its page's data. */
export interface PageContext {
  /**
   * The nonce the page's `<style>` (or `<script>`) elements carry: `<style nonce="...">`. The
   * response's CSP allows only those; it is fresh per response and already HTML-safe.
   */
  nonce: string;
}

/** The login error page (and the refused logout). */
export interface ErrorPageData extends PageContext {
  status: number;
  title: string;
  message: string;
  /** A short machine code (`access_denied`, `OAUTH_MISMATCHING_STATE`), or none. */
  code?: string | undefined;
  /** Where "Try again" leads. */
  retryPath: string;
}

/** The page of a 503: the session store is down, or a refresh took too long. */
export interface UnavailablePageData extends PageContext {
  message: string;
  /** The page to reload: the request's own path. */
  retryPath: string;
}

/** The page shown after logout. */
export interface LoggedOutPageData extends PageContext {
  /** Where "Log in again" leads. */
  loginPath: string;
}

/** A signed-in user's page: who they are, until when the token holds, and the log-out button. */
export interface ProfilePageData extends PageContext {
  /** The display name, when the provider gave one. */
  name?: string | undefined;
  /** The login (username, preferred_username, email), when the provider gave one. */
  login?: string | undefined;
  /** The avatar's URL, already checked (https, or http on loopback); see `userProfile`. */
  avatarUrl?: string | undefined;
  /** When the access token expires, epoch seconds; `undefined` when the provider did not say. */
  expiresAt?: number | undefined;
  /** The log-out button's HTML (`logoutForm(session, ...)`): inserted as it is. */
  logoutForm: string;
  /** Links shown under the profile (`{ href: '/profile', label: 'JSON' }`); escaped. */
  links?: readonly { href: string; label: string }[] | undefined;
}

/** A renderer per page kind: each answers the whole HTML document. */
export interface PageRenderers {
  /** A failed login or a refused logout: its status, title, message, code and retry link. */
  error(data: ErrorPageData): string;
  /** The 503 page: the session store is down, or a refresh was waited for too long. */
  unavailable(data: UnavailablePageData): string;
  /** The page after logout, with a link to log in again. */
  loggedOut(data: LoggedOutPageData): string;
  /** The signed-in user: name, login, avatar, token expiry and the log-out button. */
  profile(data: ProfilePageData): string;
}

/** A page kind of {@link PageRenderers}. */
export type PageKind = keyof PageRenderers;

/** The data of a page kind, without its {@link PageContext} (the response adds it). */
export type PageData<K extends PageKind> = Omit<Parameters<PageRenderers[K]>[0], 'nonce'>;

/**
 * The one stylesheet of the default pages: system fonts, a centred card, readable on a phone,
 * dark when the system is.
 */
export const PAGE_STYLE = `:root{color-scheme:light dark;--fg:#1f2328;--muted:#59636e;--bg:#f6f8fa;--card:#fff;--line:#d1d9e0;--accent:#0969da;--danger:#cf222e}
@media (prefers-color-scheme:dark){:root{--fg:#f0f6fc;--muted:#9198a1;--bg:#0d1117;--card:#151b23;--line:#3d444d;--accent:#4493f8;--danger:#f85149}}
*{box-sizing:border-box}body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;padding:1rem;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{width:100%;max-width:28rem;background:var(--card);border:1px solid var(--line);border-radius:12px;padding:2rem}
h1{margin:0 0 .5rem;font-size:1.5rem;line-height:1.25}p{margin:.5rem 0}.muted{color:var(--muted)}
code{font:.875rem ui-monospace,SFMono-Regular,Menlo,monospace;background:var(--bg);border:1px solid var(--line);border-radius:6px;padding:.1rem .35rem}
a{color:var(--accent)}.actions{display:flex;flex-wrap:wrap;gap:.75rem;align-items:center;margin-top:1.5rem}.actions form{margin:0}
.button,button{display:inline-block;font:inherit;font-weight:600;padding:.5rem 1rem;border-radius:6px;border:1px solid var(--line);background:var(--bg);color:var(--fg);text-decoration:none;cursor:pointer}
button{border-color:var(--danger);color:var(--danger)}button:hover{background:var(--danger);color:#fff}
.user{display:flex;gap:1rem;align-items:center}.user img{width:72px;height:72px;border-radius:50%;border:1px solid var(--line);flex:none}
.user h1{margin:0;overflow-wrap:anywhere}.user p{margin:0;overflow-wrap:anywhere}dl{margin:1.25rem 0 0}dt{font-size:.875rem;color:var(--muted)}dd{margin:0}`;

/** The document around a page's body: lang, charset, viewport, title and the stylesheet. */
export function pageDocument(title: string, body: string, nonce: string, lang = 'en'): string {
  return `<!doctype html><html lang="${escapeHtml(lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title><style nonce="${escapeHtml(nonce)}">${PAGE_STYLE}</style></head><body><main>${body}</main></body></html>`;
}

function errorHtml(data: ErrorPageData): string {
  const code = data.code ? `<p class="muted">Code: <code>${escapeHtml(data.code)}</code></p>` : '';
  const body = `<h1>${escapeHtml(data.title)}</h1><p>${escapeHtml(data.message)}</p>${code}<div class="actions"><a class="button" href="${escapeHtml(data.retryPath)}">Try again</a></div>`;
  return pageDocument(data.title, body, data.nonce);
}

function unavailableHtml(data: UnavailablePageData): string {
  const title = 'Temporarily unavailable';
  const body = `<h1>${title}</h1><p>${escapeHtml(data.message)}</p><div class="actions"><a class="button" href="${escapeHtml(data.retryPath)}">Try again</a></div>`;
  return pageDocument(title, body, data.nonce);
}

function loggedOutHtml(data: LoggedOutPageData): string {
  const body = `<h1>You are logged out</h1><p class="muted">Your session has ended on this site.</p><div class="actions"><a class="button" href="${escapeHtml(data.loginPath)}">Log in again</a></div>`;
  return pageDocument('Logged out', body, data.nonce);
}

/** `in 7 h 59 min (2026-12-02 14:51 UTC)`, or `expired`, from epoch seconds. */
export function describeExpiry(expiresAt: number, nowMs: number): string {
  const seconds = Math.round(expiresAt - nowMs / 1000);
  const at = new Date(expiresAt * 1000).toISOString().replace('T', ' ').slice(0, 16);
  if (seconds <= 0) return `expired (${at} UTC)`;
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const span =
    hours > 0 ? `${hours} h ${minutes} min` : minutes > 0 ? `${minutes} min` : `${seconds} s`;
  return `in ${span} (${at} UTC)`;
}

function profileHtml(data: ProfilePageData): string {
  const name = data.name ?? data.login ?? 'Signed in';
  const avatar = data.avatarUrl
    ? `<img src="${escapeHtml(data.avatarUrl)}" alt="" width="72" height="72" referrerpolicy="no-referrer">`
    : '';
  const login =
    data.login && data.login !== name ? `<p class="muted">${escapeHtml(data.login)}</p>` : '';
  const expiry =
    data.expiresAt === undefined
      ? 'no expiry set by the provider'
      : describeExpiry(data.expiresAt, Date.now());
  const links = (data.links ?? [])
    .map((link) => `<a href="${escapeHtml(link.href)}">${escapeHtml(link.label)}</a>`)
    .join('');
  const body = `<div class="user">${avatar}<div><h1>${escapeHtml(name)}</h1>${login}</div></div><dl><dt>Access token expires</dt><dd>${escapeHtml(expiry)}</dd></dl><div class="actions">${data.logoutForm}${links}</div>`;
  return pageDocument(name, body, data.nonce);
}

/** The default pages. */
export const DEFAULT_PAGES: Readonly<PageRenderers> = Object.freeze({
  error: errorHtml,
  unavailable: unavailableHtml,
  loggedOut: loggedOutHtml,
  profile: profileHtml,
});

/**
 * The renderers of `pages` over the defaults; a value that is not a function is refused.
 *
 * @throws TypeError `ERR_INVALID_ARG_TYPE`
 */
export function resolvePages(pages: Partial<PageRenderers> | undefined): PageRenderers {
  const resolved: PageRenderers = { ...DEFAULT_PAGES };
  for (const kind of Object.keys(DEFAULT_PAGES) as PageKind[]) {
    const renderer = pages?.[kind];
    if (renderer === undefined) continue;
    if (typeof renderer !== 'function') {
      throw Object.assign(new TypeError(`pages.${kind} must be a function`), {
        code: 'ERR_INVALID_ARG_TYPE',
      });
    }
    (resolved as unknown as Record<PageKind, unknown>)[kind] = renderer;
  }
  return resolved;
}

/** Options of {@link pageResponse}. */
export interface PageResponseOptions {
  setCookies?: readonly string[] | undefined;
  /** Origins the page's images come from (an avatar's), added to `img-src`; `'self'` always. */
  imageOrigins?: readonly string[] | undefined;
  /**
   * `Referrer-Policy`. Default `no-referrer`; a page with the log-out form needs `same-origin`
   * (under `no-referrer` a browser sends `Origin: null` with a form's POST, and the logout
   * must see its origin), as {@link renderPage} sets for `profile`.
   */
  referrerPolicy?: 'no-referrer' | 'same-origin' | undefined;
}

/** Origins written into the CSP: only plain `scheme://host[:port]` values get in. */
const ORIGIN = /^https?:\/\/[a-z0-9.[\]:-]+$/i;

/**
 * The CSP of a page: nothing loads or runs but the styles and scripts carrying the nonce and
 * images from the page's own origin or `imageOrigins`; never framed.
 */
export function pagePolicy(nonce: string, imageOrigins: readonly string[] = []): string {
  const images = ["'self'", ...imageOrigins.filter((origin) => ORIGIN.test(origin))];
  return [
    "default-src 'none'",
    `style-src 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    `img-src ${[...new Set(images)].join(' ')}`,
    "base-uri 'none'",
    FRAMING_HEADERS['content-security-policy'],
  ].join('; ');
}

/**
 * A page as a Response: `render` is given a fresh nonce; the answer is uncacheable, not
 * framable, sends no referrer (to other sites, with `referrerPolicy: 'same-origin'`), and carries
 * {@link pagePolicy}.
 *
 * @example
 * ```ts
 * return pageResponse(200, (nonce) => DEFAULT_PAGES.loggedOut({ nonce, loginPath: '/' }));
 * ```
 */
export function pageResponse(
  status: number,
  render: (nonce: string) => string,
  options: PageResponseOptions = {},
): Response {
  // 128 bits, base64url: no character that needs escaping in an attribute or the CSP.
  const nonce = randomString(16);
  return htmlResponse(status, render(nonce), options.setCookies ?? [], {
    'content-security-policy': pagePolicy(nonce, options.imageOrigins),
    'referrer-policy': options.referrerPolicy ?? 'no-referrer',
  });
}

/**
 * Renders one page kind with `renderers` and sends it ({@link pageResponse}).
 *
 * @example
 * ```ts
 * return renderPage(auth.pages, 'loggedOut', 200, { loginPath: '/' });
 * ```
 */
export function renderPage<K extends PageKind>(
  renderers: PageRenderers,
  kind: K,
  status: number,
  data: PageData<K>,
  options: PageResponseOptions = {},
): Response {
  const render = renderers[kind] as (data: PageData<K> & PageContext) => string;
  // The profile page carries the log-out form (see PageResponseOptions.referrerPolicy).
  const referrerPolicy = kind === 'profile' ? 'same-origin' : undefined;
  return pageResponse(status, (nonce) => render.call(renderers, { ...data, nonce }), {
    referrerPolicy,
    ...options,
  });
}
