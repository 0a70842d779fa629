/**
 * A provider preset: the server description, the provider's quirk hooks, what its clients must
 * do (client authentication, default scopes) and how to read the signed-in user. Every preset
 * (`oauth2-session/providers`) is one of these, and so is what an app builds for its own server.
 *
 * @module
 */

import type { ClientAuthMethod } from './client-auth.js';
import { misuse } from './errors.js';
import type { ComplianceHooks } from './hooks.js';
import type { AuthorizationServer } from './server.js';

/** How to read the signed-in user's profile from a provider. */
export interface UserEndpoint {
  readonly url: string;
  /** Default `GET`. */
  readonly method?: 'GET' | 'POST' | undefined;
  /** Headers the provider requires on it (an API version, an `Accept`). */
  readonly headers?: Readonly<Record<string, string>> | undefined;
}

/** What {@link definePreset} takes. */
export interface PresetDefinition {
  /** A stable lowercase id (`github`, `google`, ...). */
  readonly id: string;
  readonly server: AuthorizationServer;
  readonly hooks?: ComplianceHooks | undefined;
  /** The client authentication the provider requires; unset = the session's default. */
  readonly clientAuth?: ClientAuthMethod | undefined;
  /** Scopes enough to log in and read the profile. */
  readonly scope?: readonly string[] | undefined;
  readonly user?: UserEndpoint | undefined;
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
    hooks: definition.hooks ?? {},
    name: definition.id,
    authorizeUrl: definition.server.authorization_endpoint ?? '',
    tokenUrl: definition.server.token_endpoint ?? '',
    userUrl: definition.user?.url ?? '',
  });
}

/** The `fetch` arguments that read the user from a preset's user endpoint. */
export function userRequest(preset: Pick<PresetDefinition, 'user'>): [string, RequestInit] {
  const user = preset.user;
  if (!user) throw misuse('preset has no user endpoint', 'ERR_MISSING_OPTION');
  return [user.url, { method: user.method ?? 'GET', headers: { ...user.headers } }];
}
