/**
 * `OAUTH_PROVIDER=<id>`: the example app's provider as one of the library's presets, made by its
 * factory so that everything the preset derives from its hosts (revocation and refresh
 * endpoints, the API origin its headers are limited to) follows the configured URLs, then the
 * `OAUTH_*_URL` overrides laid over it exactly as written.
 *
 * `OAUTH_ISSUER` names the tenant, domain or realm of the presets that take one:
 *
 * | preset | `OAUTH_ISSUER` |
 * |---|---|
 * | `microsoft` | the tenant (`common`, `organizations`, `consumers`, a directory id), or its issuer URL `https://login.microsoftonline.com/{tenant}/v2.0`; default `common` |
 * | `okta` | the org's domain, or a custom authorization server's issuer `https://{domain}/oauth2/{id}` (required) |
 * | `auth0` | the tenant's domain (`acme.us.auth0.com`) or its URL (required) |
 * | `keycloak` | the realm's issuer `https://{host}/realms/{realm}` (required) |
 * | `cognito` | the user pool's issuer `https://cognito-idp.{region}.amazonaws.com/{poolId}` (required, with `OAUTH_AUTHORIZE_URL` on the pool's domain) |
 * | `salesforce` | the login URL (`https://login.salesforce.com`, `https://test.salesforce.com`, a My Domain) |
 * | `apple` | the identity service's URL, the ID tokens' issuer and the base of `/auth/authorize`, `/auth/token`, `/auth/revoke` and `/auth/keys`; default `https://appleid.apple.com` (a loopback emulator's origin in tests) |
 */
import {
  appleProvider,
  atlassianProvider,
  auth0Provider,
  bitbucketProvider,
  boxProvider,
  cognitoProvider,
  definePreset,
  discordProvider,
  dropboxProvider,
  facebookProvider,
  figmaProvider,
  fitbitProvider,
  githubProvider,
  gitlabProvider,
  googleProvider,
  keycloakProvider,
  linearProvider,
  linkedinProvider,
  mailchimpProvider,
  microsoftProvider,
  notionProvider,
  oktaProvider,
  type ProviderPreset,
  patreonProvider,
  redditProvider,
  salesforceProvider,
  slackProvider,
  spotifyProvider,
  stravaProvider,
  twitchProvider,
  twitterProvider,
  yahooProvider,
  zoomProvider,
} from 'oauth2-session/providers';

/** Where the configured provider lives, as the environment names it. */
export interface PresetPlace {
  /** `OAUTH_AUTHORIZE_URL`, `OAUTH_TOKEN_URL`, `OAUTH_USER_URL` as set. */
  readonly authorizeUrl?: string | undefined;
  readonly tokenUrl?: string | undefined;
  readonly userUrl?: string | undefined;
  /** `OAUTH_ISSUER`: the tenant, domain or realm. */
  readonly tenant?: string | undefined;
  /** Sent where the provider asks for a User-Agent of the app's own. */
  readonly userAgent: string;
}

/** The hosts a factory takes, from the place: the authorization page's, and the API's. */
interface Hosts {
  base: string | undefined;
  api: string | undefined;
  tenant: string | undefined;
  place: PresetPlace;
}

const originOf = (url: string | undefined) => (url ? new URL(url).origin : undefined);

/** A start-up error naming what the preset needs (one line, no secret). */
function needs(id: string, what: string): TypeError {
  return Object.assign(new TypeError(`OAUTH_PROVIDER=${id} needs ${what}`), {
    code: 'ERR_PROVIDER_OPTION',
  });
}

/** `OAUTH_ISSUER` read as a URL when it is one. */
function issuerUrl(tenant: string | undefined): URL | undefined {
  return tenant && /^https?:\/\//i.test(tenant) ? new URL(tenant) : undefined;
}

/** `OAUTH_ISSUER` as an origin: a URL's own, or a bare host's over https (`acme.us.auth0.com`). */
function hostUrl(tenant: string | undefined): string | undefined {
  if (!tenant) return undefined;
  return issuerUrl(tenant)?.origin ?? `https://${tenant}`;
}

/** The path segments of a URL, without empty ones. */
const segments = (url: URL) => url.pathname.split('/').filter(Boolean).map(decodeURIComponent);

function microsoft({ base, api, tenant }: Hosts): ProviderPreset {
  const url = issuerUrl(tenant);
  if (!url) return microsoftProvider({ baseUrl: base, graphUrl: api, tenant });
  return microsoftProvider({ baseUrl: url.origin, graphUrl: api, tenant: segments(url)[0] });
}

function okta({ tenant }: Hosts): ProviderPreset {
  if (!tenant)
    throw needs('okta', "OAUTH_ISSUER (the org's domain or an authorization server's issuer)");
  const url = issuerUrl(tenant);
  const path = url ? segments(url) : [];
  const serverId = path[0] === 'oauth2' ? path[1] : undefined;
  return oktaProvider({ domain: url?.origin ?? tenant, authorizationServerId: serverId });
}

function keycloak({ tenant }: Hosts): ProviderPreset {
  const url = issuerUrl(tenant);
  const path = url ? segments(url) : [];
  const at = path.lastIndexOf('realms');
  if (!url || at < 0 || !path[at + 1])
    throw needs('keycloak', "OAUTH_ISSUER (the realm's issuer, https://{host}/realms/{realm})");
  const prefix = path
    .slice(0, at)
    .map((s) => `/${encodeURIComponent(s)}`)
    .join('');
  return keycloakProvider({ baseUrl: `${url.origin}${prefix}`, realm: path[at + 1]! });
}

function cognito({ base, tenant }: Hosts): ProviderPreset {
  const url = issuerUrl(tenant);
  const poolId = url ? segments(url)[0] : undefined;
  if (!url || !poolId)
    throw needs(
      'cognito',
      "OAUTH_ISSUER (the user pool's issuer, https://cognito-idp.{region}.amazonaws.com/{poolId})",
    );
  if (!base) throw needs('cognito', "OAUTH_AUTHORIZE_URL (on the user pool's domain)");
  const region = /^cognito-idp\.([^.]+)\./.exec(url.hostname)?.[1] ?? poolId.split('_')[0]!;
  return cognitoProvider({ domain: base, region, userPoolId: poolId, idpUrl: url.origin });
}

/** Each preset id and how its factory is fed from the environment. */
const FACTORIES: Readonly<Record<string, (hosts: Hosts) => ProviderPreset>> = Object.freeze({
  // Sign in with Apple: its identity service's URL is the issuer and the base of its endpoints;
  // the app signs in as an OpenID Connect relying party (./provider.ts), OAUTH_CLIENT_SECRET
  // being the client secret JWT.
  apple: ({ base, tenant }) => appleProvider({ baseUrl: issuerUrl(tenant)?.origin ?? base }),
  atlassian: ({ base, api }) => atlassianProvider({ authUrl: base, apiUrl: api }),
  auth0: ({ tenant }) => {
    if (!tenant) throw needs('auth0', "OAUTH_ISSUER (the tenant's domain)");
    return auth0Provider({ domain: hostUrl(tenant)! });
  },
  bitbucket: ({ base, api }) => bitbucketProvider({ baseUrl: base, apiUrl: api }),
  box: ({ base, api }) => boxProvider({ baseUrl: base, apiUrl: api }),
  cognito,
  discord: ({ base }) => discordProvider({ baseUrl: base }),
  dropbox: ({ base, api }) => dropboxProvider({ baseUrl: base, apiUrl: api }),
  facebook: ({ base, api }) => facebookProvider({ baseUrl: base, graphUrl: api }),
  figma: ({ base, api }) => figmaProvider({ baseUrl: base, apiUrl: api }),
  fitbit: ({ base, api }) => fitbitProvider({ baseUrl: base, apiUrl: api }),
  // GitHub Enterprise Server's API is under a path (`/api/v3`): the user URL without `/user`.
  github: ({ base, place }) =>
    githubProvider({
      baseUrl: base,
      apiUrl: place.userUrl?.replace(/\/user\/?$/, ''),
      userAgent: place.userAgent,
    }),
  gitlab: ({ base }) => gitlabProvider({ baseUrl: base }),
  google: ({ base }) => googleProvider({ baseUrl: base }),
  keycloak,
  linear: ({ base, api }) => linearProvider({ baseUrl: base, apiUrl: api }),
  linkedin: ({ base, api }) => linkedinProvider({ baseUrl: base, apiUrl: api }),
  mailchimp: ({ base }) => mailchimpProvider({ baseUrl: base }),
  microsoft,
  notion: ({ base }) => notionProvider({ baseUrl: base }),
  okta,
  patreon: ({ base }) => patreonProvider({ baseUrl: base }),
  reddit: ({ base, api }) => redditProvider({ baseUrl: base, apiUrl: api }),
  salesforce: ({ base, tenant }) => salesforceProvider({ loginUrl: hostUrl(tenant) ?? base }),
  slack: ({ base }) => slackProvider({ baseUrl: base }),
  spotify: ({ base, api }) => spotifyProvider({ baseUrl: base, apiUrl: api }),
  strava: ({ base }) => stravaProvider({ baseUrl: base }),
  twitch: ({ base, api }) => twitchProvider({ baseUrl: base, apiUrl: api }),
  twitter: ({ base, api }) => twitterProvider({ baseUrl: base, apiUrl: api }),
  yahoo: ({ base }) => yahooProvider({ baseUrl: base }),
  zoom: ({ base, api }) => zoomProvider({ baseUrl: base, apiUrl: api }),
});

/** The preset ids `OAUTH_PROVIDER` takes, sorted. */
export const PRESET_IDS: readonly string[] = Object.freeze(Object.keys(FACTORIES).sort());

/** Whether `id` names a preset. */
export const isPresetId = (id: string): boolean => Object.hasOwn(FACTORIES, id);

/**
 * The preset `id` for the place the environment names: the factory fed with the hosts of the
 * configured URLs and the tenant, then each configured URL laid over its endpoint.
 *
 * @throws TypeError `ERR_PROVIDER_OPTION` when the preset needs a tenant or URL not given
 */
export function presetById(id: string, place: PresetPlace): ProviderPreset {
  const factory = FACTORIES[id];
  if (!factory) throw new TypeError(`unknown preset ${id}`);
  const made = factory({
    base: originOf(place.authorizeUrl),
    api: originOf(place.userUrl ?? place.tokenUrl),
    tenant: place.tenant,
    place,
  });
  return withUrls(made, place);
}

/** The preset with each configured URL in place of the one it derived. */
function withUrls(preset: ProviderPreset, place: PresetPlace): ProviderPreset {
  const { authorizeUrl, tokenUrl, userUrl } = place;
  if (!authorizeUrl && !tokenUrl && !userUrl) return preset;
  return definePreset({
    ...preset,
    server: {
      ...preset.server,
      ...(authorizeUrl ? { authorization_endpoint: authorizeUrl } : {}),
      ...(tokenUrl ? { token_endpoint: tokenUrl } : {}),
    },
    user: preset.user && userUrl ? { ...preset.user, url: userUrl } : preset.user,
  });
}
