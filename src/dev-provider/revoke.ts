import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ProviderContext } from './context.js';
import { DEV_DEFAULTS } from './defaults.js';
import { basicCredentials, readBody, sendApiError } from './http.js';

/**
 * `DELETE /applications/{client_id}/token` with Basic client credentials and a JSON body
 * `{"access_token": "..."}`: GitHub's way to revoke a token (its answer to RFC 7009).
 * 204 when revoked, 404 for a token this client does not have.
 */
export async function handleRevoke(
  ctx: ProviderContext,
  req: IncomingMessage,
  res: ServerResponse,
  clientId: string,
): Promise<void> {
  ctx.counts.revoke++;
  const body = await readBody(req, DEV_DEFAULTS.maxBodyBytes);
  const basic = basicCredentials(req);
  const client =
    basic &&
    basic.clientId === clientId &&
    ctx.clients.authenticate(basic.clientId, basic.clientSecret);
  if (!client) return sendApiError(res, 401, 'Bad credentials');
  const token = accessTokenOf(body);
  if (token === undefined) return sendApiError(res, 422, 'Invalid request.');
  if (!ctx.store.revokeAccessToken(token, clientId)) return sendApiError(res, 404, 'Not Found');
  res.writeHead(204).end();
}

function accessTokenOf(body: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    const token = (parsed as { access_token?: unknown } | null)?.access_token;
    return typeof token === 'string' && token !== '' ? token : undefined;
  } catch {
    return undefined;
  }
}
