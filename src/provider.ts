/**
 * A provider preset: the server description, the provider's quirk hooks, what its clients must
 * do (client authentication, default scopes) and how to read the signed-in user. Every preset
 * (`oauth2-session/providers`) is one of these, and so is what an app builds for its own server.
 *
 * @module
 */

import type { ClientAuthentication, ClientAuthMethod } from './client-auth.js';
import { misuse } from './errors.js';
import type { ComplianceHooks, EndpointRequest } from './hooks.js';
import type { AuthorizationServer } from './server.js';

/** How to read the signed-in user's profile from a provider. */
export interface UserEndpoint {
  readonly url: string;
  /** Default `GET`. */
  readonly method?: 'GET' | 'POST' | undefined;
  /** Headers the provider requires on it (an API version, an `Accept`). */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** A body the provider requires (a GraphQL query), sent as given with `headers`. */
  readonly body?: string | undefined;
  /**
   * A field of the token answer that holds this user's own URL for the profile (Salesforce's
   * `id`, its identity URL): {@link userRequest} given the token uses it instead of `url`, when
   * it is https or on `url`'s origin.
   */
  readonly tokenField?: string | undefined;
}

/** What {@link definePreset} takes. */
export interface PresetDefinition {
  /** A stable lowercase id (`github`, `google`, ...). */
  readonly id: string;
  readonly server: AuthorizationServer;
  readonly hooks?: ComplianceHooks | undefined;
  /**
   * The client authentication the provider requires, a method name or a strategy value (Sign in
   * with Apple's signed JWT); unset = the session's default.
   */
  readonly clientAuth?: ClientAuthMethod | ClientAuthentication | undefined;
  /** Scopes enough to log in and read the profile. */
  readonly scope?: readonly string[] | undefined;
  readonly user?: UserEndpoint | undefined;
  /**
   * Parameters every authorization URL carries, such as the one that asks for a refresh token
   * (`access_type: 'offline'`, `duration: 'permanent'`); a call's `extraParams` win.
   */
  readonly authorizationParams?: Readonly<Record<string, string>> | undefined;
  /**
   * How the provider separates scopes on the wire when it is not RFC 6749's space (`','`): used
   * in the authorization URL, and in token requests through a `token.request` hook.
   */
  readonly scopeSeparator?: string | undefined;
}

/**
 * A provider preset. `authorizeUrl`, `tokenUrl`, `userUrl` and `name` are the first names of
 * `server.authorization_endpoint`, `server.token_endpoint`, `user.url` and `id`, kept as aliases.
 */
export interface ProviderPreset extends PresetDefinition {
  /** @deprecated use `id` */
  readonly name: string;
  /** @deprecated use `server.authorization_endpoint` */
  readonly authorizeUrl: string;
  /** @deprecated use `server.token_endpoint` */
  readonly tokenUrl: string;
  /** @deprecated use `user.url` */
  readonly userUrl: string;
  readonly hooks: ComplianceHooks;
}

/**
 * Makes a preset (frozen) from its definition, with the alias fields filled in.
 *
 * @example
 * ```ts
 * const acme = definePreset({
 *   id: 'acme',
 *   server: { authorization_endpoint: 'https://acme.example/authorize', token_endpoint: 'https://acme.example/token' },
 *   user: { url: 'https://api.acme.example/me' },
 * });
 * new OAuth2Session({ clientId, provider: acme });
 * ```
 */
export function definePreset(definition: PresetDefinition): ProviderPreset {
  return Object.freeze({
    ...definition,
    hooks: withScopeSeparator(definition.hooks ?? {}, definition.scopeSeparator),
    name: definition.id,
    authorizeUrl: definition.server.authorization_endpoint ?? '',
    tokenUrl: definition.server.token_endpoint ?? '',
    userUrl: definition.user?.url ?? '',
  });
}

/**
 * The preset's hooks with, first, a `token.request` hook that writes the `scope` of token
 * requests (client credentials, a narrowed refresh) with the provider's separator, as the
 * session writes it in the authorization URL.
 */
function withScopeSeparator(hooks: ComplianceHooks, separator: string | undefined) {
  if (separator === undefined || separator === ' ') return hooks;
  const own = hooks['token.request'];
  const rewrite = ({ body }: EndpointRequest) => {
    const scope = body.get('scope');
    if (scope) body.set('scope', scope.split(/\s+/).filter(Boolean).join(separator));
  };
  return { ...hooks, 'token.request': [rewrite, ...(Array.isArray(own) ? own : own ? [own] : [])] };
}

/**
 * The `fetch` arguments that read the user from a preset's user endpoint: its method, headers
 * and body. With the session's `token`, a preset whose user URL comes in the token answer
 * (`user.tokenField`) reads that URL.
 *
 * @example
 * ```ts
 * const profile = await (await session.fetch(...userRequest(linear))).json();
 * const identity = await (await session.fetch(...userRequest(salesforce, session.token))).json();
 * ```
 * @throws TypeError `ERR_MISSING_OPTION` when the preset has no user endpoint
 */
export function userRequest(
  preset: Pick<PresetDefinition, 'user'>,
  token?: Readonly<Record<string, unknown>> | undefined,
): [string, RequestInit] {
  const user = preset.user;
  if (!user) throw misuse('preset has no user endpoint', 'ERR_MISSING_OPTION');
  const init: RequestInit = { method: user.method ?? 'GET', headers: { ...user.headers } };
  if (user.body !== undefined) init.body = user.body;
  return [tokenUrl(user, token) ?? user.url, init];
}

/** The user URL named by the token answer, when it is https or on the preset URL's origin. */
function tokenUrl(user: UserEndpoint, token: Readonly<Record<string, unknown>> | undefined) {
  const value = user.tokenField ? token?.[user.tokenField] : undefined;
  if (typeof value !== 'string') return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  return url.protocol === 'https:' || url.origin === new URL(user.url).origin
    ? url.href
    : undefined;
}
