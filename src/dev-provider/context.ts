import type { ClientRegistry } from './clients.js';
import type { GrantStore } from './store.js';
import type { DevClient, DevEndpoint, DevUser } from './types.js';

/** What every endpoint handler shares: the registry, the store, the users and the counters. */
export interface ProviderContext {
  readonly clients: ClientRegistry;
  readonly store: GrantStore;
  readonly users: readonly DevUser[];
  readonly counts: Record<DevEndpoint, number>;
  readonly autoApprove: boolean;
  readonly grantScopes: (requested: readonly string[], client: DevClient) => string[];
  /** Base of the URLs in `/user` answers; set once the server listens. */
  origin: string;
}

/**
 * Scopes as a list: GitHub takes them space- or comma-separated; duplicates and empty entries
 * are dropped, order is kept.
 */
export function normalizeScopes(raw: string | null | undefined): string[] {
  return [...new Set((raw ?? '').split(/[\s,]+/).filter((s) => s !== ''))];
}
