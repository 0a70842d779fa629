/**
 * What every provider preset must hold, as one suite to run per preset: its id and server
 * description, then a whole code flow through `OAuth2Session({ provider })` against a loopback
 * emulator of the provider (authorization URL, code exchange, the user endpoint), refresh and
 * revocation when the provider has them.
 *
 * A new preset joins with a test file that calls {@link presetContract} with the preset as
 * shipped and a way to start its emulator (the preset pointed at it, a registered client, and a
 * browser stand-in that approves an authorization request).
 */
import { decodeJwt } from 'jose';
import {
  codeChallengeS256,
  InvalidGrantError,
  isLoopback,
  MismatchingStateError,
  OAuth2Error,
  OAuth2Session,
  type Token,
} from 'oauth2-session';
import { type ProviderPreset, userRequest } from 'oauth2-session/providers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/** A client registered at the emulator. */
export interface ContractClient {
  readonly clientId: string;
  readonly clientSecret?: string | undefined;
  readonly redirectUri: string;
}

/** A running loopback emulator of the provider, and the preset pointed at it. */
export interface PresetEmulator {
  /** The preset under test, made by the same factory as the shipped one, pointed here. */
  readonly preset: ProviderPreset;
  readonly client: ContractClient;
  /**
   * Plays the browser and a user who approves: visits `authorizationUrl` and answers the
   * callback URL the provider redirects to (which is not visited).
   */
  approve(authorizationUrl: string): Promise<string>;
  /** Fields the user endpoint answers for the user who approved (matched as a subset). */
  readonly user: Readonly<Record<string, unknown>>;
  close(): Promise<void>;
}

/** What {@link presetContract} checks a preset with. */
export interface PresetContract {
  /** The preset as shipped, for the real provider. */
  readonly preset: ProviderPreset;
  /** Starts a fresh emulator; each test gets its own, closed after it. */
  start(): Promise<PresetEmulator>;
  /** Whether this emulator issues refresh tokens: then refresh is checked, else their absence. */
  readonly refresh: boolean;
  /**
   * Whether the provider binds a code to its PKCE verifier (RFC 7636); default true. A provider
   * that documents no PKCE ignores the parameters the session sends: then only single use of the
   * code is checked.
   */
  readonly pkce?: boolean | undefined;
  /**
   * How the user endpoint says a token is no good; default a 401. Providers that answer errors
   * with HTTP 200 (Slack's `{"ok": false}`) say it in the body.
   */
  readonly rejected?: ((answer: { status: number; body: unknown }) => boolean) | undefined;
  /**
   * Whether revocation ends the whole grant (the refresh token too); default true. A provider
   * that documents revoking the access token alone (Twitch) says false: then only the access
   * token is checked to be refused afterwards.
   */
  readonly revokesGrant?: boolean | undefined;
  /**
   * Whether revocation also ends the access token; default true. A provider whose access tokens
   * are self-contained and live until they expire (Auth0 revokes refresh tokens only) says
   * false: then the revoked refresh token is checked to be refused instead.
   */
  readonly revocationEndsAccess?: boolean | undefined;
  /**
   * Whether token answers say when the access token expires (`expires_in`); default true. A
   * provider whose tokens live as long as the user's session there (Salesforce) says false: then
   * the token is checked to have no `expires_at` instead of being refreshed when it is due.
   */
  readonly expires?: boolean | undefined;
  /**
   * Where the signed-in user is read; default `endpoint` (the preset's user endpoint). A
   * provider without one (Sign in with Apple) says `id_token`: the user is the claims of the
   * token answer's ID token, and an expired token is not read with (no request to refresh it).
   */
  readonly userFrom?: 'endpoint' | 'id_token' | undefined;
}

/** The server fields that hold URLs a client visits or fetches. */
const urlFields = (server: ProviderPreset['server']) =>
  Object.entries(server).filter(
    (entry): entry is [string, string] =>
      /_endpoint$|^jwks_uri$|^issuer$/.test(entry[0]) && typeof entry[1] === 'string',
  );

const withoutQuery = (url: string) => {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
};

/** One completed code flow: the callback session holding its token. */
interface Flow {
  emulator: PresetEmulator;
  session: OAuth2Session;
  token: Token;
  saved: Token[];
}

/**
 * Registers the contract suite for one preset (and one emulator configuration).
 *
 * @param name names the suite, e.g. `github (expiring tokens)`
 */
export function presetContract(name: string, contract: PresetContract): void {
  const real = contract.preset;

  describe(`${name}: preset description`, () => {
    it('preset.id: a stable lowercase id, also under its alias name', () => {
      expect(real.id).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(real.name).toBe(real.id);
    });

    it('preset.server: authorization_endpoint and token_endpoint exist', () => {
      expect(real.server.authorization_endpoint).toEqual(expect.any(String));
      expect(real.server.token_endpoint).toEqual(expect.any(String));
      expect(real.authorizeUrl).toBe(real.server.authorization_endpoint);
      expect(real.tokenUrl).toBe(real.server.token_endpoint);
    });

    it('preset.server: every endpoint of the real provider is https, and so is the user endpoint', () => {
      const urls = [...urlFields(real.server), ['user.url', real.user?.url ?? 'https://unset']];
      for (const [field, url] of urls) expect(new URL(url!).protocol, field).toBe('https:');
    });

    it('new OAuth2Session({ provider }): the real preset passes the transport rules as shipped', () => {
      expect(
        () => new OAuth2Session({ clientId: 'id', provider: real, allowInsecureTransport: false }),
      ).not.toThrow();
    });

    it('preset.scope: when set, a list of single scopes', () => {
      for (const scope of real.scope ?? []) expect(scope).toMatch(/^[^\s,]+$/);
    });

    it('preset.authorizationParams: when set, strings the library does not set itself', () => {
      const own = ['response_type', 'client_id', 'redirect_uri', 'scope', 'state'];
      for (const [name, value] of Object.entries(real.authorizationParams ?? {})) {
        expect(own).not.toContain(name);
        expect(name.startsWith('code_challenge')).toBe(false);
        expect(value).toEqual(expect.any(String));
      }
    });
  });

  describe(`${name}: against its emulator`, () => {
    let emulator: PresetEmulator;
    beforeEach(async () => {
      emulator = await contract.start();
    });
    afterEach(() => emulator.close());

    const sessionFor = (extra: Record<string, unknown> = {}) =>
      new OAuth2Session({
        clientId: emulator.client.clientId,
        clientSecret: emulator.client.clientSecret,
        redirectUri: emulator.client.redirectUri,
        provider: emulator.preset,
        ...extra,
      });

    /** Authorization URL, approval, code exchange: the callback's session and its token. */
    async function codeFlow(): Promise<Flow & { callback: string }> {
      const start = sessionFor();
      const { url, state, codeVerifier } = await start.authorizationUrl();
      const callback = await emulator.approve(url);
      const saved: Token[] = [];
      const session = sessionFor({ state, codeVerifier, onToken: (t: Token) => saved.push(t) });
      const token = await session.fetchToken({ authorizationResponse: callback });
      return { emulator, session, token, saved, callback };
    }

    const rejected = contract.rejected ?? (({ status }) => status === 401);

    const readUser = async (session: OAuth2Session) => {
      if (contract.userFrom === 'id_token')
        return { status: 200, body: decodeJwt(session.token?.id_token ?? '') as unknown };
      const res = await session.fetch(...userRequest(emulator.preset, session.token));
      return { status: res.status, body: res.ok ? await res.json() : await res.text() };
    };

    it('emulated preset: the same id and endpoint fields as the real one, on loopback', () => {
      const emulated = emulator.preset;
      expect(emulated.id).toBe(real.id);
      const fields = (p: ProviderPreset) => urlFields(p.server).map(([field]) => field);
      expect(fields(emulated).sort()).toEqual(fields(real).sort());
      for (const [field, url] of urlFields(emulated.server)) {
        const u = new URL(url);
        expect(u.protocol === 'https:' || isLoopback(u.hostname), field).toBe(true);
        const realPath = new URL(real.server[field] as string).pathname;
        expect(u.pathname.endsWith(realPath), field).toBe(true);
      }
      expect(Boolean(emulated.user)).toBe(Boolean(real.user));
    });

    it('OAuth2Session.authorizationUrl(): at the authorization endpoint, with state and an S256 challenge', async () => {
      const { url, state, codeVerifier } = await sessionFor().authorizationUrl();
      const endpoint = emulator.preset.server.authorization_endpoint!;
      expect(withoutQuery(url)).toBe(withoutQuery(endpoint));
      const q = new URL(url).searchParams;
      expect(q.get('response_type')).toBe('code');
      expect(q.get('client_id')).toBe(emulator.client.clientId);
      expect(q.get('redirect_uri')).toBe(emulator.client.redirectUri);
      expect(q.get('state')).toBe(state);
      expect(state.length).toBeGreaterThanOrEqual(43);
      expect(q.get('code_challenge_method')).toBe('S256');
      expect(q.get('code_challenge')).toBe(await codeChallengeS256(codeVerifier!));
      if (emulator.preset.scope?.length)
        expect(q.get('scope')).toBe(
          emulator.preset.scope.join(emulator.preset.scopeSeparator ?? ' '),
        );
      for (const [k, v] of new URL(endpoint).searchParams) expect(q.get(k)).toBe(v);
      for (const [k, v] of Object.entries(emulator.preset.authorizationParams ?? {}))
        expect(q.get(k)).toBe(v);
    });

    it('OAuth2Session({ provider }): a full code flow, then the user endpoint through userRequest and fetch', async () => {
      const { session, token, saved, callback } = await codeFlow();
      expect(new URL(callback).searchParams.get('state')).toBe(session.state);
      expect(withoutQuery(callback)).toBe(withoutQuery(emulator.client.redirectUri));
      expect(token.access_token).toEqual(expect.any(String));
      expect(token.token_type.toLowerCase()).toBe('bearer');
      expect(session.token).toEqual(token);
      expect(saved).toEqual([token]);
      const user = await readUser(session);
      expect(user.status).toBe(200);
      expect(user.body).toMatchObject(emulator.user);
    });

    it('OAuth2Session.fetchToken: a callback with another state is refused and its code stays unspent', async () => {
      const start = sessionFor();
      const { url, state, codeVerifier } = await start.authorizationUrl();
      const callback = new URL(await emulator.approve(url));
      const forged = new URL(callback);
      forged.searchParams.set('state', `${state}x`);
      const session = sessionFor({ state, codeVerifier });
      await expect(
        session.fetchToken({ authorizationResponse: forged.href }),
      ).rejects.toBeInstanceOf(MismatchingStateError);
      expect(session.token).toBeUndefined();
      const token = await session.fetchToken({ authorizationResponse: callback.href });
      expect(token.access_token).toEqual(expect.any(String));
    });

    it(`OAuth2Session.fetchToken: a code is ${contract.pkce === false ? '' : 'bound to its PKCE verifier and '}spent once`, async () => {
      const start = sessionFor();
      const { url, state } = await start.authorizationUrl();
      const callback = await emulator.approve(url);
      const wrong = sessionFor({ state, codeVerifier: 'w'.repeat(43) });
      if (contract.pkce !== false)
        await expect(wrong.fetchToken({ authorizationResponse: callback })).rejects.toBeInstanceOf(
          OAuth2Error,
        );
      const flow = await codeFlow();
      const again = sessionFor({
        state: flow.session.state,
        codeVerifier: flow.session.codeVerifier,
      });
      await expect(
        again.fetchToken({ authorizationResponse: flow.callback }),
      ).rejects.toBeInstanceOf(OAuth2Error);
      expect(again.token).toBeUndefined();
    });

    if (contract.refresh) {
      it('OAuth2Session.refreshToken(): a new access token from the token endpoint, which reads the user', async () => {
        const { session, token, saved } = await codeFlow();
        expect(token.refresh_token).toEqual(expect.any(String));
        const renewed = await session.refreshToken();
        expect(renewed.access_token).not.toBe(token.access_token);
        expect(renewed.refresh_token).toEqual(expect.any(String));
        expect(session.token).toEqual(renewed);
        expect(saved.at(-1)).toEqual(renewed);
        const user = await readUser(session);
        expect(user.status).toBe(200);
        expect(user.body).toMatchObject(emulator.user);
      });

      it(`OAuth2Session.fetch: ${contract.expires === false ? 'a token answer without expires_in has no expires_at' : 'an expired token is refreshed at the token endpoint first'}`, async () => {
        const { token } = await codeFlow();
        if (contract.expires === false) {
          expect(token.expires_at).toBeUndefined();
          return;
        }
        expect(token.expires_at).toEqual(expect.any(Number));
        if (contract.userFrom === 'id_token') return;
        expect(token.expires_at).toEqual(expect.any(Number));
        const later = (token.expires_at! + 120) * 1000;
        const session = sessionFor({ token, clock: () => later });
        const user = await readUser(session);
        expect(user.status).toBe(200);
        expect(session.token?.access_token).not.toBe(token.access_token);
      });

      it('OAuth2Session.refreshToken(): a refresh token the provider refuses is InvalidGrantError', async () => {
        const { token } = await codeFlow();
        const session = sessionFor({ token: { ...token, refresh_token: 'not-a-refresh-token' } });
        const e = await session.refreshToken().catch((x: unknown) => x);
        expect(e).toBeInstanceOf(InvalidGrantError);
        expect(session.token?.access_token).toBe(token.access_token);
      });
    } else {
      it('OAuth2Session.fetchToken: no refresh token is issued, so refreshToken() has none to send', async () => {
        const { session, token } = await codeFlow();
        expect(token.refresh_token).toBeUndefined();
        await expect(session.refreshToken()).rejects.toMatchObject({ code: 'ERR_NO_TOKEN' });
      });
    }

    if (real.server.revocation_endpoint) {
      it('OAuth2Session.revokeToken(): the token is forgotten and no longer reads the user', async () => {
        const { session, token } = await codeFlow();
        await session.revokeToken();
        expect(session.token).toBeUndefined();
        const stale = sessionFor({ token });
        if (contract.revocationEndsAccess === false) {
          await expect(stale.refreshToken()).rejects.toBeInstanceOf(InvalidGrantError);
          return;
        }
        // A 401 `invalid_token` challenge makes the session refresh first, which the revoked
        // grant refuses: that is the user endpoint refusing the token too.
        const answer = await readUser(stale).catch((e: unknown) => {
          if (e instanceof InvalidGrantError) return { status: 401, body: e };
          throw e;
        });
        expect(rejected(answer)).toBe(true);
        if (contract.refresh && contract.revokesGrant !== false)
          await expect(stale.refreshToken()).rejects.toBeInstanceOf(InvalidGrantError);
      });

      it('OAuth2Session.revokeToken(): revoking a token that is already revoked is not an error', async () => {
        const { token } = await codeFlow();
        await sessionFor({ token }).revokeToken();
        const again = sessionFor({ token });
        await expect(again.revokeToken()).resolves.toBeUndefined();
        expect(again.token).toBeUndefined();
      });
    } else {
      it('OAuth2Session.revokeToken(): without a revocation endpoint it needs a URL', async () => {
        const { session, token } = await codeFlow();
        await expect(session.revokeToken()).rejects.toMatchObject({ code: 'ERR_MISSING_OPTION' });
        expect(session.token).toEqual(token);
      });
    }
  });
}
