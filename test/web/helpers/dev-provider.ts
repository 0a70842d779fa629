/** One dev provider for a test file, with the app's client registered on it. */
import {
  type DevProvider,
  type DevProviderOptions,
  startDevProvider,
} from 'oauth2-session/dev-provider';
import { afterAll, beforeAll } from 'vitest';

/** The running provider (set once the file's `beforeAll` ran). */
export interface SharedDevProvider {
  readonly provider: DevProvider;
}

/**
 * Starts the dev provider (auto-approving) in `beforeAll` with `client` registered for
 * `appOrigin + '/callback'`, and closes it in `afterAll`.
 */
export function sharedDevProvider(
  client: { clientId: string; clientSecret: string },
  appOrigin: string,
  options: Omit<DevProviderOptions, 'clients'> = {},
): SharedDevProvider {
  let running: DevProvider | undefined;
  beforeAll(async () => {
    running = await startDevProvider({
      autoApprove: true,
      ...options,
      clients: [{ ...client, redirectUris: [`${appOrigin}/callback`] }],
    });
  });
  afterAll(async () => {
    await running?.close();
  });
  return {
    get provider() {
      if (!running) throw new Error('sharedDevProvider: the provider starts in beforeAll');
      return running;
    },
  };
}
