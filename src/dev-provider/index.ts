/**
 * `oauth2-session/dev-provider`: a GitHub-compatible OAuth authorization server for local
 * development, tests and benchmarks, with an opt-in OpenID Connect mode (`oidc: true`). Node
 * only (`node:http`, `node:crypto`; `jose` for the OIDC mode's keys and ID tokens).
 *
 * @example
 * import { startDevProvider } from 'oauth2-session/dev-provider';
 * const provider = await startDevProvider({ clients: [{ clientId: 'id', clientSecret: 'secret', redirectUris: ['http://127.0.0.1:5000/callback'] }] });
 * console.log(provider.authorizeUrl, provider.tokenUrl, provider.userUrl);
 *
 * @example
 * const oidc = await startDevProvider({ oidc: true, idTokenAlg: 'ES256' });
 * console.log(oidc.oidc?.discoveryUrl); // http://127.0.0.1:PORT/.well-known/openid-configuration
 *
 * @module oauth2-session/dev-provider
 */
export { DEFAULT_CLIENT, DEFAULT_USERS, DEV_DEFAULTS } from './defaults.js';
export {
  createDevProviderHandler,
  type DevProviderHandler,
  type DevProviderHandlerOptions,
  startDevProvider,
} from './server.js';
export { ID_TOKEN_ALGS } from './signing-key.js';
export type { TokenErrorCode } from './token.js';
export type {
  DevClient,
  DevCounts,
  DevEndpoint,
  DevIdTokenAlg,
  DevOidcEndpoint,
  DevOidcUrls,
  DevProvider,
  DevProviderOptions,
  DevUser,
} from './types.js';
