/**
 * Client authentication at the authorization server's endpoints (RFC 6749 section 2.3), as
 * strategy values: a function of the request about to be sent, possibly async (a signed JWT
 * assertion is). A new method is a new value, never a new branch in the session.
 *
 * @module
 */

import { misuse } from './errors.js';
import type { AuthorizationServer } from './server.js';

/**
 * The methods named by string (RFC 7591 section 2 names): `client_secret_basic` (HTTP Basic;
 * the default with a secret), `client_secret_post` (id and secret in the body) or `none` (a
 * public client, which sends only `client_id`).
 */
export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

/** The request a {@link ClientAuthentication} authenticates: it sets headers or body fields. */
export interface ClientAuthRequest {
  readonly clientId: string;
  /** The endpoint the request goes to (an assertion's audience, for JWT methods). */
  readonly url: URL;
  readonly server?: AuthorizationServer | undefined;
  headers: Headers;
  body: URLSearchParams;
}

/**
 * A client authentication strategy: adds the client's credentials to an endpoint request.
 * `method` names it as `token_endpoint_auth_methods_supported` does.
 *
 * @example
 * ```ts
 * new OAuth2Session({ clientId, clientAuth: clientSecretPost(secret) });
 * ```
 */
export type ClientAuthentication = ((request: ClientAuthRequest) => void | Promise<void>) & {
  readonly method?: string | undefined;
};

/** `application/x-www-form-urlencoded` encoding of one value, as RFC 6749 2.3.1 asks. */
const formEncode = (value: string) => new URLSearchParams([['', value]]).toString().slice(1);

const named = (method: string, fn: (request: ClientAuthRequest) => void): ClientAuthentication =>
  Object.assign(fn, { method });

function requireSecret(
  method: string,
  secret: unknown,
  allowEmpty?: boolean,
): asserts secret is string {
  if (typeof secret !== 'string' || !(secret || allowEmpty))
    throw misuse(`clientAuth ${method} needs clientSecret`, 'ERR_MISSING_OPTION');
}

/** Options of {@link clientSecretBasic}, for servers that ask for more than RFC 6749 does. */
export interface ClientSecretBasicOptions {
  /**
   * Also send `client_id` in the body (requests-oauthlib's `include_client_id`), for servers
   * that want both. Default false: RFC 6749 section 2.3.1 wants one method per request.
   */
  includeClientId?: boolean | undefined;
  /**
   * Accept an empty secret (Basic with an empty password, as requests-oauthlib sends for
   * `client_secret=""`), for a server that requires it. Default false: an empty secret is
   * refused, so that a missing one is never sent by accident.
   */
  allowEmpty?: boolean | undefined;
}

/**
 * HTTP Basic with the form-urlencoded id and secret.
 *
 * @see RFC 6749 section 2.3.1
 * @example
 * ```ts
 * clientAuth: clientSecretBasic(secret, { includeClientId: true }); // Basic and client_id
 * clientAuth: clientSecretBasic('', { allowEmpty: true }); // Basic, empty password
 * ```
 */
export function clientSecretBasic(
  secret: string,
  options: ClientSecretBasicOptions = {},
): ClientAuthentication {
  requireSecret('client_secret_basic', secret, options.allowEmpty);
  return named('client_secret_basic', ({ clientId, headers, body }) => {
    headers.set('authorization', `Basic ${btoa(`${formEncode(clientId)}:${formEncode(secret)}`)}`);
    if (options.includeClientId) body.set('client_id', clientId);
  });
}

/**
 * `client_id` and `client_secret` in the body.
 *
 * @see RFC 6749 section 2.3.1
 */
export function clientSecretPost(secret: string): ClientAuthentication {
  requireSecret('client_secret_post', secret);
  return named('client_secret_post', ({ clientId, body }) => {
    body.set('client_id', clientId);
    body.set('client_secret', secret);
  });
}

/** A public client: only `client_id` in the body (RFC 6749 section 2.1). */
export function noClientAuth(): ClientAuthentication {
  return named('none', ({ clientId, body }) => body.set('client_id', clientId));
}

const BY_NAME: Record<ClientAuthMethod, (secret: string) => ClientAuthentication> = {
  client_secret_basic: clientSecretBasic,
  client_secret_post: clientSecretPost,
  none: noClientAuth,
};

/**
 * The strategy for a `clientAuth` option: a strategy is used as given; a name is built with the
 * secret; unset is `client_secret_basic` with a secret (or `client_secret_post` when the server
 * lists only that), `none` without.
 *
 * @throws TypeError for an unknown name, or a secret method without a secret
 */
export function resolveClientAuth(
  option: ClientAuthMethod | ClientAuthentication | undefined,
  secret: string | undefined,
  server?: AuthorizationServer,
): ClientAuthentication {
  if (typeof option === 'function') return option;
  const method = option ?? defaultMethod(secret, server);
  if (!Object.hasOwn(BY_NAME, method))
    throw misuse('clientAuth must be client_secret_basic, client_secret_post, none or a function');
  return BY_NAME[method](secret as string);
}

function defaultMethod(secret: string | undefined, server?: AuthorizationServer): ClientAuthMethod {
  if (!secret) return 'none';
  const supported = server?.token_endpoint_auth_methods_supported;
  const postOnly =
    supported?.includes('client_secret_post') && !supported.includes('client_secret_basic');
  return postOnly ? 'client_secret_post' : 'client_secret_basic';
}

/** The client's identity as the first, synchronous steps take it. */
export interface ClientCredentials {
  clientId: string;
  clientSecret?: string | undefined;
  /** Defaults to `client_secret_basic` with a secret, `none` without. */
  method?: ClientAuthMethod | undefined;
}

/** Resolves the method, refusing unknown ones and secret methods without a secret. */
export function clientAuthMethod(client: ClientCredentials): ClientAuthMethod {
  return resolveClientAuth(client.method, client.clientSecret).method as ClientAuthMethod;
}

/**
 * Adds the client's authentication to a request, synchronously (the string methods only; the
 * endpoint pipeline awaits any {@link ClientAuthentication}).
 *
 * @see RFC 6749 section 2.3.1
 */
export function applyClientAuth(
  client: ClientCredentials,
  headers: Headers,
  body: URLSearchParams,
): void {
  const auth = resolveClientAuth(client.method, client.clientSecret);
  void auth({ clientId: client.clientId, url: new URL('about:blank'), headers, body });
}
