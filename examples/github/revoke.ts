/**
 * Revoking the token at logout, where the provider supports it. GitHub (and the dev provider)
 * revoke with `DELETE {api}/applications/{client_id}/token`, Basic client credentials and a JSON
 * body `{"access_token": "..."}`: GitHub's answer to RFC 7009.
 */
import type { Token } from 'oauth2-session';
import type { ResolvedProvider } from './provider.js';

/** Longest wait for the revocation answer: logout must not hang on a slow provider. */
const REVOKE_TIMEOUT_MS = 5000;

/**
 * The logout hook for a GitHub-shaped provider with a client secret; `undefined` for any other
 * (the session is still ended locally).
 */
export function revokerFor(
  provider: ResolvedProvider,
): ((token: Token) => Promise<void>) | undefined {
  const { clientId, clientSecret, hooks, userUrl } = provider;
  if (!hooks || !clientSecret) return undefined;
  const apiUrl = userUrl.replace(/\/user\/?$/, '');
  const url = `${apiUrl}/applications/${encodeURIComponent(clientId)}/token`;
  const basic = btoa(`${clientId}:${clientSecret}`);
  return async (token) => {
    await fetch(url, {
      method: 'DELETE',
      headers: {
        authorization: `Basic ${basic}`,
        accept: 'application/vnd.github+json',
        'content-type': 'application/json',
        'user-agent': 'oauth2-session-example',
      },
      body: JSON.stringify({ access_token: token.access_token }),
      signal: AbortSignal.timeout(REVOKE_TIMEOUT_MS),
    });
  };
}
