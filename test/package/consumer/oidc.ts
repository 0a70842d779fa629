/** A consumer of `oauth2-session/oidc`: discovery, an OpenID session and the web login. */
import {
  discover,
  type IdTokenClaims,
  IdTokenError,
  OpenIDSession,
  openidLogin,
  RemoteJwks,
} from 'oauth2-session/oidc';
import { createOAuthHandlers } from 'oauth2-session/web';

/** Sign-in with an OpenID provider: the URL to send the user to, and its nonce. */
export async function openidStart(
  issuer: string,
  clientId: string,
  redirectUri: string | undefined,
) {
  const server = await discover(issuer);
  const jwks = server.jwks_uri === undefined ? undefined : new RemoteJwks(server.jwks_uri);
  const rp = new OpenIDSession({ clientId, server, redirectUri, jwks });
  const { url, state, codeVerifier, nonce } = await rp.authorizationUrl();
  return { url, state, codeVerifier, nonce };
}

/** Handlers that verify ID tokens, and the claims of the signed-in user. */
export async function openidHandlers(issuer: string, request: Request) {
  const server = await discover(issuer);
  const auth = createOAuthHandlers({
    clientId: 'client',
    server,
    openid: openidLogin({ postLogoutRedirectUri: undefined }),
    session: { secrets: 'a-session-secret-of-32-characters!' },
  });
  try {
    const claims: IdTokenClaims | undefined = await auth.claims(request);
    return claims?.sub;
  } catch (error) {
    if (error instanceof IdTokenError) return undefined;
    throw error;
  }
}
