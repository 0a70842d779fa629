/**
 * Compliance hooks: named points where provider quirks are fixed up (requests-oauthlib's
 * `compliance_fixes`, typed). Request hooks see mutable parts and may also answer replacements;
 * response hooks see the raw Response and answer the one to use.
 *
 * @module
 */

import { misuse } from './errors.js';

/** A token request before it is sent: mutate it in place or answer a replacement. */
export interface TokenRequestParts {
  url: URL;
  headers: Headers;
  body: URLSearchParams;
}

/** A protected-resource request before it is sent. */
export interface ProtectedRequestParts {
  url: string;
  headers: Headers;
}

type Awaitable<T> = T | Promise<T>;
/** What a request hook answers: replacement parts, or nothing after mutating in place. */
// biome-ignore lint/suspicious/noConfusingVoidType: a hook that mutates in place returns nothing
type MaybeParts<P> = Awaitable<P | void>;

/** Hook that adjusts a token request. */
export type TokenRequestHook = (request: TokenRequestParts) => MaybeParts<TokenRequestParts>;
/** Hook that adjusts a token response before it is read. */
export type TokenResponseHook = (response: Response) => Awaitable<Response>;
/** Hook that adjusts an authenticated request (headers, url) before it is sent. */
export type ProtectedRequestHook = (
  request: ProtectedRequestParts,
) => MaybeParts<ProtectedRequestParts>;

/** Every hook point and its function type. */
export interface ComplianceHookMap {
  accessTokenRequest: TokenRequestHook;
  accessTokenResponse: TokenResponseHook;
  refreshTokenRequest: TokenRequestHook;
  refreshTokenResponse: TokenResponseHook;
  protectedRequest: ProtectedRequestHook;
}

/** The name of a hook point. */
export type ComplianceHookName = keyof ComplianceHookMap;

/** Hooks as given in options: one function or a list per point, run in order. */
export type ComplianceHooks = {
  [K in ComplianceHookName]?: ComplianceHookMap[K] | readonly ComplianceHookMap[K][];
};

const NAMES: readonly ComplianceHookName[] = [
  'accessTokenRequest',
  'accessTokenResponse',
  'refreshTokenRequest',
  'refreshTokenResponse',
  'protectedRequest',
];

/** @internal The hooks one session runs. */
export class HookRegistry {
  readonly #hooks = new Map<ComplianceHookName, unknown[]>();

  constructor(...sets: (ComplianceHooks | undefined)[]) {
    for (const set of sets) {
      for (const name of NAMES) {
        const v = set?.[name];
        for (const fn of Array.isArray(v) ? v : v ? [v] : []) this.register(name, fn);
      }
    }
  }

  register<K extends ComplianceHookName>(name: K, fn: ComplianceHookMap[K]): void {
    if (!NAMES.includes(name)) throw misuse('unknown compliance hook name');
    if (typeof fn !== 'function')
      throw misuse('compliance hook must be a function', 'ERR_INVALID_ARG_TYPE');
    this.#hooks.set(name, [...(this.#hooks.get(name) ?? []), fn]);
  }

  has(name: ComplianceHookName): boolean {
    return this.#hooks.has(name);
  }

  /** Runs request hooks in order; each may mutate the parts or answer new ones. */
  async request<P>(name: ComplianceHookName, parts: P): Promise<P> {
    for (const fn of (this.#hooks.get(name) ?? []) as ((p: P) => MaybeParts<P>)[]) {
      parts = (await fn(parts)) ?? parts;
    }
    return parts;
  }

  /** Runs response hooks in order, each answering the Response the next one sees. */
  async response(name: ComplianceHookName, response: Response): Promise<Response> {
    for (const fn of (this.#hooks.get(name) ?? []) as TokenResponseHook[]) {
      response = await fn(response);
    }
    return response;
  }
}
