/**
 * Hook builders the presets share: each is a fix for one kind of documented quirk, at the hook
 * stage where it belongs. Internal to `oauth2-session/providers` (the presets import them; the
 * entry does not export them).
 *
 * @module
 */

import type { EndpointParsedHook, EndpointResponseHook, ResourceRequestHook } from '../hooks.js';

/**
 * A URL option without its trailing slashes, so `${base}/path` has one.
 *
 * @example
 * ```ts
 * trimUrl('https://gitlab.example/'); // 'https://gitlab.example'
 * ```
 */
export const trimUrl = (url: string): string => url.replace(/\/+$/, '');

/**
 * A tenant's domain option as an origin: a bare host gets `https://`, a value with a scheme (an
 * emulator on loopback) stays as given; trailing slashes go.
 *
 * @example
 * ```ts
 * httpsOrigin('dev-123456.okta.com'); // 'https://dev-123456.okta.com'
 * ```
 */
export const httpsOrigin = (domain: string): string =>
  trimUrl(/^[a-z][a-z0-9+.-]*:\/\//i.test(domain) ? domain : `https://${domain}`);

/**
 * A request hook that sets a header the provider requires when the caller has not set it; for
 * `token.request`, `revocation.request` and `resource.request` alike.
 *
 * @example
 * ```ts
 * hooks: { 'token.request': headerUnlessSet('user-agent', 'web:app:1.0 (by /u/me)') }
 * ```
 */
export function headerUnlessSet(name: string, value: string) {
  return ({ headers }: { headers: Headers }): void => {
    if (!headers.has(name)) headers.set(name, value);
  };
}

/**
 * A `resource.request` hook that runs `hook` only for requests to the provider's own API (URLs
 * under `origin`), so its headers never reach another host.
 *
 * @example
 * ```ts
 * 'resource.request': toApi('https://api.twitch.tv', ({ headers }) => headers.set('client-id', id))
 * ```
 */
export function toApi(origin: string, hook: ResourceRequestHook): ResourceRequestHook {
  const prefix = `${trimUrl(origin)}/`;
  return (request, context) =>
    request.url.startsWith(prefix) ? hook(request, context) : undefined;
}

/**
 * A `*.parsed` hook that renames provider error codes to their RFC 6749 equivalents, so that the
 * core raises the matching typed error (`invalid_grant` is an `InvalidGrantError`).
 *
 * @example
 * ```ts
 * 'token.parsed': renameErrors({ invalid_code: 'invalid_grant' })
 * ```
 */
export function renameErrors(table: Readonly<Record<string, string>>): EndpointParsedHook {
  return (fields) => {
    const error = fields['error'];
    if (typeof error === 'string' && Object.hasOwn(table, error)) fields['error'] = table[error];
  };
}

/**
 * A `revocation.response` hook for a provider that answers "this token is already invalid" with
 * an error: RFC 7009 section 2.2 makes that a success, so the answer becomes a 204 when `gone`
 * says the body means it (the body is read from a clone, within the call's deadline).
 *
 * @example
 * ```ts
 * 'revocation.response': alreadyRevoked(401, (body) => body.includes('invalid_access_token'))
 * ```
 */
export function alreadyRevoked(
  status: number,
  gone: (body: string) => boolean = () => true,
): EndpointResponseHook {
  return async (response) => {
    if (response.status !== status) return response;
    const body = await response
      .clone()
      .text()
      .catch(() => '');
    if (!gone(body)) return response;
    void response.body?.cancel().catch(() => {});
    return new Response(null, { status: 204 });
  };
}
