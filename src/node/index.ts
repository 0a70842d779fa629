/**
 * `oauth2-session/node`: what only Node needs. Node's `fetch` reads no proxy variables;
 * {@link envProxyFetch} is a fetch for the core's `fetch` option that honours `HTTPS_PROXY`,
 * `HTTP_PROXY` and `NO_PROXY` (loopback always direct), and the Node defaults (`OAuth2Session`,
 * `createOAuthHandlers`, `withNodeDefaults`) use one by default. It imports `undici`; the core
 * does not.
 *
 * @module oauth2-session/node
 */

export { installNodeCrypto, nodeSealCrypto, nodeSha256 } from './crypto.js';
export {
  createOAuthHandlers,
  nodeFetch,
  OAuth2Session,
  withNodeDefaults,
} from './defaults.js';
export { type EnvProxyFetch, type EnvProxyFetchOptions, envProxyFetch } from './env-proxy.js';
