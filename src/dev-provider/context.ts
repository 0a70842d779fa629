import type { IncomingMessage } from 'node:http';
import type { ClientRegistry } from './clients.js';
import type { OidcConfig } from './oidc.js';
import type { GrantStore } from './store.js';
import type { DevClient, DevCounts, DevOidcEndpoint, DevUser } from './types.js';

/** What every endpoint handler shares: the registry, the store, the users and the counters. */
export interface ProviderContext {
  readonly clients: ClientRegistry;
  readonly store: GrantStore;
  readonly users: readonly DevUser[];
  readonly counts: DevCounts;
  readonly autoApprove: boolean;
  readonly grantScopes: (requested: readonly string[], client: DevClient) => string[];
  readonly clock: () => number;
  /** Set in OIDC mode only; every OIDC behaviour hangs off it. */
  readonly oidc: OidcConfig | undefined;
  /** Base of the URLs in `/user` answers and the OIDC issuer; set once the server listens. */
  origin: string;
}

/**
 * Scopes as a list: GitHub takes them space- or comma-separated; duplicates and empty entries
 * are dropped, order is kept.
 */
export function normalizeScopes(raw: string | null | undefined): string[] {
  return [...new Set((raw ?? '').split(/[\s,]+/).filter((s) => s !== ''))];
}

/** Whether a grant is an OpenID Connect one (OpenID Connect Core 1.0 section 3.1.2.1). */
export function grantsOpenid(scopes: readonly string[]): boolean {
  return scopes.includes('openid');
}

/** The origin the provider's own URLs are built on: the configured one, else the request's Host. */
export function publicOrigin(ctx: ProviderContext, req: IncomingMessage): string {
  return ctx.origin || `http://${req.headers.host ?? 'localhost'}`;
}

/** The user a grant names. */
export function userOf(ctx: ProviderContext, login: string): DevUser | undefined {
  return ctx.users.find((u) => u.login === login);
}

/** Counts a request to an OIDC endpoint (whose counter exists in OIDC mode only). */
export function countOidc(ctx: ProviderContext, endpoint: DevOidcEndpoint): void {
  ctx.counts[endpoint] = (ctx.counts[endpoint] ?? 0) + 1;
}
