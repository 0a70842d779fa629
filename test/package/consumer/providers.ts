/** A consumer of `oauth2-session/providers`: a preset into the core session, its user request. */
import { OAuth2Session } from 'oauth2-session';
import { githubProvider, google, type ProviderPreset, userRequest } from 'oauth2-session/providers';

/** GitHub (a preset made for another host) or Google, as configuration says. */
export function presetFor(name: string | undefined, baseUrl: string | undefined): ProviderPreset {
  return name === 'google' ? google : githubProvider({ baseUrl, apiUrl: baseUrl });
}

/** The signed-in user, read from the preset's user endpoint. */
export async function currentUser(clientId: string, preset: ProviderPreset, token: string) {
  const session = new OAuth2Session({ clientId, provider: preset });
  session.accessToken = token;
  const response = await session.fetch(...userRequest(preset));
  return (await response.json()) as Record<string, unknown>;
}
