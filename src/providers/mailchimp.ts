/**
 * Mailchimp preset: Mailchimp's OAuth2 web server flow and its metadata endpoint (the user, and
 * the datacenter of their Marketing API), with requests-oauthlib's `mailchimp` compliance fix
 * built in.
 *
 * Documented behaviour, and where it is handled:
 * - the code is exchanged with `client_id` and `client_secret` in the form body:
 *   `client_secret_post` is the one method in `token_endpoint_auth_methods_supported`; no PKCE;
 * - requests-oauthlib's `mailchimp` fix: token answers say `"expires_in": 0` and `"scope":
 *   null`, and name no `token_type`. Mailchimp's tokens do not expire, so `expires_in: 0` is
 *   dropped and the token has no expiry (requests-oauthlib wrote 3600 instead, which made a
 *   token without a refresh token look expired an hour later); the `null` scope is dropped, so
 *   the requested one is assumed (`token.parsed`); the missing type is Bearer;
 * - there are no refresh tokens and no revocation endpoint (a user disconnects the app in their
 *   account);
 * - the user is `GET https://login.mailchimp.com/oauth2/metadata`, which takes the token as
 *   `Authorization: OAuth <token>`: the session's Bearer header becomes that for this endpoint
 *   (`resource.request`). Its answer names the account's datacenter (`dc`) and Marketing API
 *   (`api_endpoint`, `https://<dc>.api.mailchimp.com`), which takes the token as Bearer.
 *
 * @see https://mailchimp.com/developer/marketing/guides/access-user-data-oauth-2/
 * @see https://mailchimp.com/developer/marketing/docs/fundamentals/#api-structure
 * @module
 */

import { definePreset, type ProviderPreset } from '../provider.js';
import { mailchimpTokenAnswer } from './fixes.js';
import { trimUrl } from './quirks.js';

/** Options of {@link mailchimpProvider}. */
export interface MailchimpProviderOptions {
  /** Where the OAuth2 endpoints and the metadata live; default `https://login.mailchimp.com`. */
  baseUrl?: string | undefined;
}

/**
 * Makes a Mailchimp preset.
 *
 * @example
 * ```ts
 * const session = new OAuth2Session({ clientId, clientSecret, redirectUri, provider: mailchimp });
 * const { dc, api_endpoint } = await (await session.fetch(...userRequest(mailchimp))).json();
 * const lists = await session.get(`${api_endpoint}/3.0/lists`);
 * ```
 */
export function mailchimpProvider(options: MailchimpProviderOptions = {}): ProviderPreset {
  const base = trimUrl(options.baseUrl ?? 'https://login.mailchimp.com');
  const metadata = `${base}/oauth2/metadata`;
  return definePreset({
    id: 'mailchimp',
    server: {
      authorization_endpoint: `${base}/oauth2/authorize`,
      token_endpoint: `${base}/oauth2/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post'],
    },
    user: { url: metadata },
    hooks: {
      'token.parsed': mailchimpTokenAnswer,
      'resource.request': ({ url, headers }) => {
        const auth = headers.get('authorization');
        if (url.split('?')[0] === metadata && auth?.startsWith('Bearer '))
          headers.set('authorization', `OAuth ${auth.slice('Bearer '.length)}`);
      },
    },
  });
}

/**
 * The preset for mailchimp.com.
 *
 * @example
 * ```ts
 * const session = new OAuth2Session({ clientId, clientSecret, redirectUri, provider: mailchimp });
 * ```
 */
export const mailchimp: ProviderPreset = mailchimpProvider();
