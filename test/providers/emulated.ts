/**
 * What the provider test files share: the contract's client as every emulator registers it,
 * and a {@link PresetEmulator} made of an emulator, its preset and its signed-in user.
 */
import type { ProviderPreset } from 'oauth2-session/providers';
import type { EmulatedClient, Emulator } from '../harness/emulators/toolkit.js';
import { followAuthorization } from '../harness/emulators/toolkit.js';
import type { PresetEmulator } from './preset-contract.js';

/** The client the contract signs in with, registered at every emulator. */
export const CLIENT = {
  clientId: 'contract-app',
  clientSecret: 'contract-app-secret',
  redirectUri: 'http://127.0.0.1:5999/callback',
} as const;

/** {@link CLIENT} as an emulator registers it. */
export const REGISTERED: EmulatedClient = {
  clientId: CLIENT.clientId,
  clientSecret: CLIENT.clientSecret,
  redirectUris: [CLIENT.redirectUri],
};

/** A running emulator as the contract takes it; the browser approves at once. */
export function contractEmulator<E extends { http: Emulator }>(
  emulator: E,
  preset: ProviderPreset,
  user: Record<string, unknown>,
): PresetEmulator & E {
  return {
    ...emulator,
    preset,
    client: CLIENT,
    approve: followAuthorization,
    user,
    close: () => emulator.http.close(),
  };
}
