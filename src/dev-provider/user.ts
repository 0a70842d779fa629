import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ProviderContext, publicOrigin, userOf } from './context.js';
import { send, sendApiError, sendJson } from './http.js';
import type { DevUser } from './types.js';

/** GitHub's answer to an API request without a User-Agent. */
const NO_USER_AGENT =
  'Request forbidden by administrative rules. Please make sure your request has a User-Agent header ' +
  '(https://docs.github.com/en/rest/overview/resources-in-the-rest-api#user-agent-required). ' +
  'Check https://developer.github.com for other possible causes.\n';

/** The token of `Authorization: Bearer <t>` or GitHub's older `token <t>`; null when absent. */
export function bearerToken(req: IncomingMessage): string | null | undefined {
  const header = req.headers.authorization;
  if (header === undefined) return null;
  const match = /^(?:Bearer|token) +(\S+)$/i.exec(header.trim());
  return match ? match[1] : undefined;
}

/** The user's avatar: the one given, else GitHub's URL for the id. */
export function avatarUrl(user: DevUser): string {
  return typeof user.avatar_url === 'string'
    ? user.avatar_url
    : `https://avatars.githubusercontent.com/u/${user.id}?v=4`;
}

/** The `/user` JSON: GitHub's field set, filled from the DevUser with plausible defaults. */
export function userJson(user: DevUser, origin: string): Record<string, unknown> {
  const api = `${origin}/users/${encodeURIComponent(user.login)}`;
  return {
    login: user.login,
    id: user.id,
    node_id: Buffer.from(`04:User${user.id}`).toString('base64'),
    avatar_url: avatarUrl(user),
    gravatar_id: '',
    url: api,
    html_url: `${origin}/${encodeURIComponent(user.login)}`,
    type: 'User',
    site_admin: false,
    name: user.name,
    company: null,
    blog: '',
    location: null,
    email: null,
    hireable: null,
    bio: null,
    twitter_username: null,
    public_repos: 8,
    public_gists: 8,
    followers: 20,
    following: 0,
    created_at: '2011-01-25T18:44:36Z',
    updated_at: '2024-01-22T12:00:00Z',
    ...Object.fromEntries(Object.entries(user).filter(([, v]) => v !== undefined)),
  };
}

/** Why a `/user` request is refused, as GitHub answers it; undefined when it may go on. */
function refusal(req: IncomingMessage): readonly [number, string] | undefined {
  if (!req.headers['user-agent']?.trim()) return [403, NO_USER_AGENT];
  if (bearerToken(req) === null) return [401, 'Requires authentication'];
  return undefined;
}

/** `GET /user`: the signed-in user for a live access token (GitHub REST). */
export function handleUser(ctx: ProviderContext, req: IncomingMessage, res: ServerResponse): void {
  ctx.counts.user++;
  const refused = refusal(req);
  if (refused?.[0] === 403)
    send(res, 403, { 'content-type': 'text/plain; charset=utf-8' }, refused[1]);
  else if (refused) sendApiError(res, refused[0], refused[1]);
  else answerUser(ctx, req, res);
}

function answerUser(ctx: ProviderContext, req: IncomingMessage, res: ServerResponse): void {
  const token = bearerToken(req);
  const grant = token ? ctx.store.lookupAccessToken(token) : undefined;
  const user = grant && userOf(ctx, grant.login);
  if (!grant || !user) {
    sendApiError(res, 401, 'Bad credentials');
    return;
  }
  sendJson(res, 200, userJson(user, publicOrigin(ctx, req)), {
    'cache-control': 'private, max-age=60, s-maxage=60',
    'x-oauth-scopes': grant.scopes.join(', '),
    'x-oauth-client-id': grant.clientId,
    'x-github-media-type': 'github.v3; format=json',
  });
}
