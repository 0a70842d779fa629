/**
 * The Microsoft identity platform (Entra ID) v2.0 endpoints and Microsoft Graph as their
 * documentation describes them: the authorization code flow
 * (https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow), OpenID
 * Connect (https://learn.microsoft.com/en-us/entra/identity-platform/v2-protocols-oidc), the
 * `offline_access` scope
 * (https://learn.microsoft.com/en-us/entra/identity-platform/scopes-oidc#offline_access), the
 * userinfo endpoint (https://learn.microsoft.com/en-us/entra/identity-platform/userinfo) and
 * Graph's Get user (https://learn.microsoft.com/en-us/graph/api/user-get).
 *
 * - every endpoint under `/{tenant}/`: `common`, `organizations`, the directory's GUID or its
 *   domain (the user is a work account of that directory); another tenant is an `AADSTS90002`
 *   page;
 * - `/oauth2/v2.0/authorize`: `client_id`, `response_type=code`, `redirect_uri` (registered),
 *   `scope` (space-separated), `state`, `nonce`, PKCE (`S256`, `plain`); the callback carries
 *   `code`, `state` and `session_state`;
 * - `/oauth2/v2.0/token`: the secret in the body or by Basic, a public client by PKCE alone;
 *   answers `token_type: "Bearer"`, `scope` (never `offline_access`), `expires_in`,
 *   `ext_expires_in`, an `id_token` for `openid`, and a `refresh_token` only when
 *   `offline_access` was granted; a refresh answers a new refresh token; errors are RFC 6749's
 *   with `AADSTS` text, `error_codes`, `timestamp`, `trace_id` and `correlation_id`;
 * - ID tokens RS256 from `https://login.microsoftonline.com/{tid}/v2.0` (the user's directory),
 *   keys at `/{tenant}/discovery/v2.0/keys`;
 * - Graph `/oidc/userinfo` and `/v1.0/me`: Bearer; a bad token is a 401
 *   `InvalidAuthenticationToken` whose `WWW-Authenticate` names no error.
 */
import { randomUUID } from 'node:crypto';
import {
  Authority,
  authenticateClient,
  authorize,
  type EmulatedClient,
  type EmulatorRequest,
  type Grant,
  idTokenSigner,
  json,
  route,
  startEmulator,
  text,
  tokenGrant,
} from './toolkit.js';

/** The directory the emulator's user belongs to. */
export const MICROSOFT_TENANT = {
  id: '4a7c2d9e-3b1f-4e8a-9c6d-2f5b8e1a7c3d',
  domain: 'contoso.onmicrosoft.com',
} as const;

/** The signed-in user, as Graph's `GET /v1.0/me` answers them. */
export const MICROSOFT_USER = {
  '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users/$entity',
  id: '87d349ed-44d7-43e1-9a83-5f2406dee5bd',
  displayName: 'Adele Vance',
  givenName: 'Adele',
  surname: 'Vance',
  mail: 'AdeleV@contoso.onmicrosoft.com',
  userPrincipalName: 'AdeleV@contoso.onmicrosoft.com',
  jobTitle: 'Retail Manager',
  preferredLanguage: 'en-US',
} as const;

/** The pairwise `sub` of the ID token and userinfo. */
const SUB = 'AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ';

/** Microsoft's error answer: RFC 6749's fields and its own. */
const aadError = (status: number, error: string, code: number, text: string) =>
  json(status, {
    error,
    error_description: `AADSTS${code}: ${text} Trace ID: ${randomUUID()}`,
    error_codes: [code],
    timestamp: new Date().toISOString().replace('T', ' ').slice(0, 19),
    trace_id: randomUUID(),
    correlation_id: randomUUID(),
    error_uri: `https://login.microsoftonline.com/error?code=${code}`,
  });

const BAD_CODE: Readonly<Record<string, [number, string]>> = {
  used_code: [
    54005,
    'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.',
  ],
  pkce_mismatch: [
    501481,
    'The Code_Verifier does not match the code_challenge supplied in the authorization request.',
  ],
  pkce_missing: [
    50148,
    'The code_verifier does not match the code_challenge supplied in the authorization request for PKCE.',
  ],
  redirect_mismatch: [
    50148,
    'The redirect URI does not match the one used in the authorization request.',
  ],
};

/**
 * Starts the Microsoft emulator on a free loopback port (the sign-in host and Graph on one
 * origin), with `clients` registered.
 *
 * @example
 * ```ts
 * const { http } = await startMicrosoft([client]);
 * const preset = microsoftProvider({ baseUrl: http.origin, graphUrl: http.origin });
 * ```
 */
export async function startMicrosoft(clients: readonly EmulatedClient[]) {
  const authority = new Authority({ clients, accessTokenSeconds: 4296, refreshTokens: 'rotate' });
  const { jwks, signFor } = await idTokenSigner('microsoft-emulator-1');
  let origin = '';

  const tenants = new Set([
    'common',
    'organizations',
    MICROSOFT_TENANT.id,
    MICROSOFT_TENANT.domain,
  ]);
  const unknownTenant = (req: EmulatorRequest) =>
    tenants.has(req.params['tenant'] ?? '')
      ? undefined
      : text(400, `AADSTS90002: Tenant '${req.params['tenant']}' not found.`);

  const idToken = (grant: Grant) =>
    signFor(grant, {
      ver: '2.0',
      iss: `${origin}/${MICROSOFT_TENANT.id}/v2.0`,
      sub: SUB,
      tid: MICROSOFT_TENANT.id,
      oid: MICROSOFT_USER.id,
      name: MICROSOFT_USER.displayName,
      preferred_username: MICROSOFT_USER.userPrincipalName,
    });

  const issued = async (grant: Grant, tokens: object) =>
    json(200, {
      token_type: 'Bearer',
      scope: grant.scope.filter((s) => s !== 'offline_access').join(' '),
      ext_expires_in: 4296,
      ...tokens,
      ...(grant.scope.includes('openid') ? { id_token: await idToken(grant) } : {}),
    });

  const token = async (req: EmulatorRequest) => {
    const bad = unknownTenant(req);
    if (bad) return bad;
    const auth = authenticateClient(req, authority, [
      'client_secret_basic',
      'client_secret_post',
      'none',
    ]);
    if (!auth.ok)
      return auth.reason === 'bad_secret'
        ? aadError(401, 'invalid_client', 7000215, 'Invalid client secret provided.')
        : aadError(
            400,
            'invalid_client',
            7000218,
            "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
          );
    return tokenGrant(authority, auth.client.clientId, req.form, {
      issued,
      badCode: (reason) => {
        const [code, why] = BAD_CODE[reason] ?? [
          70008,
          'The provided authorization code or refresh token has expired due to inactivity.',
        ];
        return aadError(400, 'invalid_grant', code, why);
      },
      badRefresh: () =>
        aadError(
          400,
          'invalid_grant',
          9002313,
          'Invalid request. Request is malformed or invalid.',
        ),
      unsupported: () =>
        aadError(
          400,
          'unsupported_grant_type',
          70003,
          'The app requested an unsupported grant type.',
        ),
      // A refresh token only for the offline_access scope.
      refreshTokenFor: (grant) => grant.scope.includes('offline_access'),
    });
  };

  /** Graph's answer to a missing or bad token. */
  const graphRefusal = () =>
    json(
      401,
      {
        error: {
          code: 'InvalidAuthenticationToken',
          message: 'Access token validation failure. Invalid audience.',
          innerError: { date: new Date().toISOString(), 'request-id': randomUUID() },
        },
      },
      {
        'www-authenticate': `Bearer realm="", authorization_uri="${origin}/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`,
      },
    );

  const http = await startEmulator({
    authorize: route('GET', '/:tenant/oauth2/v2.0/authorize', (req) => {
      const bad = unknownTenant(req);
      if (bad) return bad;
      return authorize(req, authority, MICROSOFT_USER.id, {
        pkceMethods: ['S256', 'plain'],
        extras: ['nonce'],
        callbackParams: () => ({ session_state: randomUUID() }),
      });
    }),
    token: route('POST', '/:tenant/oauth2/v2.0/token', token),
    keys: route(
      'GET',
      '/:tenant/discovery/v2.0/keys',
      (req) => unknownTenant(req) ?? json(200, jwks),
    ),
    userinfo: route(['GET', 'POST'], '/oidc/userinfo', (req) => {
      if (!authority.bearer(req)) return graphRefusal();
      const { givenName, surname, displayName, mail } = MICROSOFT_USER;
      return json(200, {
        sub: SUB,
        name: displayName,
        given_name: givenName,
        family_name: surname,
        email: mail,
      });
    }),
    me: route('GET', '/v1.0/me', (req) => {
      const grant = authority.bearer(req);
      if (!grant) return graphRefusal();
      if (!grant.scope.includes('User.Read'))
        return json(403, {
          error: {
            code: 'Authorization_RequestDenied',
            message: 'Insufficient privileges to complete the operation.',
          },
        });
      return json(200, MICROSOFT_USER);
    }),
  });
  origin = http.origin;
  return { http, authority };
}
