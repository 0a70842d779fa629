import type { IncomingMessage, ServerResponse } from 'node:http';
import { redirectUriAllowed } from './clients.js';
import { normalizeScopes, type ProviderContext } from './context.js';
import { DEV_DEFAULTS } from './defaults.js';
import { consentPage, cspSource, errorPage, sendHtml } from './html.js';
import { readBody, redirectWith } from './http.js';
import { authorizationIss } from './oidc.js';
import type { AuthRequest } from './store.js';
import type { DevClient, DevUser } from './types.js';

const DOCS =
  'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-authorization-request-errors/';
const CHALLENGE = /^[A-Za-z0-9._~-]{43,128}$/;

/** An authorize request answered by redirecting an error to the client (RFC 6749 section 4.1.2.1). */
interface RedirectError {
  error: string;
  description: string;
  anchor: string;
}

/** Where an authorization response goes: the URI, the request's `state`, and `iss` (RFC 9207). */
interface ResponseTarget {
  uri: string;
  state: string | undefined;
  iss: string | undefined;
}

function redirectError(res: ServerResponse, to: ResponseTarget, e: RedirectError): void {
  redirectWith(res, to.uri, {
    error: e.error,
    error_description: e.description,
    error_uri: DOCS + e.anchor,
    state: to.state,
    iss: to.iss,
  });
}

/** RFC 7636 section 4.4.1: only S256; `plain` (also the default when no method is named) is refused. */
function pkceError(params: URLSearchParams): RedirectError | undefined {
  const challenge = params.get('code_challenge');
  const method = params.get('code_challenge_method');
  if (challenge === null && method === null) return undefined;
  if (method !== 'S256') {
    return {
      error: 'invalid_request',
      description: 'code_challenge_method must be S256.',
      anchor: 'pkce',
    };
  }
  if (challenge === null || !CHALLENGE.test(challenge)) {
    return { error: 'invalid_request', description: 'code_challenge is invalid.', anchor: 'pkce' };
  }
  return undefined;
}

/**
 * OIDC's `prompt=none` (OpenID Connect Core 1.0 section 3.1.2.1) forbids showing a page, and
 * the dev provider keeps no login to answer from, so only auto-approval can grant it.
 */
function promptError(
  ctx: ProviderContext,
  params: URLSearchParams,
  autoApproves: boolean,
): RedirectError | undefined {
  const prompts = (params.get('prompt') ?? '').split(' ');
  if (!ctx.oidc || autoApproves || !prompts.includes('none')) return undefined;
  return {
    error: 'login_required',
    description: 'prompt=none needs autoApprove: the dev provider keeps no login.',
    anchor: '',
  };
}

function responseTypeError(params: URLSearchParams): RedirectError | undefined {
  const type = params.get('response_type');
  if (type === null || type === 'code') return undefined;
  return {
    error: 'unsupported_response_type',
    description: 'Only response_type=code is supported.',
    anchor: '',
  };
}

/**
 * The redirect URI in effect, or why there is none. A mismatching one is reported to the
 * registered callback, as GitHub does; with none registered, on an error page.
 */
function resolveRedirect(
  client: DevClient,
  asked: string | null,
): { ok: true; uri: string; given: boolean } | { ok: false; page: string } {
  const registered = client.redirectUris[0];
  if (asked) {
    if (redirectUriAllowed(client, asked)) return { ok: true, uri: asked, given: true };
    return { ok: false, page: 'The redirect_uri is not registered for this application.' };
  }
  if (registered) return { ok: true, uri: registered, given: false };
  return { ok: false, page: 'This application has no callback URL registered; send redirect_uri.' };
}

function pickUser(ctx: ProviderContext, login: string | null | undefined): DevUser | undefined {
  return ctx.users.find((u) => u.login === login) ?? (login ? undefined : ctx.users[0]);
}

/** Issues a code for `login` and sends the browser back to the client (RFC 6749 section 4.1.2). */
function approve(
  ctx: ProviderContext,
  req: IncomingMessage,
  res: ServerResponse,
  request: AuthRequest,
  user: DevUser,
): void {
  const code = ctx.store.issueCode(request, user.login);
  const iss = authorizationIss(ctx, req);
  redirectWith(res, request.redirectUri, { code, state: request.state, iss });
}

/** Validates the client and redirect URI: failures here must not redirect to an unchecked URI. */
function validateTarget(
  ctx: ProviderContext,
  req: IncomingMessage,
  res: ServerResponse,
  params: URLSearchParams,
): { client: DevClient; uri: string; given: boolean } | undefined {
  const client = ctx.clients.get(params.get('client_id') ?? '');
  if (!client) {
    sendHtml(res, 404, errorPage('Application not found', 'No application has this client_id.'));
    return undefined;
  }
  const target = resolveRedirect(client, params.get('redirect_uri'));
  if (target.ok) return { client, uri: target.uri, given: target.given };
  const registered = client.redirectUris[0];
  if (params.get('redirect_uri') && registered) {
    const e = {
      error: 'redirect_uri_mismatch',
      description: target.page,
      anchor: 'redirect-uri-mismatch',
    };
    const to = { uri: registered, state: params.get('state') ?? undefined };
    redirectError(res, { ...to, iss: authorizationIss(ctx, req) }, e);
  } else {
    sendHtml(res, 400, errorPage('Redirect URI mismatch', target.page));
  }
  return undefined;
}

/** `GET /login/oauth/authorize`: validate, then show the consent page (or approve at once). */
export function handleAuthorize(
  ctx: ProviderContext,
  req: IncomingMessage,
  res: ServerResponse,
  params: URLSearchParams,
): void {
  ctx.counts.authorize++;
  const target = validateTarget(ctx, req, res, params);
  if (!target) return;
  const state = params.get('state') ?? undefined;
  const user = pickUser(ctx, params.get('login'));
  const autoApproves = ctx.autoApprove && user !== undefined;
  const failure =
    responseTypeError(params) ?? pkceError(params) ?? promptError(ctx, params, autoApproves);
  if (failure) {
    redirectError(res, { uri: target.uri, state, iss: authorizationIss(ctx, req) }, failure);
    return;
  }
  const request: AuthRequest = {
    clientId: target.client.clientId,
    redirectUri: target.uri,
    redirectUriGiven: target.given,
    scopes: normalizeScopes(params.get('scope')),
    state,
    codeChallenge: params.get('code_challenge') ?? undefined,
  };
  if (ctx.oidc) request.nonce = params.get('nonce') ?? undefined;
  if (autoApproves) approve(ctx, req, res, request, user);
  else showConsent(ctx, res, request, target.client, params.get('login'));
}

function showConsent(
  ctx: ProviderContext,
  res: ServerResponse,
  request: AuthRequest,
  client: DevClient,
  login: string | null,
): void {
  const requestId = ctx.store.savePending(request);
  const html = consentPage({
    appName: client.name ?? client.clientId,
    clientId: client.clientId,
    scopes: request.scopes,
    users: ctx.users,
    requestId,
    selectedLogin: login ?? undefined,
    redirectUri: request.redirectUri,
  });
  sendHtml(res, 200, html, [cspSource(request.redirectUri)]);
}

/** A cross-site post of the consent form is refused (the request id is also unguessable). */
function crossSite(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  return origin !== undefined && origin !== 'null' && origin !== `http://${req.headers.host}`;
}

/** `POST /login/oauth/authorize`: the person's answer on the consent page. */
export async function handleConsent(
  ctx: ProviderContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  ctx.counts.consent++;
  if (crossSite(req))
    return sendHtml(res, 403, errorPage('Forbidden', 'Cross-site form post refused.'));
  const form = new URLSearchParams(await readBody(req, DEV_DEFAULTS.maxBodyBytes));
  const request = ctx.store.takePending(form.get('request_id') ?? '');
  if (!request) {
    const message = 'This authorization request has expired or was already answered. Start again.';
    return sendHtml(res, 400, errorPage('Authorization request expired', message));
  }
  if (form.get('authorize') !== '1') {
    const denied = {
      error: 'access_denied',
      description: 'The user has denied your application access.',
      anchor: 'access-denied',
    };
    const to = { uri: request.redirectUri, state: request.state };
    return redirectError(res, { ...to, iss: authorizationIss(ctx, req) }, denied);
  }
  const user = pickUser(ctx, form.get('login'));
  if (!user) return sendHtml(res, 400, errorPage('Unknown user', 'Pick one of the listed users.'));
  approve(ctx, req, res, request, user);
}
