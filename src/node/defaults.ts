/**
 * Node's defaults for the runtime-neutral entries: the same classes and factories, with `fetch`
 * defaulting to one process-wide {@link envProxyFetch}, so a Node app honours `HTTPS_PROXY`,
 * `HTTP_PROXY` and `NO_PROXY` as requests does, without passing anything. The core itself cannot
 * do this: it has no dependencies and runs on every runtime, where `fetch` is already the
 * platform's own.
 *
 * @module
 */

import type { OAuth2SessionOptions } from '../options.js';
import { OAuth2Session as CoreSession } from '../session.js';
import type { FetchLike } from '../transport.js';
import {
  createOAuthHandlers as createCoreHandlers,
  type OAuthHandlers,
  type OAuthHandlersOptions,
} from '../web/handlers.js';
import { type EnvProxyFetch, envProxyFetch } from './env-proxy.js';

let shared: EnvProxyFetch | undefined;

/**
 * The process-wide fetch of the Node defaults: an {@link envProxyFetch} made on first use (the
 * proxy variables are read then), its connection pools shared by every session and handler.
 *
 * @example
 * ```ts
 * import { discover } from 'oauth2-session/oidc';
 * import { nodeFetch } from 'oauth2-session/node';
 * const server = await discover(issuer, { fetch: nodeFetch() }); // through HTTPS_PROXY, if set
 * ```
 */
export function nodeFetch(): FetchLike {
  shared ??= envProxyFetch();
  return shared;
}

/** `options` with `fetch` defaulted to {@link nodeFetch}; an explicit `fetch` is kept. */
export function withNodeDefaults<T extends object>(
  options: T & { fetch?: FetchLike | undefined },
): T {
  return options.fetch ? options : { ...options, fetch: nodeFetch() };
}

/**
 * `OAuth2Session` whose requests go through the environment's proxies unless `fetch` is given.
 *
 * @example
 * ```ts
 * import { OAuth2Session } from 'oauth2-session/node';
 * const s = new OAuth2Session({ clientId, clientSecret }); // HTTPS_PROXY / NO_PROXY honoured
 * ```
 */
export class OAuth2Session extends CoreSession {
  constructor(options: OAuth2SessionOptions) {
    super(withNodeDefaults(options));
  }
}

/**
 * `createOAuthHandlers` whose outbound requests (token, revocation, userinfo, keys, API) go
 * through the environment's proxies unless `fetch` is given.
 *
 * @example
 * ```ts
 * import { createOAuthHandlers } from 'oauth2-session/node';
 * const auth = createOAuthHandlers({ provider: github, clientId, clientSecret, session: { secrets } });
 * ```
 */
export function createOAuthHandlers(options: OAuthHandlersOptions): OAuthHandlers {
  return createCoreHandlers(withNodeDefaults(options));
}
