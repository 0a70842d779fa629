/** A consumer of `oauth2-session/dev-provider`: a provider for a test, with its URLs. */
import { type DevProvider, startDevProvider } from 'oauth2-session/dev-provider';

/** A provider that approves at once, with OpenID Connect when asked for. */
export async function devProvider(oidc: boolean | undefined): Promise<DevProvider> {
  const provider = await startDevProvider({ autoApprove: true, expiringTokens: true, oidc });
  void [provider.authorizeUrl, provider.tokenUrl, provider.userUrl, provider.oidc?.issuer];
  return provider;
}
