/**
 * The example app with `OAUTH_PROVIDER=<id>`, for every preset it takes, end to end against that
 * preset's loopback emulator: `/` → the provider's authorization page → `/callback` → `/profile`
 * (the provider's user JSON) → a refresh where the provider has one (the emulator issues tokens
 * that are due at once, so the next `/profile` refreshes first) → `/logout`, which revokes where
 * the provider has a revocation endpoint. Each emulator is strict where its documentation says
 * must; the test then checks what it saw (client authentication, body encoding, PKCE, refresh
 * and revocation requests). The app runs in this process (as `npm start` builds it), one preset
 * at a time; every outbound request is checked to stay on loopback.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { isLoopback } from 'oauth2-session';
import { type DevProvider, startDevProvider } from 'oauth2-session/dev-provider';
import {
  atlassianProvider,
  bitbucketProvider,
  boxProvider,
  discordProvider,
  dropboxProvider,
  facebookProvider,
  figmaProvider,
  fitbitProvider,
  gitlabProvider,
  googleProvider,
  linearProvider,
  linkedinProvider,
  mailchimpProvider,
  notionProvider,
  type ProviderPreset,
  patreonProvider,
  redditProvider,
  slackProvider,
  spotifyProvider,
  stravaProvider,
  twitchProvider,
  twitterProvider,
  yahooProvider,
  zoomProvider,
} from 'oauth2-session/providers';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readConfig } from '../../examples/github/config.js';
import { start as startExpress } from '../../examples/github/express.js';
import { PRESET_IDS, presetById } from '../../examples/github/presets.js';
import { startFailure } from '../../examples/github/server.js';
import { APPLE_USER, approveFormPost, startApple } from '../harness/emulators/apple.js';
import { ATLASSIAN_USER, startAtlassian } from '../harness/emulators/atlassian.js';
import { AUTH0_USER, startAuth0 } from '../harness/emulators/auth0.js';
import { BITBUCKET_USER, startBitbucket } from '../harness/emulators/bitbucket.js';
import { BOX_USER, startBox } from '../harness/emulators/box.js';
import { COGNITO_USER, startCognito } from '../harness/emulators/cognito.js';
import { DISCORD_USER, startDiscord } from '../harness/emulators/discord.js';
import { DROPBOX_ACCOUNT, startDropbox } from '../harness/emulators/dropbox.js';
import { FACEBOOK_USER, startFacebook } from '../harness/emulators/facebook.js';
import { FIGMA_USER, startFigma } from '../harness/emulators/figma.js';
import { FITBIT_USER, startFitbit } from '../harness/emulators/fitbit.js';
import { GITLAB_USER, startGitLab } from '../harness/emulators/gitlab.js';
import { GOOGLE_USER, startGoogle } from '../harness/emulators/google.js';
import { KEYCLOAK_USER, startKeycloak } from '../harness/emulators/keycloak.js';
import { LINEAR_VIEWER, startLinear } from '../harness/emulators/linear.js';
import { LINKEDIN_USER, startLinkedIn } from '../harness/emulators/linkedin.js';
import { MAILCHIMP_METADATA, startMailchimp } from '../harness/emulators/mailchimp.js';
import { MICROSOFT_USER, startMicrosoft } from '../harness/emulators/microsoft.js';
import { NOTION_BOT, startNotion } from '../harness/emulators/notion.js';
import { OKTA_USER, startOkta } from '../harness/emulators/okta.js';
import { PATREON_USER, startPatreon } from '../harness/emulators/patreon.js';
import { REDDIT_USER, startReddit } from '../harness/emulators/reddit.js';
import { SALESFORCE_USER, startSalesforce } from '../harness/emulators/salesforce.js';
import { SLACK_USER, startSlack } from '../harness/emulators/slack.js';
import { SPOTIFY_USER, startSpotify } from '../harness/emulators/spotify.js';
import { STRAVA_ATHLETE, startStrava } from '../harness/emulators/strava.js';
import {
  type Authority,
  type EmulatedClient,
  type Emulator,
  type EmulatorRequest,
  followAuthorization,
} from '../harness/emulators/toolkit.js';
import { startTwitch, TWITCH_USER } from '../harness/emulators/twitch.js';
import { startTwitter, X_USER } from '../harness/emulators/twitter.js';
import { startYahoo, YAHOO_USER } from '../harness/emulators/yahoo.js';
import { startZoom, ZOOM_USER } from '../harness/emulators/zoom.js';
import { freePort } from '../harness/ports.js';

/** The app's client at every provider. */
const CLIENT_ID = 'presets-app';
const CLIENT_SECRET = 'presets-app-secret';

/** A running emulator as the app sees it, and what the flow checks against it. */
interface Provider {
  /** `OAUTH_*` variables pointing the app at the emulator. */
  env: Record<string, string>;
  /** The user fields `/profile` answers (a subset). */
  user: Record<string, unknown>;
  /** Plays the browser at the provider's authorization page: answers the callback URL. */
  approve(url: string): Promise<string>;
  /**
   * The provider's page posts the callback URL's fields as a form (`response_mode=form_post`)
   * instead of redirecting to it.
   */
  formPost?: boolean | undefined;
  /** Makes the tokens issued from now on due at once (they are refreshed on their next use). */
  dueAtOnce?: (() => void) | undefined;
  /** Checks what the provider saw, once the flow is over. */
  check(flow: FlowRecord): void | Promise<void>;
  close(): Promise<void>;
}

/** What happened in one flow, as the app's side saw it. */
interface FlowRecord {
  /** Whether a refresh was expected (and so must have happened). */
  refreshed: boolean;
  /** Outbound requests the app made, in order. */
  outbound: { url: string; method: string; headers: Headers; body: string }[];
}

/** How an emulated preset is started and what its documentation requires on the wire. */
interface EmulatedCase<E extends { http: Emulator; authority: Authority }> {
  start(client: EmulatedClient): Promise<E>;
  /** The preset pointed at the emulator (its URLs become the `OAUTH_*_URL` variables). */
  preset?: ((origin: string, emulator: E) => ProviderPreset) | undefined;
  /** Variables besides the URLs (`OAUTH_ISSUER`), or instead of them. */
  env?: ((origin: string, emulator: E) => Record<string, string>) | undefined;
  user: Record<string, unknown>;
  /** Route names: where codes and refresh tokens are redeemed, the user read, tokens revoked. */
  routes: {
    token: string;
    refresh?: string | undefined;
    user: string;
    revoke?: string | undefined;
  };
  /** The client authentication the documentation requires at the token endpoint. */
  auth: 'client_secret_basic' | 'client_secret_post';
  /** Token requests are JSON (Atlassian, Notion); default a form. */
  json?: boolean | undefined;
  /** The provider binds codes to a PKCE verifier (the verifier must be sent). */
  pkce: boolean;
  /** The provider issues refresh tokens and expiring access tokens: the flow refreshes. */
  refresh: boolean;
  /** Revocation ends the access token the app used (default true where there is a revoke route). */
  revocationEndsAccess?: boolean | undefined;
  /** More of what this provider's documentation requires. */
  also?: ((emulator: E, flow: FlowRecord) => void) | undefined;
}

/** The `OAUTH_*_URL` variables for a preset pointed at the emulator. */
function urlsOf(preset: ProviderPreset): Record<string, string> {
  const env: Record<string, string> = {
    OAUTH_AUTHORIZE_URL: preset.server.authorization_endpoint!,
    OAUTH_TOKEN_URL: preset.server.token_endpoint!,
  };
  if (preset.user) env.OAUTH_USER_URL = preset.user.url;
  return env;
}

const basicOf = (req: EmulatorRequest) => /^Basic /i.test(req.headers.get('authorization') ?? '');
const bodyField = (req: EmulatorRequest, name: string): unknown =>
  req.contentType === 'application/json'
    ? (req.json as Record<string, unknown> | undefined)?.[name]
    : req.form.get(name);

/** The bearer token of a request the app made to the user endpoint. */
const bearerOf = (req: EmulatorRequest | undefined) =>
  /^\S+\s+(\S+)$/.exec(req?.headers.get('authorization') ?? '')?.[1];

function emulated<E extends { http: Emulator; authority: Authority }>(
  c: EmulatedCase<E>,
): (client: EmulatedClient) => Promise<Provider> {
  return async (client) => {
    const emulator = await c.start(client);
    const origin = emulator.http.origin;
    const requests = emulator.http.requests as Record<string, EmulatorRequest[]>;
    const env = {
      ...(c.preset ? urlsOf(c.preset(origin, emulator)) : {}),
      ...c.env?.(origin, emulator),
    };
    return {
      env,
      user: c.user,
      approve: followAuthorization,
      dueAtOnce: c.refresh
        ? () => {
            // The session refreshes a token due within 60 seconds (its default leeway).
            emulator.authority.accessTokenSeconds = 30;
          }
        : undefined,
      check: (flow) => {
        const tokenRequests = requests[c.routes.token] ?? [];
        const [code] = tokenRequests;
        expect(code, 'a code was redeemed').toBeDefined();
        expect(code!.contentType).toBe(
          c.json ? 'application/json' : 'application/x-www-form-urlencoded',
        );
        expect(bodyField(code!, 'grant_type')).toBe('authorization_code');
        if (c.auth === 'client_secret_basic') {
          expect(basicOf(code!), 'Basic credentials').toBe(true);
          expect(bodyField(code!, 'client_secret')).toBeFalsy();
        } else {
          expect(basicOf(code!), 'no Basic credentials').toBe(false);
          expect(bodyField(code!, 'client_secret')).toBe(CLIENT_SECRET);
        }
        if (c.pkce) expect(bodyField(code!, 'code_verifier')).toMatch(/^[\w.~-]{43,128}$/);
        const refreshes = (requests[c.routes.refresh ?? c.routes.token] ?? []).filter(
          (r) => bodyField(r, 'grant_type') === 'refresh_token',
        );
        expect(refreshes.length > 0, 'refreshed').toBe(flow.refreshed);
        const reads = requests[c.routes.user] ?? [];
        expect(reads.length).toBeGreaterThanOrEqual(2);
        if (c.routes.revoke) {
          expect((requests[c.routes.revoke] ?? []).length, 'revoked at logout').toBeGreaterThan(0);
          if (c.revocationEndsAccess !== false)
            expect(emulator.authority.accessGrant(bearerOf(reads.at(-1)))).toBeUndefined();
        }
        c.also?.(emulator, flow);
      },
      close: () => emulator.http.close(),
    };
  };
}

/** GitHub's preset against the project's GitHub-compatible dev provider (a GitHub App). */
async function githubCase(client: EmulatedClient): Promise<Provider> {
  // A GitHub App whose tokens are due at once: each use refreshes first.
  const dev: DevProvider = await startDevProvider({
    expiringTokens: true,
    accessTokenTtlSeconds: 30,
  });
  dev.registerClient({
    clientId: client.clientId,
    clientSecret: CLIENT_SECRET,
    redirectUris: [...client.redirectUris],
    name: 'presets app',
  });
  const origin = dev.origin;
  return {
    env: {
      OAUTH_AUTHORIZE_URL: `${origin}/login/oauth/authorize`,
      OAUTH_TOKEN_URL: `${origin}/login/oauth/access_token`,
      OAUTH_USER_URL: `${origin}/user`,
      OAUTH_REVOCATION_URL: `${origin}/applications/{client_id}/token`,
    },
    user: { login: 'hubot' },
    approve: async (url) => {
      const page = await fetch(url, { redirect: 'manual' });
      const requestId = /name="request_id" value="([^"]+)"/.exec(await page.text())?.[1];
      const answer = await fetch(dev.authorizeUrl, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ request_id: requestId ?? '', authorize: '1', login: 'hubot' }),
      });
      return answer.headers.get('location') ?? '';
    },
    dueAtOnce: () => {},
    check: (flow) => {
      const token = flow.outbound.filter((r) => r.url.endsWith('/login/oauth/access_token'));
      expect(token[0]!.headers.get('accept')).toMatch(/application\/json/);
      expect(
        token.some((r) => new URLSearchParams(r.body).get('grant_type') === 'refresh_token'),
      ).toBe(flow.refreshed);
      const user = flow.outbound.filter((r) => r.url === `${origin}/user`);
      expect(user[0]!.headers.get('user-agent')).toBeTruthy();
      expect(
        flow.outbound.some((r) => r.method === 'DELETE' && r.url.includes('/applications/')),
      ).toBe(true);
    },
    close: () => dev.close(),
  };
}

/**
 * Sign in with Apple's emulator as the app's OpenID provider: the callback a form POST, the user
 * the ID token's claims, the client secret an ES256 JWT (made here, as the app's operator
 * would, and given as OAUTH_CLIENT_SECRET), sent in the body of every token and revocation
 * request.
 */
async function appleCase(client: EmulatedClient): Promise<Provider> {
  const team = 'A1B2C3D4E5';
  const keyId = 'XYZ123ABCD';
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const emulator = await startApple([client], { teamId: team, keyId, publicKey });
  const origin = emulator.http.origin;
  const secret = await new SignJWT({})
    .setProtectedHeader({ alg: 'ES256', kid: keyId })
    .setIssuer(team)
    .setIssuedAt()
    .setExpirationTime('1h')
    .setAudience('https://appleid.apple.com')
    .setSubject(client.clientId)
    .sign(privateKey);
  const requests = emulator.http.requests as Record<string, EmulatorRequest[]>;
  return {
    env: { OAUTH_ISSUER: origin, OAUTH_CLIENT_SECRET: secret },
    user: { iss: origin, aud: client.clientId, sub: APPLE_USER.sub, email: APPLE_USER.email },
    approve: approveFormPost,
    formPost: true,
    dueAtOnce: () => {
      emulator.authority.accessTokenSeconds = 30;
    },
    check: (flow) => {
      const authorize = new URL((requests.authorize ?? [])[0]!.url).searchParams;
      expect(authorize.get('response_mode')).toBe('form_post');
      expect(authorize.get('scope')?.split(' ').sort()).toEqual(['email', 'name', 'openid']);
      expect(authorize.get('nonce')).toBeTruthy();
      const token = requests.token ?? [];
      const [code, ...refreshes] = token.map((r) => r.form.get('grant_type'));
      expect(code).toBe('authorization_code');
      // Each /profile refreshes the token due at once (Apple answers no new refresh token).
      expect(refreshes.length > 0, 'refreshed').toBe(flow.refreshed);
      for (const grant of refreshes) expect(grant).toBe('refresh_token');
      const revoke = requests.revoke ?? [];
      expect(revoke.length, 'revoked at logout').toBeGreaterThan(0);
      for (const r of [...token, ...revoke]) {
        expect(r.contentType).toBe('application/x-www-form-urlencoded');
        expect(basicOf(r), 'no Basic credentials').toBe(false);
        expect(r.form.get('client_id')).toBe(client.clientId);
        expect(r.form.get('client_secret')).toBe(secret);
      }
      expect((requests.keys ?? []).length, 'the ID token checked with /auth/keys').toBeGreaterThan(
        0,
      );
    },
    close: () => emulator.http.close(),
  };
}

const EMULATED: Record<string, (client: EmulatedClient) => Promise<Provider>> = {
  github: githubCase,
  apple: appleCase,
  atlassian: emulated({
    start: (c) => startAtlassian([c]),
    preset: (o) => atlassianProvider({ authUrl: o, apiUrl: o }),
    user: { account_id: ATLASSIAN_USER.account_id },
    routes: { token: 'token', user: 'user' },
    auth: 'client_secret_post',
    json: true,
    pkce: false,
    refresh: true,
  }),
  auth0: emulated({
    start: (c) => startAuth0([c]),
    env: (o) => ({ OAUTH_ISSUER: o }),
    user: { sub: AUTH0_USER.sub },
    routes: { token: 'token', user: 'userinfo', revoke: 'revoke' },
    auth: 'client_secret_basic',
    pkce: true,
    refresh: true,
    // Auth0 revokes refresh tokens; access tokens live until they expire.
    revocationEndsAccess: false,
  }),
  bitbucket: emulated({
    start: (c) => startBitbucket([c]),
    preset: (o) => bitbucketProvider({ baseUrl: o, apiUrl: o }),
    user: { account_id: BITBUCKET_USER.account_id },
    routes: { token: 'token', user: 'user' },
    auth: 'client_secret_basic',
    pkce: false,
    refresh: true,
  }),
  box: emulated({
    start: (c) => startBox([c]),
    preset: (o) => boxProvider({ baseUrl: o, apiUrl: o }),
    user: { id: BOX_USER.id },
    routes: { token: 'token', user: 'me', revoke: 'revoke' },
    auth: 'client_secret_post',
    pkce: false,
    refresh: true,
  }),
  cognito: emulated({
    start: (c) => startCognito([c]),
    env: (o) => ({
      OAUTH_ISSUER: `${o}/us-east-1_EXAMPLE`,
      OAUTH_AUTHORIZE_URL: `${o}/oauth2/authorize`,
    }),
    user: { sub: COGNITO_USER.sub },
    routes: { token: 'token', user: 'userinfo', revoke: 'revoke' },
    auth: 'client_secret_basic',
    pkce: true,
    refresh: true,
  }),
  discord: emulated({
    start: (c) => startDiscord([c]),
    preset: (o) => discordProvider({ baseUrl: o }),
    user: { id: DISCORD_USER.id },
    routes: { token: 'token', user: 'user', revoke: 'revoke' },
    auth: 'client_secret_basic',
    pkce: false,
    refresh: true,
    also: (e) => {
      const ua = (e.http.requests.token[0] as EmulatorRequest).headers.get('user-agent');
      expect(ua).toMatch(/^DiscordBot \(/);
    },
  }),
  dropbox: emulated({
    start: (c) => startDropbox([c]),
    preset: (o) => dropboxProvider({ baseUrl: o, apiUrl: o }),
    user: { account_id: DROPBOX_ACCOUNT.account_id },
    routes: { token: 'token', user: 'account', revoke: 'revoke' },
    auth: 'client_secret_basic',
    pkce: true,
    refresh: true,
  }),
  facebook: emulated({
    start: (c) => startFacebook([c]),
    preset: (o) => facebookProvider({ baseUrl: o, graphUrl: o }),
    user: { id: FACEBOOK_USER.id },
    routes: { token: 'token', user: 'me', revoke: 'permissions' },
    auth: 'client_secret_post',
    pkce: true,
    refresh: false,
  }),
  figma: emulated({
    start: (c) => startFigma([c]),
    preset: (o) => figmaProvider({ baseUrl: o, apiUrl: o }),
    user: { id: FIGMA_USER.id, email: FIGMA_USER.email },
    routes: { token: 'token', refresh: 'refresh', user: 'me' },
    auth: 'client_secret_basic',
    pkce: true,
    refresh: true,
  }),
  fitbit: emulated({
    start: (c) => startFitbit([c]),
    preset: (o) => fitbitProvider({ baseUrl: o, apiUrl: o }),
    user: { user: { encodedId: FITBIT_USER.encodedId } },
    routes: { token: 'token', user: 'profile', revoke: 'revoke' },
    auth: 'client_secret_basic',
    pkce: true,
    refresh: true,
  }),
  gitlab: emulated({
    start: (c) => startGitLab([c]),
    preset: (o) => gitlabProvider({ baseUrl: o }),
    user: { id: GITLAB_USER.id, username: GITLAB_USER.username },
    routes: { token: 'token', user: 'user', revoke: 'revoke' },
    auth: 'client_secret_basic',
    pkce: true,
    refresh: true,
  }),
  google: emulated({
    start: (c) => startGoogle([c]),
    preset: (o) => googleProvider({ baseUrl: o }),
    user: { sub: GOOGLE_USER.sub, email: GOOGLE_USER.email },
    routes: { token: 'token', user: 'userinfo', revoke: 'revoke' },
    auth: 'client_secret_basic',
    pkce: true,
    refresh: true,
    also: (e) => {
      const q = new URL((e.http.requests.authorize[0] as EmulatorRequest).url).searchParams;
      expect(q.get('access_type')).toBe('offline');
    },
  }),
  keycloak: emulated({
    start: (c) => startKeycloak([c], 'acme'),
    env: (o) => ({ OAUTH_ISSUER: `${o}/realms/acme` }),
    user: { sub: KEYCLOAK_USER.sub },
    routes: { token: 'token', user: 'userinfo', revoke: 'revoke' },
    auth: 'client_secret_basic',
    pkce: true,
    refresh: true,
  }),
  linear: emulated({
    start: (c) => startLinear([c]),
    preset: (o) => linearProvider({ baseUrl: o, apiUrl: o }),
    user: { data: { viewer: LINEAR_VIEWER } },
    routes: { token: 'token', user: 'graphql', revoke: 'revoke' },
    auth: 'client_secret_post',
    pkce: true,
    refresh: true,
  }),
  linkedin: emulated({
    start: (c) => startLinkedIn([c]),
    preset: (o) => linkedinProvider({ baseUrl: o, apiUrl: o }),
    user: { sub: LINKEDIN_USER.sub },
    routes: { token: 'token', user: 'userinfo', revoke: 'revoke' },
    auth: 'client_secret_post',
    pkce: false,
    refresh: false,
  }),
  mailchimp: emulated({
    start: (c) => startMailchimp([c]),
    preset: (o) => mailchimpProvider({ baseUrl: o }),
    user: { dc: MAILCHIMP_METADATA.dc },
    routes: { token: 'token', user: 'metadata' },
    auth: 'client_secret_post',
    pkce: false,
    refresh: false,
  }),
  microsoft: emulated({
    start: (c) => startMicrosoft([c]),
    env: (o) => ({ OAUTH_ISSUER: `${o}/organizations/v2.0`, OAUTH_USER_URL: `${o}/v1.0/me` }),
    user: { id: MICROSOFT_USER.id },
    routes: { token: 'token', user: 'me' },
    auth: 'client_secret_basic',
    pkce: true,
    refresh: true,
    also: (e) => {
      expect(new URL((e.http.requests.token[0] as EmulatorRequest).url).pathname).toBe(
        '/organizations/oauth2/v2.0/token',
      );
    },
  }),
  notion: emulated({
    start: (c) => startNotion([c]),
    preset: (o) => notionProvider({ baseUrl: o }),
    user: { id: NOTION_BOT.id },
    routes: { token: 'token', user: 'me', revoke: 'revoke' },
    auth: 'client_secret_basic',
    json: true,
    pkce: false,
    refresh: false,
    also: (e) => {
      const me = e.http.requests.me[0] as EmulatorRequest;
      expect(me.headers.get('notion-version')).toBeTruthy();
    },
  }),
  okta: emulated({
    start: (c) => startOkta([c]),
    env: (o) => ({ OAUTH_ISSUER: `${o}/oauth2/default` }),
    user: { sub: OKTA_USER.sub },
    routes: { token: 'token', user: 'userinfo', revoke: 'revoke' },
    auth: 'client_secret_basic',
    pkce: true,
    refresh: true,
  }),
  patreon: emulated({
    start: (c) => startPatreon([c]),
    preset: (o) => patreonProvider({ baseUrl: o }),
    user: { data: { id: PATREON_USER.id } },
    routes: { token: 'token', user: 'identity' },
    auth: 'client_secret_post',
    pkce: false,
    refresh: true,
  }),
  reddit: emulated({
    start: (c) => startReddit([c]),
    preset: (o) => redditProvider({ baseUrl: o, apiUrl: o }),
    user: { name: REDDIT_USER.name },
    routes: { token: 'token', user: 'me', revoke: 'revoke' },
    auth: 'client_secret_basic',
    pkce: false,
    refresh: true,
    also: (e) => {
      const q = new URL((e.http.requests.authorize[0] as EmulatorRequest).url).searchParams;
      expect(q.get('duration')).toBe('permanent');
    },
  }),
  salesforce: emulated({
    start: (c) => startSalesforce([c]),
    env: (o) => ({ OAUTH_ISSUER: o }),
    user: { user_id: SALESFORCE_USER.user_id },
    routes: { token: 'token', user: 'userinfo', revoke: 'revoke' },
    auth: 'client_secret_post',
    pkce: true,
    refresh: false,
  }),
  slack: emulated({
    start: (c) => startSlack([c]),
    preset: (o) => slackProvider({ baseUrl: o }),
    user: { ok: true, sub: SLACK_USER.sub },
    routes: { token: 'token', user: 'userinfo', revoke: 'revoke' },
    auth: 'client_secret_basic',
    pkce: false,
    refresh: false,
  }),
  spotify: emulated({
    start: (c) => startSpotify([c]),
    preset: (o) => spotifyProvider({ baseUrl: o, apiUrl: o }),
    user: { id: SPOTIFY_USER.id },
    routes: { token: 'token', user: 'me' },
    auth: 'client_secret_basic',
    pkce: true,
    refresh: true,
  }),
  strava: emulated({
    start: (c) => startStrava([c]),
    preset: (o) => stravaProvider({ baseUrl: o }),
    user: { id: STRAVA_ATHLETE.id },
    routes: { token: 'token', user: 'athlete', revoke: 'deauthorize' },
    auth: 'client_secret_post',
    pkce: false,
    refresh: true,
    also: (e) => {
      const q = new URL((e.http.requests.authorize[0] as EmulatorRequest).url).searchParams;
      expect(q.get('scope')).not.toMatch(/\s/);
    },
  }),
  twitch: emulated({
    start: (c) => startTwitch([c]),
    preset: (o) => twitchProvider({ baseUrl: o, apiUrl: o }),
    user: { data: [{ id: TWITCH_USER.id }] },
    routes: { token: 'token', user: 'users', revoke: 'revoke' },
    auth: 'client_secret_post',
    pkce: false,
    refresh: true,
    also: (e) => {
      const users = e.http.requests.users[0] as EmulatorRequest;
      expect(users.headers.get('client-id')).toBe(CLIENT_ID);
    },
  }),
  twitter: emulated({
    start: (c) => startTwitter([c]),
    preset: (o) => twitterProvider({ baseUrl: o, apiUrl: o }),
    user: { data: { id: X_USER.id } },
    routes: { token: 'token', user: 'me', revoke: 'revoke' },
    auth: 'client_secret_basic',
    pkce: true,
    refresh: true,
  }),
  yahoo: emulated({
    start: (c) => startYahoo([c]),
    preset: (o) => yahooProvider({ baseUrl: o }),
    user: { sub: YAHOO_USER.sub },
    routes: { token: 'token', user: 'userinfo' },
    auth: 'client_secret_basic',
    pkce: false,
    refresh: true,
  }),
  zoom: emulated({
    start: (c) => startZoom([c]),
    preset: (o) => zoomProvider({ baseUrl: o, apiUrl: o }),
    user: { id: ZOOM_USER.id },
    routes: { token: 'token', user: 'me', revoke: 'revoke' },
    auth: 'client_secret_basic',
    pkce: true,
    refresh: true,
  }),
};

/** Presets the example app cannot sign in with, and why: none since Sign in with Apple's form_post. */
const NOT_THROUGH_THE_APP: Readonly<Record<string, string>> = {};

/** A cookie jar for one browser: the `Set-Cookie` answers kept, sent back on each request. */
function browser(appUrl: string) {
  const jar = new Map<string, string>();
  return async (path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (jar.size) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(new URL(path, appUrl), { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      const name = pair!.slice(0, at);
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(line)) jar.delete(name);
      else jar.set(name, pair!.slice(at + 1));
    }
    return res;
  };
}

/** Every request the app sends, recorded; one off loopback is refused and counted. */
function watchOutbound() {
  const outbound: FlowRecord['outbound'] = [];
  const offLoopback: string[] = [];
  const real = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const request = new Request(input, init);
    if (!isLoopback(new URL(request.url).hostname)) {
      offLoopback.push(new URL(request.url).origin);
      throw new TypeError('presets-app test: a request off loopback');
    }
    const body = init?.body === undefined || init.body === null ? '' : String(init.body);
    outbound.push({ url: request.url, method: request.method, headers: request.headers, body });
    return real(input, init);
  };
  return { outbound, offLoopback, restore: () => (globalThis.fetch = real) };
}

describe('example app with OAUTH_PROVIDER=<id>: login, /profile, refresh, logout', () => {
  test('every preset the app takes has a case here (or a reason it cannot)', () => {
    const covered = [...Object.keys(EMULATED), ...Object.keys(NOT_THROUGH_THE_APP)].sort();
    expect(covered).toEqual([...PRESET_IDS]);
  });

  let watch: ReturnType<typeof watchOutbound>;
  beforeAll(() => {
    watch = watchOutbound();
  });
  afterAll(() => watch.restore());

  for (const [id, startProvider] of Object.entries(EMULATED)) {
    test(`OAUTH_PROVIDER=${id}`, async () => {
      const port = await freePort();
      const appUrl = `http://127.0.0.1:${port}`;
      const redirectUri = `${appUrl}/callback`;
      const provider = await startProvider({
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        redirectUris: [redirectUri],
      });
      const app = await startExpress(
        {
          PORT: String(port),
          SESSION_SECRET: randomBytes(32).toString('base64url'),
          OAUTH_PROVIDER: id,
          OAUTH_CLIENT_ID: CLIENT_ID,
          OAUTH_CLIENT_SECRET: CLIENT_SECRET,
          OAUTH_REDIRECT_URI: redirectUri,
          ...provider.env,
        },
        { quiet: true },
      );
      const before = watch.outbound.length;
      try {
        const go = browser(app.url);
        const login = await go('/');
        expect(login.status).toBe(302);
        provider.dueAtOnce?.();
        const callback = new URL(await provider.approve(login.headers.get('location')!));
        expect(`${callback.origin}${callback.pathname}`).toBe(redirectUri);
        const back = provider.formPost
          ? await go(callback.pathname, {
              method: 'POST',
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
              body: callback.searchParams.toString(),
            })
          : await go(`${callback.pathname}${callback.search}`);
        // After a form POST, a 303: the browser follows with a GET, and a reload posts nothing.
        expect(back.status, await back.clone().text()).toBe(provider.formPost ? 303 : 302);
        expect(back.headers.get('location')).toMatch(/\/profile$/);

        for (let read = 0; read < 2; read++) {
          const profile = await go('/profile', { headers: { accept: 'application/json' } });
          expect(profile.status, await profile.clone().text()).toBe(200);
          expect(profile.headers.get('content-type')).toMatch(/^application\/json/);
          expect(await profile.json()).toMatchObject(provider.user);
        }

        const logout = await go('/logout', { headers: { 'sec-fetch-site': 'none' } });
        expect(logout.status).toBeLessThan(400);
        const after = await go('/profile', { headers: { accept: 'application/json' } });
        expect(after.status).not.toBe(200);

        await provider.check({
          refreshed: provider.dueAtOnce !== undefined,
          outbound: watch.outbound.slice(before),
        });
        expect(watch.offLoopback).toEqual([]);
      } finally {
        await app.close();
        await provider.close();
      }
    });
  }
});

describe('example app: OAUTH_PROVIDER at start-up', () => {
  const base = { OAUTH_CLIENT_ID: CLIENT_ID, OAUTH_CLIENT_SECRET: CLIENT_SECRET };

  test('readConfig: an unknown id stops the start with one line naming the ids', () => {
    const error = (() => {
      try {
        readConfig({ ...base, OAUTH_PROVIDER: 'gitbucket' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toMatchObject({ name: 'TypeError', code: 'ERR_UNKNOWN_PROVIDER' });
    const line = startFailure(error);
    expect(line).toMatch(
      /^oauth2-session example: cannot start: TypeError: OAUTH_PROVIDER "gitbucket" is not a preset; one of: apple, atlassian, .*zoom \(ERR_UNKNOWN_PROVIDER\)$/,
    );
    expect(line).not.toContain('\n');
  });

  test('readConfig: OAUTH_ISSUER is the tenant with a preset, the issuer to discover without one', () => {
    const tenant = readConfig({ ...base, OAUTH_PROVIDER: 'okta', OAUTH_ISSUER: 'dev-1.okta.com' });
    expect(tenant).toMatchObject({ preset: 'okta', tenant: 'dev-1.okta.com', issuer: undefined });
    expect(tenant.scope).toEqual([]);
    const discovered = readConfig({
      ...base,
      OAUTH_ISSUER: 'https://id.example',
      OAUTH_REDIRECT_URI: 'http://127.0.0.1:5000/callback',
    });
    expect(discovered).toMatchObject({ preset: undefined, issuer: 'https://id.example' });
    expect(discovered.scope).toEqual(['openid', 'profile', 'email']);
  });

  test('readConfig: a preset other than github needs OAUTH_CLIENT_ID (the dev provider is GitHub-shaped)', () => {
    expect(() => readConfig({ OAUTH_PROVIDER: 'google' })).toThrow(
      expect.objectContaining({ code: 'ERR_CLIENT_ID_REQUIRED' }),
    );
    expect(readConfig({ OAUTH_PROVIDER: 'github' }).preset).toBe('github');
  });

  test('presetById: OAUTH_ISSUER as a bare tenant, domain or host gives the real provider its endpoints', () => {
    const place = { userAgent: 'test' };
    expect(presetById('okta', { ...place, tenant: 'dev-1.okta.com' }).server.issuer).toBe(
      'https://dev-1.okta.com/oauth2/default',
    );
    expect(
      presetById('okta', { ...place, tenant: 'https://id.acme.example/oauth2/aus1' }).server
        .token_endpoint,
    ).toBe('https://id.acme.example/oauth2/aus1/v1/token');
    expect(presetById('auth0', { ...place, tenant: 'acme.us.auth0.com' }).server.issuer).toBe(
      'https://acme.us.auth0.com/',
    );
    expect(
      presetById('microsoft', { ...place, tenant: 'consumers' }).server.authorization_endpoint,
    ).toBe('https://login.microsoftonline.com/consumers/oauth2/v2.0/authorize');
    expect(
      presetById('salesforce', { ...place, tenant: 'acme.my.salesforce.com' }).server
        .token_endpoint,
    ).toBe('https://acme.my.salesforce.com/services/oauth2/token');
    expect(() =>
      presetById('cognito', {
        ...place,
        tenant: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_X',
      }),
    ).toThrow(/OAUTH_PROVIDER=cognito needs OAUTH_AUTHORIZE_URL/);
    const pool = presetById('cognito', {
      ...place,
      tenant: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_X',
      authorizeUrl: 'https://acme.auth.eu-west-1.amazoncognito.com/oauth2/authorize',
    });
    expect(pool.server.issuer).toBe('https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_X');
    expect(pool.server.token_endpoint).toBe(
      'https://acme.auth.eu-west-1.amazoncognito.com/oauth2/token',
    );
  });

  test('presetById: without any URL, the preset as shipped (no loopback, every endpoint https)', () => {
    for (const id of PRESET_IDS.filter(
      (i) => !['okta', 'auth0', 'keycloak', 'cognito'].includes(i),
    )) {
      const preset = presetById(id, { userAgent: 'test' });
      expect(preset.id).toBe(id);
      expect(new URL(preset.server.authorization_endpoint!).protocol, id).toBe('https:');
      expect(new URL(preset.server.token_endpoint!).protocol, id).toBe('https:');
    }
  });

  test('start: a tenant preset without its tenant is refused at start-up, naming the variable', async () => {
    const error = await startExpress(
      { ...base, PORT: '0', OAUTH_PROVIDER: 'keycloak' },
      { quiet: true },
    ).catch((e: unknown) => e);
    expect(startFailure(error)).toMatch(/OAUTH_PROVIDER=keycloak needs OAUTH_ISSUER/);
  });

  test('OAUTH_SCOPE: a space-separated list, written on the wire as the preset says (commas for Strava)', async () => {
    const port = await freePort();
    const redirectUri = `http://127.0.0.1:${port}/callback`;
    const strava = await startStrava([
      { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [redirectUri] },
    ]);
    const app = await startExpress(
      {
        ...base,
        PORT: String(port),
        SESSION_SECRET: randomBytes(32).toString('base64url'),
        OAUTH_PROVIDER: 'strava',
        OAUTH_REDIRECT_URI: redirectUri,
        OAUTH_SCOPE: 'read  activity:read',
        ...urlsOf(stravaProvider({ baseUrl: strava.http.origin })),
      },
      { quiet: true },
    );
    try {
      const login = await fetch(`${app.url}/`, { redirect: 'manual' });
      const url = new URL(login.headers.get('location')!);
      expect(url.origin).toBe(strava.http.origin);
      expect(url.searchParams.get('scope')).toBe('read,activity:read');
    } finally {
      await app.close();
      await strava.http.close();
    }
  });
});
