/** A consumer of `oauth2-session/node`: the Node defaults and a proxy-aware fetch. */
import { envProxyFetch, OAuth2Session, withNodeDefaults } from 'oauth2-session/node';
import { discover, OpenIDSession, type OpenIDSessionOptions } from 'oauth2-session/oidc';

/** A session through HTTPS_PROXY (from the environment), and one with a private CA. */
export function sessions(clientId: string, ca: string | undefined) {
  const viaProxy = new OAuth2Session({ clientId });
  const tls = { ca };
  const pinned = new OAuth2Session({ clientId, fetch: envProxyFetch({ connect: tls }) });
  return { viaProxy, pinned };
}

/** An OpenID session on the Node defaults. */
export async function relyingParty(issuer: string, clientId: string) {
  const server = await discover(issuer, withNodeDefaults({}));
  const options: OpenIDSessionOptions = { clientId, server };
  return new OpenIDSession(withNodeDefaults(options));
}
