/**
 * OIDC mode's user claims: the ones a scope releases (OpenID Connect Core 1.0 section 5.4), in
 * the ID token and at `/userinfo` alike, so the two never disagree.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { countOidc, grantsOpenid, type ProviderContext, userOf } from './context.js';
import { send, sendJson } from './http.js';
import type { DevUser } from './types.js';
import { avatarUrl, bearerToken } from './user.js';

/** The user's `sub`: GitHub's numeric id, which survives a rename where the login does not. */
export function subjectOf(user: DevUser): string {
  return String(user.id);
}

/** The standard claims `scopes` release for `user` (`sub` aside). */
export function standardClaims(
  user: DevUser,
  scopes: readonly string[],
): Record<string, string | boolean> {
  const claims: Record<string, string | boolean> = {};
  if (scopes.includes('profile')) {
    claims.name = user.name;
    claims.preferred_username = user.login;
    claims.picture = avatarUrl(user);
  }
  if (scopes.includes('email') && typeof user.email === 'string' && user.email !== '') {
    claims.email = user.email;
    // The dev users are made up: their addresses count as verified unless a user says otherwise.
    claims.email_verified = user.email_verified !== false;
  }
  return claims;
}

/** An RFC 6750 section 3 refusal; without a token, no error code (section 3.1). */
function refuse(
  res: ServerResponse,
  status: 401 | 403,
  error?: 'invalid_token' | 'insufficient_scope',
  description?: string,
): void {
  const challenge = error
    ? `Bearer error="${error}", error_description="${description}"`
    : 'Bearer realm="oauth2-session dev provider"';
  const headers = { 'www-authenticate': challenge, 'cache-control': 'no-store' };
  if (error) sendJson(res, status, { error, error_description: description }, headers);
  else send(res, status, headers);
}

/**
 * `GET` or `POST /userinfo` (OpenID Connect Core 1.0 section 5.3) with the access token in the
 * `Authorization` header: `sub` and the claims the token's scope releases.
 */
export function handleUserinfo(
  ctx: ProviderContext,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  countOidc(ctx, 'userinfo');
  const token = bearerToken(req);
  const grant = token ? ctx.store.lookupAccessToken(token) : undefined;
  const user = grant && userOf(ctx, grant.login);
  if (token === null) refuse(res, 401);
  else if (!grant || !user)
    refuse(res, 401, 'invalid_token', 'The access token is invalid, revoked or expired.');
  else if (!grantsOpenid(grant.scopes))
    refuse(res, 403, 'insufficient_scope', 'The access token lacks the openid scope.');
  else {
    const claims = { sub: subjectOf(user), ...standardClaims(user, grant.scopes) };
    sendJson(res, 200, claims, { 'cache-control': 'no-store' });
  }
}
