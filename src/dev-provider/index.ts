/**
 * `oauth2-session/dev-provider`: a GitHub-compatible OAuth authorization server for local
 * development, tests and benchmarks. Node only (`node:http`, `node:crypto`).
 *
 * @example
 * import { startDevProvider } from 'oauth2-session/dev-provider';
 * const provider = await startDevProvider({ clients: [{ clientId: 'id', clientSecret: 'secret', redirectUris: ['http://127.0.0.1:5000/callback'] }] });
 * console.log(provider.authorizeUrl, provider.tokenUrl, provider.userUrl);
 *
 * @module
 */
export { DEFAULT_CLIENT, DEFAULT_USERS, DEV_DEFAULTS } from './defaults.js';
export {
  createDevProviderHandler,
  type DevProviderHandler,
  type DevProviderHandlerOptions,
  startDevProvider,
} from './server.js';
export type { TokenErrorCode } from './token.js';
export type { DevClient, DevEndpoint, DevProvider, DevProviderOptions, DevUser } from './types.js';
