/**
 * A consumer of `oauth2-session`: the README's core flow, a maybe-value passed for each optional
 * option (what `exactOptionalPropertyTypes` must accept), typed errors told apart.
 */
import {
  AccessDeniedError,
  type AuthorizationServer,
  clientSecretPost,
  MismatchingStateError,
  OAuth2Error,
  type OAuth2ErrorCode,
  OAuth2Session,
  type OAuth2SessionOptions,
  readBounded,
  type Token,
} from 'oauth2-session';

const server: AuthorizationServer = {
  issuer: 'https://login.example.com',
  authorization_endpoint: 'https://login.example.com/authorize',
  token_endpoint: 'https://login.example.com/token',
  revocation_endpoint: 'https://login.example.com/revoke',
};

/** The options an app builds from its configuration: any of them may be unset. */
export function clientOptions(env: Record<string, string | undefined>): OAuth2SessionOptions {
  return {
    clientId: env['OAUTH_CLIENT_ID'] ?? 'client',
    clientSecret: env['OAUTH_CLIENT_SECRET'],
    redirectUri: env['OAUTH_REDIRECT_URI'],
    scope: env['OAUTH_SCOPE'],
    timeoutMs: undefined,
    server,
  };
}

/** Step 1: where to send the user, and what to keep for the callback. */
export async function startLogin(options: OAuth2SessionOptions) {
  const { url, state, codeVerifier } = await new OAuth2Session(options).authorizationUrl();
  return { url, state, codeVerifier };
}

/** Step 3: the callback, with state and verifier restored (the verifier may be unset). */
export async function finishLogin(
  options: OAuth2SessionOptions,
  saved: { state: string; codeVerifier: string | undefined },
  requestUrl: string,
): Promise<Token | OAuth2ErrorCode | 'denied' | 'forged'> {
  const callback = new OAuth2Session({ ...options, ...saved });
  try {
    return await callback.fetchToken({ authorizationResponse: requestUrl });
  } catch (error) {
    if (error instanceof MismatchingStateError) return 'forged';
    if (error instanceof AccessDeniedError) return 'denied';
    if (error instanceof OAuth2Error) return error.code;
    throw error;
  }
}

/** Later: an API call with a stored token, refreshed before expiry, answers read with a bound. */
export async function apiCall(options: OAuth2SessionOptions, token: Token, secret: string) {
  const api = new OAuth2Session({
    ...options,
    token,
    clientAuth: clientSecretPost(secret),
    onToken: (next: Token) => void next.access_token,
  });
  const response = await api.get('https://api.example.com/me');
  return JSON.parse(await readBounded(response, 1_000_000)) as unknown;
}
