/**
 * RFC 9207 against a real authorization server: node-oidc-provider advertises
 * `authorization_response_iss_parameter_supported` and sends `iss` in every authorization
 * response; a session configured with its issuer and `requireIssuer` accepts it, and refuses a
 * callback naming another issuer before any token request.
 */
import { MismatchingIssuerError, type OAuth2SessionOptions } from 'oauth2-session';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  clientSession,
  completeLogin,
  defaultClients,
  type OidcProviderHandle,
  startOidcProvider,
} from '../harness/oidc-provider.js';

let op: OidcProviderHandle;
let issuer: string;

beforeAll(async () => {
  op = await startOidcProvider();
  const metadata = (await (
    await fetch(new URL('.well-known/openid-configuration', `${op.issuer.replace(/\/$/, '')}/`))
  ).json()) as Record<string, unknown>;
  expect(metadata['authorization_response_iss_parameter_supported']).toBe(true);
  issuer = String(metadata['issuer']);
});
afterAll(async () => {
  await op?.close();
});
beforeEach(() => op.resetCounts());

const basic = defaultClients.find((c) => c.client_id === 'basic-client')!;
const sessionFor = (extra: Partial<OAuth2SessionOptions> = {}) =>
  clientSession(basic, { issuer, requireIssuer: true, ...extra });

async function authorize() {
  const { url, state, codeVerifier } = await sessionFor().authorizationUrl(op.authorizeUrl);
  return { callback: new URL(await completeLogin(url)), state, codeVerifier };
}

describe('node-oidc-provider sends iss (RFC 9207)', () => {
  it("the provider's iss is accepted with issuer and requireIssuer", async () => {
    const { callback, state, codeVerifier } = await authorize();
    expect(callback.searchParams.get('iss')).toBe(issuer);
    const token = await sessionFor({ state, codeVerifier }).fetchToken(op.tokenUrl, {
      authorizationResponse: callback,
    });
    expect(token.access_token).toBeTruthy();
    expect(op.counts['token']).toBe(1);
  });

  it('configured for another issuer, the same callback is refused with no token request', async () => {
    const { callback, state, codeVerifier } = await authorize();
    const other = sessionFor({ state, codeVerifier, issuer: `${issuer}/other` });
    await expect(
      other.fetchToken(op.tokenUrl, { authorizationResponse: callback }),
    ).rejects.toBeInstanceOf(MismatchingIssuerError);
    expect(op.counts['token'] ?? 0).toBe(0);
  });
});
