import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ProviderContext } from './context.js';
import { DEV_DEFAULTS } from './defaults.js';
import { basicCredentials, parseParams, readBody, send, sendApiError, sendJson } from './http.js';
import { authenticateClient } from './token.js';

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

/**
 * `POST /oauth/revoke` (RFC 7009), OIDC mode only: `token` (an access or refresh token; either
 * ends its whole grant) with the client authenticated as at the token endpoint. 200 whether or
 * not the token was live (section 2.2); a token of another client is left alone, the answer the
 * same, so a client cannot probe for another's tokens.
 */
export async function handleRevocation(
  ctx: ProviderContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  ctx.counts.revoke++;
  const params = parseParams(
    await readBody(req, DEV_DEFAULTS.maxBodyBytes),
    req.headers['content-type'],
  );
  const client = authenticateClient(ctx, req, params);
  if (!client) {
    const error = { error: 'invalid_client', error_description: 'Client authentication failed.' };
    return sendJson(res, 401, error, {
      'www-authenticate': 'Basic realm="oauth2-session dev provider"',
    });
  }
  const token = params.get('token');
  if (!token) {
    const error = {
      error: 'invalid_request',
      error_description: 'The token parameter is missing.',
    };
    return sendJson(res, 400, error);
  }
  ctx.store.revokeToken(token, client.clientId);
  send(res, 200, { 'cache-control': 'no-store' });
}
