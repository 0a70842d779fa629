/**
 * The Patreon preset against an emulation of Patreon's documented OAuth and API v2: the secret
 * as a parameter, rotating refresh tokens, and an identity endpoint that answers only the
 * `fields[user]` asked for.
 */
import { OAuth2Session } from 'oauth2-session';
import { patreon, patreonProvider, userRequest } from 'oauth2-session/providers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PATREON_USER, startPatreon } from '../harness/emulators/patreon.js';
import { CLIENT, contractEmulator, REGISTERED } from './emulated.js';
import { presetContract } from './preset-contract.js';

async function start() {
  const emulator = await startPatreon([REGISTERED]);
  const preset = patreonProvider({ baseUrl: emulator.http.origin });
  return contractEmulator(emulator, preset, {
    data: {
      id: PATREON_USER.id,
      attributes: {
        email: PATREON_USER.attributes.email,
        full_name: PATREON_USER.attributes.full_name,
      },
    },
  });
}

presetContract('patreon', { preset: patreon, refresh: true, pkce: false, start });

describe('patreonProvider: what the contract does not see', () => {
  let emulator: Awaited<ReturnType<typeof start>>;
  beforeEach(async () => {
    emulator = await start();
  });
  afterEach(() => emulator.close());

  async function signIn() {
    const session = (extra: Record<string, unknown> = {}) =>
      new OAuth2Session({ ...CLIENT, provider: emulator.preset, ...extra });
    const { url, state, codeVerifier } = await session().authorizationUrl();
    const s = session({ state, codeVerifier });
    await s.fetchToken({ authorizationResponse: await emulator.approve(url) });
    return s;
  }

  it('fetchToken(): client_id and client_secret as parameters, not Basic', async () => {
    await signIn();
    const sent = emulator.http.requests.token[0]!;
    expect(sent.form.get('client_secret')).toBe(CLIENT.clientSecret);
    expect(sent.headers.has('authorization')).toBe(false);
  });

  it('userRequest(patreon): fields[user] asked for; without them API v2 answers no attributes', async () => {
    const s = await signIn();
    const [url] = userRequest(emulator.preset);
    expect(new URL(url).searchParams.get('fields[user]')).toContain('full_name');
    const bare = await (await s.get(`${emulator.http.origin}/api/oauth2/v2/identity`)).json();
    expect(bare.data.attributes).toEqual({});
    const few = patreonProvider({ baseUrl: emulator.http.origin, userFields: ['vanity'] });
    const { data } = await (await s.fetch(...userRequest(few))).json();
    expect(data.attributes).toEqual({ vanity: PATREON_USER.attributes.vanity });
  });
});
