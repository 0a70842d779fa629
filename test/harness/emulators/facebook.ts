/**
 * Facebook Login and the Graph API as their documentation describes them: the manually built
 * login flow (https://developers.facebook.com/documentation/facebook-login/guides/advanced/manual-flow),
 * its PKCE (https://developers.facebook.com/documentation/facebook-login/guides/advanced/oidc-token),
 * versioning (https://developers.facebook.com/docs/graph-api/guides/versioning), errors
 * (https://developers.facebook.com/docs/graph-api/guides/error-handling), `appsecret_proof`
 * (https://developers.facebook.com/docs/graph-api/securing-requests) and deleting permissions
 * (https://developers.facebook.com/docs/graph-api/reference/user/permissions#Deleting).
 *
 * - every path starts with a version (`/v26.0/…`), recorded per request;
 * - `/{v}/dialog/oauth`: `client_id`, `redirect_uri` (registered, exact), `state`,
 *   `response_type=code`, `scope` (comma- or space-separated), PKCE (`S256`, `plain`);
 * - `/{v}/oauth/access_token` (GET or POST): `client_id`, `client_secret`, `redirect_uri`,
 *   `code`, `code_verifier` as parameters; answers `{"access_token", "token_type": "bearer",
 *   "expires_in"}`, or, as the API's first versions did (option `legacyAnswers`), the form
 *   `access_token=…&expires=…` as `text/plain`; errors are Graph error objects with HTTP 400
 *   (code 100 with subcodes 36007 expired, 36008 another redirect URI, 36009 used; code 1 for a
 *   bad secret, 101 for a missing client id);
 * - `/{v}/me` and `DELETE /{v}/me/permissions`: the token as `Authorization: Bearer` or an
 *   `access_token` parameter; a bad token is HTTP 400 with code 190 and `WWW-Authenticate: OAuth
 *   "Facebook Platform" "invalid_token" …`; with "Require App Secret" on (option
 *   `requireAppSecretProof`) every call needs `appsecret_proof`, else code 100.
 */
import { createHmac, randomBytes } from 'node:crypto';
import {
  Authority,
  authorize,
  type EmulatedClient,
  type EmulatorRequest,
  json,
  route,
  startEmulator,
  text,
} from './toolkit.js';

/** The signed-in user, as `/me?fields=id,name,email` answers them. */
export const FACEBOOK_USER = {
  id: '10158281930917290',
  name: 'Mark Test',
  email: 'mark@example.com',
} as const;

const LIFETIME = 5183944;

/** A Graph API error object, with HTTP 400 as Graph answers them. */
const graphError = (
  code: number,
  message: string,
  extra: Record<string, unknown> = {},
  headers = {},
) =>
  json(
    400,
    {
      error: {
        message,
        type: 'OAuthException',
        code,
        ...extra,
        fbtrace_id: randomBytes(8).toString('base64url'),
      },
    },
    headers,
  );

const CODE_REFUSAL: Readonly<Record<string, [number, string]>> = {
  used_code: [36009, 'This authorization code has been used.'],
  expired_code: [36007, 'This authorization code has expired.'],
  redirect_mismatch: [
    36008,
    'Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request',
  ],
  pkce_mismatch: [36009, 'Invalid code verifier for this authorization code.'],
  pkce_missing: [36009, 'Missing code verifier for this authorization code.'],
};

/** How the Facebook emulator is configured. */
export interface FacebookEmulatorOptions {
  /** Token answers as the API's first versions sent them: a `text/plain` form with `expires`. */
  readonly legacyAnswers?: boolean | undefined;
  /** "Require App Secret" on: Graph calls need `appsecret_proof`. */
  readonly requireAppSecretProof?: boolean | undefined;
}

/**
 * Starts the Facebook emulator on a free loopback port (the dialog and the Graph API on one
 * origin), with `clients` registered.
 *
 * @example
 * ```ts
 * const { http } = await startFacebook([client], { legacyAnswers: true });
 * const preset = facebookProvider({ baseUrl: http.origin, graphUrl: http.origin });
 * ```
 */
export async function startFacebook(
  clients: readonly EmulatedClient[],
  options: FacebookEmulatorOptions = {},
) {
  const authority = new Authority({ clients, accessTokenSeconds: LIFETIME, tokenPrefix: 'EAAB' });
  /** The version in each request's path, oldest first. */
  const versions: string[] = [];

  /** Query parameters and form fields, as Graph reads both. */
  const params = (req: EmulatorRequest) => {
    const all = new URLSearchParams(req.url.searchParams);
    for (const [k, v] of req.form) all.set(k, v);
    return all;
  };

  const versioned = (req: EmulatorRequest) => {
    const version = req.params['version'] ?? '';
    versions.push(version);
    return /^v\d+\.\d+$/.test(version)
      ? undefined
      : graphError(2635, `(#2635) You are calling a deprecated version of the Graph API.`);
  };

  const token = (req: EmulatorRequest) => {
    const bad = versioned(req);
    if (bad) return bad;
    const p = params(req);
    const client = authority.client(p.get('client_id'));
    if (!client) return graphError(101, 'Error validating application. Invalid application ID.');
    if (p.get('client_secret') !== client.clientSecret)
      return graphError(1, 'Error validating client secret.');
    const redeemed = authority.redeemCode(p.get('code'), {
      clientId: client.clientId,
      redirectUri: p.get('redirect_uri'),
      verifier: p.get('code_verifier'),
    });
    if (!redeemed.ok) {
      const [subcode, message] = CODE_REFUSAL[redeemed.reason] ?? [
        36009,
        'Invalid verification code format.',
      ];
      return graphError(100, message, { error_subcode: subcode });
    }
    const { access_token, expires_in } = authority.issueTokens(redeemed.grant);
    if (options.legacyAnswers)
      return text(
        200,
        new URLSearchParams({ access_token, expires: String(expires_in) }).toString(),
      );
    return json(200, { access_token, token_type: 'bearer', expires_in });
  };

  /** The grant of the request's token, checked as Graph checks it; or the refusal. */
  const caller = (req: EmulatorRequest) => {
    const p = params(req);
    const header = req.headers.get('authorization') ?? '';
    const given = /^(Bearer|OAuth)\s+/i.test(header)
      ? header.replace(/^\S+\s+/, '')
      : p.get('access_token');
    const grant = authority.accessGrant(given);
    if (!grant || !given)
      return graphError(
        190,
        'Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.',
        { error_subcode: 460 },
        {
          'www-authenticate':
            'OAuth "Facebook Platform" "invalid_token" "Error validating access token"',
        },
      );
    if (options.requireAppSecretProof) {
      const secret = authority.client(grant.clientId)?.clientSecret ?? '';
      const proof = createHmac('sha256', secret).update(given).digest('hex');
      if (p.get('appsecret_proof') !== proof)
        return graphError(100, 'API calls from the server require an appsecret_proof argument');
    }
    return { grant, token: given };
  };

  const http = await startEmulator({
    dialog: route('GET', '/:version/dialog/oauth', (req) => {
      const bad = versioned(req);
      if (bad) return bad;
      return authorize(req, authority, FACEBOOK_USER.id, {
        pkceMethods: ['S256', 'plain'],
        scopeSeparator: /[\s,]+/,
      });
    }),
    token: route(['GET', 'POST'], '/:version/oauth/access_token', token),
    me: route('GET', '/:version/me', (req) => {
      const bad = versioned(req);
      if (bad) return bad;
      const who = caller(req);
      if (!('grant' in who)) return who;
      const asked = (req.url.searchParams.get('fields') ?? 'id,name').split(',');
      const fields = asked.filter(
        (f) => f in FACEBOOK_USER && (f !== 'email' || who.grant.scope.includes('email')),
      );
      return json(200, Object.fromEntries(fields.map((f) => [f, FACEBOOK_USER[f as 'id']])));
    }),
    permissions: route('DELETE', '/:version/me/permissions', (req) => {
      const bad = versioned(req);
      if (bad) return bad;
      const who = caller(req);
      if (!('grant' in who)) return who;
      authority.revoke(who.token);
      return json(200, { success: true });
    }),
  });
  return { http, authority, versions };
}
