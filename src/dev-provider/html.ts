import type { ServerResponse } from 'node:http';
import { send } from './http.js';
import type { DevUser } from './types.js';

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`]/g, (c) => ENTITIES[c]!);
}

/** What the consent page shows. */
export interface ConsentView {
  appName: string;
  clientId: string;
  scopes: readonly string[];
  users: readonly DevUser[];
  requestId: string;
  /** The user preselected (GitHub's `login` parameter), else the first one. */
  selectedLogin: string | undefined;
  /** Where the answer goes, shown so the person sees it. */
  redirectUri: string;
}

const STYLE = `body{font:15px system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;color:#1f2328}
h1{font-size:1.4rem}fieldset{border:1px solid #d0d7de;border-radius:6px;margin:1rem 0}
label{display:block;padding:.3rem 0}code{background:#f6f8fa;padding:0 .2rem}
button{font:inherit;padding:.4rem 1rem;margin-right:.5rem;border-radius:6px;border:1px solid #d0d7de}
#authorize{background:#1f883d;color:#fff}`;

function layout(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width,initial-scale=1"><style>${STYLE}</style></head>
<body>${body}</body></html>`;
}

function userOption(user: DevUser, checked: boolean): string {
  const login = escapeHtml(user.login);
  return `<label><input type="radio" name="login" value="${login}"${checked ? ' checked' : ''}> ${escapeHtml(user.name)} (<code>${login}</code>)</label>`;
}

function scopeList(scopes: readonly string[]): string {
  if (scopes.length === 0) return '<p>No scopes: read-only access to public information.</p>';
  const items = scopes.map((s) => `<li><code>${escapeHtml(s)}</code></li>`).join('');
  return `<p>Requested scopes:</p><ul id="scopes">${items}</ul>`;
}

/** The consent page: pick a user, then Authorize (`#authorize`) or Deny (`#deny`). */
export function consentPage(view: ConsentView): string {
  const selected = view.users.some((u) => u.login === view.selectedLogin)
    ? view.selectedLogin
    : view.users[0]?.login;
  const users = view.users.map((u) => userOption(u, u.login === selected)).join('');
  const app = escapeHtml(view.appName);
  return layout(
    `Authorize ${view.appName}`,
    `<h1>Authorize <span id="app-name">${app}</span></h1>
<p><strong>${app}</strong> (<code>${escapeHtml(view.clientId)}</code>) wants to access your account.</p>
${scopeList(view.scopes)}
<form method="post" action="/login/oauth/authorize" id="consent">
<input type="hidden" name="request_id" value="${escapeHtml(view.requestId)}">
<fieldset><legend>Sign in as</legend>${users}</fieldset>
<button type="submit" name="authorize" value="1" id="authorize">Authorize</button>
<button type="submit" name="authorize" value="0" id="deny">Deny</button>
</form>
<p>Authorizing will redirect to <code>${escapeHtml(view.redirectUri)}</code></p>
<p><small>oauth2-session development provider: not GitHub.</small></p>`,
  );
}

/** An error page (unknown client, bad redirect_uri: cases that must not redirect). */
export function errorPage(title: string, message: string): string {
  return layout(title, `<h1 id="error">${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>`);
}

/** RP-Initiated Logout's answer when the client named no page to go back to. */
export function signedOutPage(): string {
  return layout(
    'Signed out',
    `<h1 id="signed-out">Signed out</h1><p>You have signed out. You can close this window.</p>
<p><small>oauth2-session development provider: not GitHub.</small></p>`,
  );
}

/**
 * The Content-Security-Policy of our pages. `form-action` lists the redirect target too, since
 * Chromium applies it to the redirect that follows the form post.
 */
export function contentSecurityPolicy(formTargets: readonly string[] = []): string {
  const targets = ["'self'", ...formTargets].join(' ');
  return `default-src 'none'; style-src 'unsafe-inline'; form-action ${targets}; frame-ancestors 'none'; base-uri 'none'`;
}

/** A CSP source for a redirect URI: its origin, or its scheme for a custom-scheme URI. */
export function cspSource(uri: string): string {
  const url = new URL(uri);
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : url.protocol;
}

/** Answers an HTML page with the security headers. */
export function sendHtml(
  res: ServerResponse,
  status: number,
  html: string,
  formTargets?: readonly string[],
): void {
  send(
    res,
    status,
    {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': contentSecurityPolicy(formTargets),
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      // same-origin (not no-referrer): a no-referrer page posts its forms with `Origin: null`.
      'referrer-policy': 'same-origin',
      'cache-control': 'no-store',
    },
    html,
  );
}
