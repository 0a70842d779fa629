/**
 * Compliance hooks: named points where provider quirks are fixed up (requests-oauthlib's
 * `compliance_fixes`, typed), so that no provider is a special case inside the core.
 *
 * Points are named by endpoint and stage: `token.request` (the request before it is sent),
 * `token.response` (the raw Response), `token.parsed` (the body's fields, before they are read
 * as a token or an error: fix a field without reading the body again), the same three for
 * `revocation` and for the endpoints still to come (`pushed_authorization_request`,
 * `device_authorization`, `introspection`), and `resource.request` for every request made with
 * the token (it sees the body too). The first names (`accessTokenRequest`, ...,
 * `protectedRequest`) stay as aliases.
 *
 * @module
 */

import { misuse } from './errors.js';
import type { Token } from './token.js';

/** The authorization server endpoints that the endpoint pipeline calls. */
export type EndpointName =
  | 'token'
  | 'revocation'
  | 'pushed_authorization_request'
  | 'device_authorization'
  | 'introspection';

/** A request to an authorization server endpoint before it is sent: mutate it or answer a replacement. */
export interface EndpointRequest {
  readonly endpoint: EndpointName;
  url: URL;
  /** `POST` unless a hook says otherwise. */
  method: string;
  headers: Headers;
  /** The form body (`application/x-www-form-urlencoded`). */
  body: URLSearchParams;
  /**
   * When set, sent as a JSON body instead of `body` (an endpoint that takes JSON); `null` sends
   * the JSON `null`, which is how some APIs take a call without arguments.
   */
  json?: Record<string, unknown> | null | undefined;
}

/** What every hook is told about the call it sees. */
export interface HookContext {
  /** Which endpoint, or `resource` for a request made with the token. */
  readonly endpoint: EndpointName | 'resource';
  readonly clientId: string;
  /** The `grant_type` of a token request. */
  readonly grantType?: string | undefined;
  /** The session's token, for revocation and resource requests. */
  readonly token?: Token | undefined;
}

/** What a `*.parsed` hook is told besides the {@link HookContext}. */
export interface ParsedContext extends HookContext {
  /** The HTTP status of the answer. */
  readonly status: number;
}

/** A request made with the token (a protected resource), before it is sent. */
export interface ResourceRequest {
  url: string;
  method: string;
  headers: Headers;
  /** The body as the caller gave it (a hook may read or replace it; streams are read once). */
  body: BodyInit | null | undefined;
}

/** A token request before it is sent (the fields the first hook names see). */
export interface TokenRequestParts {
  url: URL;
  headers: Headers;
  body: URLSearchParams;
}

/** A protected-resource request before it is sent (the fields `protectedRequest` sees). */
export interface ProtectedRequestParts {
  url: string;
  headers: Headers;
}

type Awaitable<T> = T | Promise<T>;
/** What a request hook answers: replacement parts, or nothing after mutating in place. */
// biome-ignore lint/suspicious/noConfusingVoidType: a hook that mutates in place returns nothing
type MaybeParts<P> = Awaitable<P | void>;

/** Adjusts an endpoint request before it is sent. */
export type EndpointRequestHook = (
  request: EndpointRequest,
  context: HookContext,
) => MaybeParts<EndpointRequest>;
/** Adjusts an endpoint's raw Response before it is read. */
export type EndpointResponseHook = (
  response: Response,
  context: HookContext,
) => Awaitable<Response>;
/** Adjusts an endpoint answer's fields before they are read as a result or an error. */
export type EndpointParsedHook = (
  fields: Record<string, unknown>,
  context: ParsedContext,
) => MaybeParts<Record<string, unknown>>;
/** Adjusts a request made with the token before it is sent. */
export type ResourceRequestHook = (
  request: ResourceRequest,
  context: HookContext,
) => MaybeParts<ResourceRequest>;

/** Hook that adjusts a token request (alias point). */
export type TokenRequestHook = (request: TokenRequestParts) => MaybeParts<TokenRequestParts>;
/** Hook that adjusts a token response before it is read (alias point). */
export type TokenResponseHook = (response: Response) => Awaitable<Response>;
/** Hook that adjusts an authenticated request (headers, url) before it is sent (alias point). */
export type ProtectedRequestHook = (
  request: ProtectedRequestParts,
) => MaybeParts<ProtectedRequestParts>;

type StagedHooks = { [E in EndpointName as `${E}.request`]: EndpointRequestHook } & {
  [E in EndpointName as `${E}.response`]: EndpointResponseHook;
} & { [E in EndpointName as `${E}.parsed`]: EndpointParsedHook } & {
  'resource.request': ResourceRequestHook;
};

/**
 * A point named by endpoint and stage.
 *
 * @useDeclaredType
 */
export type HookStage = keyof StagedHooks;

/** Every hook point and its function type: the staged points and their aliases. */
export interface ComplianceHookMap extends StagedHooks {
  /** `token.request` for every grant but refresh. */
  accessTokenRequest: TokenRequestHook;
  /** `token.response` for every grant but refresh. */
  accessTokenResponse: TokenResponseHook;
  /** `token.request` for the refresh grant. */
  refreshTokenRequest: TokenRequestHook;
  /** `token.response` for the refresh grant. */
  refreshTokenResponse: TokenResponseHook;
  /** `resource.request`, seeing url and headers. */
  protectedRequest: ProtectedRequestHook;
}

/** The name of a hook point. */
export type ComplianceHookName = keyof ComplianceHookMap;

/** Hooks as given in options: one function or a list per point, run in order. */
export type ComplianceHooks = {
  [K in ComplianceHookName]?: ComplianceHookMap[K] | readonly ComplianceHookMap[K][];
};

/** A staged point's name: `<endpoint>.<stage>`, or `resource.request`. */
const STAGE =
  /^(token|revocation|pushed_authorization_request|device_authorization|introspection)\.(request|response|parsed)$|^resource\.request$/;

/** Where each alias runs; the `refresh*` ones only for the refresh grant, the `access*` ones for the others. */
const ALIASES: Record<string, HookStage> = {
  accessTokenRequest: 'token.request',
  accessTokenResponse: 'token.response',
  refreshTokenRequest: 'token.request',
  refreshTokenResponse: 'token.response',
  protectedRequest: 'resource.request',
};

type AnyHook = (value: never, context: HookContext) => unknown;

/** An alias hook as a staged one: a token hook runs only for the requests its name says. */
function aliased(name: string, fn: AnyHook, stage: HookStage): AnyHook {
  if (stage === 'resource.request') return fn;
  const refresh = name.startsWith('refresh');
  return (value, context) =>
    (context.grantType === 'refresh_token') === refresh
      ? fn(value, context)
      : stage === 'token.response'
        ? value
        : undefined;
}

/** Merges answered resource request parts, adding answered headers to the current ones. */
function keepHeaders<P extends object>(current: P, answered: P): P {
  const mine = (current as { headers?: Headers | undefined }).headers;
  const theirs = (answered as { headers?: Headers | undefined }).headers;
  if (mine && theirs && theirs !== mine) for (const [name, value] of theirs) mine.set(name, value);
  return { ...current, ...answered, headers: mine ?? theirs };
}

/** @internal The hooks one session runs, by stage, in registration order. */
export class HookRegistry {
  readonly #hooks = new Map<HookStage, AnyHook[]>();

  constructor(...sets: (ComplianceHooks | undefined)[]) {
    for (const set of sets) {
      if (!set) continue;
      for (const [name, v] of Object.entries(set)) {
        for (const fn of Array.isArray(v) ? v : v ? [v] : [])
          this.register(name as ComplianceHookName, fn);
      }
    }
  }

  register<K extends ComplianceHookName>(name: K, fn: ComplianceHookMap[K]): void {
    const alias = Object.hasOwn(ALIASES, name) ? ALIASES[name] : undefined;
    if (!alias && !STAGE.test(name)) throw misuse('unknown compliance hook name');
    if (typeof fn !== 'function')
      throw misuse('compliance hook must be a function', 'ERR_INVALID_ARG_TYPE');
    const stage = alias ?? (name as HookStage);
    const hook = alias ? aliased(name, fn as AnyHook, stage) : (fn as AnyHook);
    this.#hooks.set(stage, [...(this.#hooks.get(stage) ?? []), hook]);
  }

  has(stage: HookStage): boolean {
    return this.#hooks.has(stage);
  }

  /**
   * Runs request or parsed hooks in order; each may mutate the value or answer fields to merge
   * in. At `resource.request`, answered headers are added to the request's own (the token
   * attached before the hooks stays); elsewhere answered fields replace.
   */
  async request<P extends object>(stage: HookStage, value: P, context: HookContext): Promise<P> {
    for (const fn of this.#hooks.get(stage) ?? []) {
      const answered = (await fn(value as never, context)) as P | undefined;
      if (!answered || answered === value) continue;
      value =
        stage === 'resource.request' ? keepHeaders(value, answered) : { ...value, ...answered };
    }
    return value;
  }

  /** Runs response hooks in order, each answering the Response the next one sees. */
  async response(stage: HookStage, response: Response, context: HookContext): Promise<Response> {
    for (const fn of this.#hooks.get(stage) ?? []) {
      response = (await fn(response as never, context)) as Response;
    }
    return response;
  }
}
