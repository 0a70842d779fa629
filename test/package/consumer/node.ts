/** A consumer of `oauth2-session/node`: the Node defaults and a proxy-aware fetch. */
import type { Logger, LogMethod, Sha256 } from 'oauth2-session';
import {
  envProxyFetch,
  nodeSealCrypto,
  nodeSha256,
  OAuth2Session,
  withNodeDefaults,
} from 'oauth2-session/node';
import { discover, OpenIDSession, type OpenIDSessionOptions } from 'oauth2-session/oidc';
import { type SealCrypto, Sealer } from 'oauth2-session/web';

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

/**
 * The installable primitives and the logger, named by their exported types: a `Sealer` on
 * `node:crypto`'s HKDF and AES-GCM, and a session logging through a logger of its own.
 */
export function named(clientId: string, warn: LogMethod) {
  const sealCrypto: SealCrypto = nodeSealCrypto;
  const hash: Sha256 = nodeSha256;
  const logger: Logger = { warn };
  const sealer = new Sealer({
    secrets: 'a-secret-of-at-least-32-characters!!',
    crypto: sealCrypto,
  });
  return { sealer, hash, session: new OAuth2Session({ clientId, logger }) };
}
