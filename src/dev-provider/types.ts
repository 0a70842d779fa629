/**
 * Public types of the GitHub-compatible development authorization server.
 *
 * @module
 */

/** A registered OAuth app (GitHub: Settings > Developer settings > OAuth Apps). */
export interface DevClient {
  /** The public client identifier. */
  clientId: string;
  /** The client secret; compared in constant time, never logged. */
  clientSecret: string;
  /**
   * Registered callback URLs. The first is the app's "Authorization callback URL", used when an
   * authorize request carries no `redirect_uri`. An empty list accepts any loopback `http` URL
   * (RFC 8252 section 7.3), which keeps the default client usable by local apps.
   */
  redirectUris: string[];
  /** The app name shown on the consent page (default: the client id). */
  name?: string | undefined;
  /**
   * Where OIDC RP-Initiated Logout may send the browser back (`post_logout_redirect_uri`),
   * compared as exact strings. Nothing is allowed unless listed: unlike the callbacks, no
   * loopback rule and no origin of a redirect URI is assumed.
   */
  postLogoutRedirectUris?: string[] | undefined;
}

/** A user who can sign in at the consent page; the fields of GitHub's `GET /user`. */
export interface DevUser {
  login: string;
  id: number;
  name: string;
  email?: string | null | undefined;
  avatar_url?: string | undefined;
  /** Any other `/user` field (`company`, `bio`, ...) is answered as given. */
  [field: string]: unknown;
}

/** The endpoints whose requests {@link DevProvider.counts} counts. */
export type DevEndpoint = 'authorize' | 'consent' | 'token' | 'refresh' | 'user' | 'revoke';

/** The endpoints added by OIDC mode ({@link DevProviderOptions.oidc}), counted there only. */
export type DevOidcEndpoint = 'discovery' | 'jwks' | 'userinfo' | 'end_session';

/**
 * Requests per endpoint. The OIDC endpoints' keys exist only in OIDC mode, so the counts of a
 * provider without it are exactly the GitHub-shaped ones. `revoke` counts both revocation
 * endpoints.
 */
export type DevCounts = Record<DevEndpoint, number> & Partial<Record<DevOidcEndpoint, number>>;

/** The signature algorithms OIDC mode signs ID tokens with (EdDSA on Ed25519). */
export type DevIdTokenAlg = 'RS256' | 'ES256' | 'EdDSA';

/** Options of {@link startDevProvider}; every one is optional. */
export interface DevProviderOptions {
  /** TCP port; 0 picks a free one. Default 0. */
  port?: number | undefined;
  /** Interface to listen on. Default `'127.0.0.1'`. */
  host?: string | undefined;
  /** Skip the consent page: `GET /login/oauth/authorize` redirects at once with a code for the
   * user named by the `login` parameter, or the first user. For benchmarks and tests. */
  autoApprove?: boolean | undefined;
  /** GitHub App style expiring user tokens: `ghu_` access tokens with `expires_in`, single-use
   * `ghr_` refresh tokens with `refresh_token_expires_in`. Default false (`gho_`, no expiry). */
  expiringTokens?: boolean | undefined;
  /** Access token lifetime in seconds in expiring mode. Default 28800 (8 hours). */
  accessTokenTtlSeconds?: number | undefined;
  /** Refresh token lifetime in seconds in expiring mode. Default 15897600 (184 days). */
  refreshTokenTtlSeconds?: number | undefined;
  /** Registered apps. Default: `dev-client-id` / `dev-client-secret`, no callback registered. */
  clients?: DevClient[] | undefined;
  /** Users offered on the consent page. Default: octocat, hubot, monalisa. */
  users?: DevUser[] | undefined;
  /** Current time in milliseconds since the epoch. Default `Date.now`. */
  clock?: (() => number) | undefined;
  /** Scopes granted for the requested ones (normalized, deduplicated). Default: grant as asked.
   * Lets a test make the granted set differ from the asked one, as GitHub may. */
  grantScopes?: ((requested: readonly string[], client: DevClient) => string[]) | undefined;
  /**
   * OpenID Connect mode: a discovery document, a JWKS, ID tokens for the `openid` scope,
   * `/userinfo`, RP-Initiated Logout, RFC 7009 revocation and `iss` on the callback (RFC 9207).
   * The GitHub-shaped endpoints answer as without it. Default false.
   */
  oidc?: boolean | undefined;
  /** The ID token signature algorithm in OIDC mode; a fresh key is made at start. Default RS256. */
  idTokenAlg?: DevIdTokenAlg | undefined;
  /** ID token lifetime in seconds in OIDC mode. Default 3600. */
  idTokenTtlSeconds?: number | undefined;
}

/** Where the OIDC endpoints of a {@link DevProvider} are (OIDC mode only). */
export interface DevOidcUrls {
  /** The issuer: the provider's origin, no trailing slash. */
  readonly issuer: string;
  /** `issuer + /.well-known/openid-configuration`. */
  readonly discoveryUrl: string;
  /** `issuer + /.well-known/jwks.json`. */
  readonly jwksUrl: string;
  /** `issuer + /userinfo`. */
  readonly userinfoUrl: string;
  /** `issuer + /logout` (RP-Initiated Logout). */
  readonly endSessionUrl: string;
  /** `issuer + /oauth/revoke` (RFC 7009). */
  readonly revocationUrl: string;
}

/** A running development provider. */
export interface DevProvider {
  /** `http://host:port` of the listening server. */
  readonly origin: string;
  /** `origin + /login/oauth/authorize`. */
  readonly authorizeUrl: string;
  /** `origin + /login/oauth/access_token`. */
  readonly tokenUrl: string;
  /** `origin + /user` (GitHub serves it from api.github.com; here the same origin). */
  readonly userUrl: string;
  /** `origin + /applications/{client_id}/token` for a client id. */
  revokeUrl(clientId: string): string;
  /**
   * Requests per endpoint, live. `token` counts token endpoint requests other than refreshes,
   * `refresh` those with `grant_type=refresh_token`, `consent` the consent form posts.
   */
  readonly counts: DevCounts;
  /** The OIDC endpoints; set in OIDC mode only. */
  readonly oidc?: DevOidcUrls | undefined;
  /** Adds (or replaces, by client id) a registered app. */
  registerClient(client: DevClient): void;
  /** Revokes every code and token issued so far. */
  revokeAll(): void;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}
