/**
 * Strava as its documentation describes it: authentication
 * (https://developers.strava.com/docs/authentication/) and `GET /athlete`
 * (https://developers.strava.com/docs/reference/#api-Athletes-getLoggedInAthlete).
 *
 * - `/oauth/authorize`: `client_id`, `redirect_uri`, `response_type=code`, `approval_prompt`,
 *   `scope` as a comma-delimited string (`read,activity:read`), `state`; the callback carries
 *   `code`, `state` and the accepted `scope`; no PKCE;
 * - `/api/v3/oauth/token`: `client_id`, `client_secret` (in the body), `code`, `grant_type`;
 *   answers `token_type`, `expires_at`, `expires_in` (six hours), `refresh_token`,
 *   `access_token` and a summary `athlete`; a refresh answers a new access token only when the
 *   current one expires within an hour (else the same one), and once a new refresh token is
 *   returned the older one no longer works;
 * - errors are Strava's own shape, not RFC 6749's: `{"message": "Bad Request", "errors":
 *   [{"resource": "RefreshToken", "field": "refresh_token", "code": "invalid"}]}`;
 * - `/oauth/deauthorize` with `access_token` revokes every token of the athlete for the app;
 *   an invalid token there is a 401 `Authorization Error`;
 * - `/api/v3/athlete` with a Bearer token; 401 `Authorization Error` otherwise.
 */
import {
  Authority,
  authenticateClient,
  authorize,
  type EmulatedClient,
  type EmulatorRequest,
  type Grant,
  type IssuedTokens,
  json,
  route,
  startEmulator,
} from './toolkit.js';

/** The signed-in athlete, as `GET /athlete` answers them (and the token answer's summary). */
export const STRAVA_ATHLETE = {
  id: 134815,
  username: 'marianne_t',
  resource_state: 2,
  firstname: 'Marianne',
  lastname: 'Teutenberg',
  city: 'San Francisco',
  country: 'US',
} as const;

const badRequest = (resource: string, field: string) =>
  json(400, { message: 'Bad Request', errors: [{ resource, field, code: 'invalid' }] });
const authorizationError = () =>
  json(401, {
    message: 'Authorization Error',
    errors: [{ resource: 'Athlete', field: 'access_token', code: 'invalid' }],
  });

/** How the Strava emulator is configured: its access token lifetime. */
export interface StravaEmulatorOptions {
  /** Access token lifetime, seconds; default six hours, as Strava's. */
  readonly accessTokenSeconds?: number | undefined;
}

/**
 * Starts the Strava emulator on a free loopback port, with `clients` registered; its routes are
 * counted and recorded by name in `http.counts` and `http.requests`.
 *
 * @example
 * ```ts
 * const { http, authority } = await startStrava([client], { accessTokenSeconds });
 * const preset = stravaProvider({ baseUrl: http.origin });
 * ```
 */
export async function startStrava(
  clients: readonly EmulatedClient[],
  options: StravaEmulatorOptions = {},
) {
  const seconds = options.accessTokenSeconds ?? 21600;
  const authority = new Authority({
    clients,
    accessTokenSeconds: seconds,
    refreshTokens: 'rotate',
  });
  /** The newest tokens of each grant, for Strava's "same access token" rule. */
  const latest = new Map<number, IssuedTokens & { expiresAt: number }>();
  const remember = (grant: Grant, tokens: IssuedTokens) => {
    const kept = { ...tokens, expiresAt: authority.now() + seconds * 1000 };
    latest.set(grant.id, kept);
    return kept;
  };
  const answer = (
    { expiresAt, ...tokens }: IssuedTokens & { expiresAt: number },
    athlete: boolean,
  ) =>
    json(200, {
      token_type: 'Bearer',
      expires_at: Math.floor(expiresAt / 1000),
      expires_in: Math.max(0, Math.floor((expiresAt - authority.now()) / 1000)),
      ...tokens,
      ...(athlete ? { athlete: STRAVA_ATHLETE } : {}),
    });

  const token = (req: EmulatorRequest) => {
    // Strava reads its parameters from the form or the query string.
    const f = req.form.size ? req.form : req.url.searchParams;
    const auth = authenticateClient(req, authority, ['client_secret_post'], f);
    if (!auth.ok)
      return badRequest(
        'Application',
        auth.reason === 'bad_secret' ? 'client_secret' : 'client_id',
      );
    if (f.get('grant_type') === 'authorization_code') {
      const redeemed = authority.redeemCode(f.get('code'), {
        clientId: auth.client.clientId,
        redirectUri: false,
      });
      if (!redeemed.ok) return badRequest('AuthorizationCode', 'code');
      return answer(remember(redeemed.grant, authority.issueTokens(redeemed.grant)), true);
    }
    if (f.get('grant_type') === 'refresh_token') {
      const given = f.get('refresh_token');
      const grant = authority.refreshGrant(given);
      const current = grant && latest.get(grant.id);
      const fresh = current && current.expiresAt - authority.now() > 3600 * 1000;
      if (grant && !grant.revoked && current?.refresh_token === given && fresh)
        return answer(current, false);
      const refreshed = authority.refresh(given, auth.client.clientId);
      if (!refreshed.ok) return badRequest('RefreshToken', 'refresh_token');
      return answer(remember(refreshed.grant, refreshed.tokens), false);
    }
    return badRequest('Application', 'grant_type');
  };

  const http = await startEmulator({
    authorize: route('GET', '/oauth/authorize', (req) => {
      if (/\s/.test(req.url.searchParams.get('scope') ?? ''))
        return badRequest('Authorize', 'scope');
      return authorize(req, authority, String(STRAVA_ATHLETE.id), {
        scopeSeparator: /,/,
        callbackParams: ({ scope }) => ({ scope: scope.join(',') }),
        errorPage: () => badRequest('Application', 'redirect_uri'),
      });
    }),
    token: route('POST', '/api/v3/oauth/token', token),
    deauthorize: route('POST', '/oauth/deauthorize', (req) => {
      const value = req.form.get('access_token') ?? req.url.searchParams.get('access_token');
      if (!authority.accessGrant(value)) return authorizationError();
      authority.revoke(value);
      return json(200, { access_token: value });
    }),
    athlete: route('GET', '/api/v3/athlete', (req) =>
      authority.bearer(req) ? json(200, STRAVA_ATHLETE) : authorizationError(),
    ),
  });
  return { http, authority };
}
