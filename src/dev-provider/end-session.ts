/**
 * OIDC mode's end-session endpoint (OpenID Connect RP-Initiated Logout 1.0). The dev provider
 * keeps no login of its own (every authorization asks on the consent page, or auto-approves),
 * so there is nothing to end here; what it checks is where the browser may be sent back to.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { postLogoutRedirectUriAllowed } from './clients.js';
import { countOidc, type ProviderContext, publicOrigin } from './context.js';
import { DEV_DEFAULTS } from './defaults.js';
import { errorPage, sendHtml, signedOutPage } from './html.js';
import { readBody, redirectWith } from './http.js';
import type { DevClient } from './types.js';

type Outcome<T> = { ok: true; value: T } | { ok: false; message: string };

/** The client an `id_token_hint` was issued to, if it was issued by this provider. */
async function hintedClientId(
  ctx: ProviderContext,
  issuer: string,
  hint: string,
): Promise<string | undefined> {
  const claims = await (await ctx.oidc!.key).claimsOf(hint);
  if (claims?.iss !== issuer) return undefined;
  const aud = Array.isArray(claims.aud) && claims.aud.length === 1 ? claims.aud[0] : claims.aud;
  return typeof aud === 'string' ? aud : undefined;
}

/** The client the request is about: named by `client_id`, by the hint, or both in agreement. */
async function clientOf(
  ctx: ProviderContext,
  issuer: string,
  params: URLSearchParams,
): Promise<Outcome<DevClient | undefined>> {
  const hint = params.get('id_token_hint');
  const hinted = hint ? await hintedClientId(ctx, issuer, hint) : undefined;
  if (hint && hinted === undefined)
    return { ok: false, message: 'The id_token_hint was not issued by this provider.' };
  const named = params.get('client_id') || undefined;
  if (named !== undefined && hinted !== undefined && named !== hinted)
    return { ok: false, message: 'The client_id is not the audience of the id_token_hint.' };
  const clientId = named ?? hinted;
  if (clientId === undefined) return { ok: true, value: undefined };
  const client = ctx.clients.get(clientId);
  return client
    ? { ok: true, value: client }
    : { ok: false, message: 'No application has this client_id.' };
}

/** Where to send the browser: a URI the client registered, or nowhere (the signed-out page). */
async function logoutTarget(
  ctx: ProviderContext,
  issuer: string,
  params: URLSearchParams,
): Promise<Outcome<string | undefined>> {
  const client = await clientOf(ctx, issuer, params);
  if (!client.ok) return client;
  const target = params.get('post_logout_redirect_uri');
  if (!target) return { ok: true, value: undefined };
  if (!client.value) {
    const message = 'A post_logout_redirect_uri needs a client_id or an id_token_hint.';
    return { ok: false, message };
  }
  if (!postLogoutRedirectUriAllowed(client.value, target)) {
    const message = 'The post_logout_redirect_uri is not registered for this application.';
    return { ok: false, message };
  }
  return { ok: true, value: target };
}

/**
 * `GET` or `POST /logout` (RP-Initiated Logout 1.0 section 2): `id_token_hint` (signed here;
 * an expired one is fine), `client_id`, `post_logout_redirect_uri`, `state`. A URI the client
 * did not register is refused on a 400 page, never redirected to.
 */
export async function handleEndSession(
  ctx: ProviderContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  countOidc(ctx, 'end_session');
  const params =
    req.method === 'POST'
      ? new URLSearchParams(await readBody(req, DEV_DEFAULTS.maxBodyBytes))
      : url.searchParams;
  const target = await logoutTarget(ctx, publicOrigin(ctx, req), params);
  if (!target.ok) return sendHtml(res, 400, errorPage('Logout request refused', target.message));
  if (target.value === undefined) return sendHtml(res, 200, signedOutPage());
  redirectWith(res, target.value, { state: params.get('state') ?? undefined });
}
