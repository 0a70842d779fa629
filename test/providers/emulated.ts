/**
 * What the provider test files share: the contract's client as every emulator registers it, a
 * {@link PresetEmulator} made of an emulator, its preset and its signed-in user, and a fresh
 * emulator per test with sessions on it ({@link eachEmulator}).
 */
import { OAuth2Session } from 'oauth2-session';
import type { ProviderPreset } from 'oauth2-session/providers';
import { afterEach, beforeEach } from 'vitest';
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

/** What {@link eachEmulator} gives the tests of a `describe`. */
export interface EachEmulator<E extends PresetEmulator> {
  /** This test's emulator: started before it, closed after it. */
  readonly emulator: E;
  /** A session of {@link CLIENT} on the emulated preset, with `extra` options. */
  session(extra?: Record<string, unknown>): OAuth2Session;
  /** Authorization URL, approval and code exchange with `extra` options: the signed-in session. */
  signIn(extra?: Record<string, unknown>): Promise<OAuth2Session>;
  /** {@link signIn}, also answering the authorization URL and the callback URL. */
  signInFlow(
    extra?: Record<string, unknown>,
  ): Promise<{ s: OAuth2Session; url: string; callback: string }>;
}

/**
 * A fresh emulator from `start` for each test of the calling `describe`, and the sessions the
 * tests sign in with.
 *
 * @example
 * ```ts
 * describe('gitlabProvider: what the contract does not see', () => {
 *   const t = eachEmulator(start);
 *   it('...', async () => {
 *     const s = await t.signIn();
 *     expect(t.emulator.http.counts.token).toBe(1);
 *   });
 * });
 * ```
 */
export function eachEmulator<E extends PresetEmulator>(start: () => Promise<E>): EachEmulator<E> {
  let current: E | undefined;
  beforeEach(async () => {
    current = await start();
  });
  afterEach(() => current?.close());
  const running = (): E => {
    if (!current) throw new Error('eachEmulator: no emulator outside a test');
    return current;
  };
  const session = (extra: Record<string, unknown> = {}) =>
    new OAuth2Session({ ...CLIENT, provider: running().preset, ...extra });
  const signInFlow = async (extra: Record<string, unknown> = {}) => {
    const { url, state, codeVerifier } = await session(extra).authorizationUrl();
    const callback = await running().approve(url);
    const s = session({ ...extra, state, codeVerifier });
    await s.fetchToken({ authorizationResponse: callback });
    return { s, url, callback };
  };
  return {
    get emulator() {
      return running();
    },
    session,
    signIn: async (extra) => (await signInFlow(extra)).s,
    signInFlow,
  };
}
