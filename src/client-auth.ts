/**
 * Client authentication at the token endpoint (RFC 6749 section 2.3.1).
 *
 * @module
 */

import { misuse } from './errors.js';

/**
 * How the client authenticates: `client_secret_basic` (HTTP Basic; the default when a secret is
 * set), `client_secret_post` (id and secret in the body) or `none` (a public client, which
 * sends only `client_id`).
 */
export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

/** The client's identity as sent to the token endpoint. */
export interface ClientCredentials {
  clientId: string;
  clientSecret?: string | undefined;
  /** Defaults to `client_secret_basic` with a secret, `none` without. */
  method?: ClientAuthMethod | undefined;
}

/** `application/x-www-form-urlencoded` encoding of one value, as RFC 6749 2.3.1 asks. */
const formEncode = (value: string) => new URLSearchParams([['', value]]).toString().slice(1);

/** Resolves the method, refusing unknown ones and secret methods without a secret. */
export function clientAuthMethod(client: ClientCredentials): ClientAuthMethod {
  const method = client.method ?? (client.clientSecret ? 'client_secret_basic' : 'none');
  if (method !== 'client_secret_basic' && method !== 'client_secret_post' && method !== 'none') {
    throw misuse('clientAuth must be client_secret_basic, client_secret_post or none');
  }
  if (method !== 'none' && !client.clientSecret)
    throw misuse(`clientAuth ${method} needs clientSecret`, 'ERR_MISSING_OPTION');
  return method;
}

/**
 * Adds the client's authentication to a token request: an `Authorization: Basic` header whose
 * id and secret are form-urlencoded first, or `client_id`/`client_secret` body parameters.
 *
 * @see RFC 6749 section 2.3.1
 */
export function applyClientAuth(
  client: ClientCredentials,
  headers: Headers,
  body: URLSearchParams,
): void {
  const method = clientAuthMethod(client);
  if (method === 'client_secret_basic') {
    const pair = `${formEncode(client.clientId)}:${formEncode(client.clientSecret!)}`;
    headers.set('authorization', `Basic ${btoa(pair)}`);
    return;
  }
  body.set('client_id', client.clientId);
  if (method === 'client_secret_post') body.set('client_secret', client.clientSecret!);
}
