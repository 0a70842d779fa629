/**
 * The core's web application flow, written once and run unchanged on every runtime: the
 * authorization URL, a forged callback refused before any network call, the callback read and
 * the code exchanged, a refresh, and an authenticated request, all against the dev provider
 * the test started on loopback. Answers a JSON report the test checks; an error is reported
 * by its class, code and message (never by a token, which the report never holds).
 */
import { MismatchingStateError, OAuth2Session, type Token } from 'oauth2-session';

/** Where the flow goes; the test fills it in when it bundles the scenario. */
export interface CoreConfig {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  authorizeUrl: string;
  tokenUrl: string;
  userUrl: string;
}

/** What the flow saw, step by step. */
export interface CoreReport {
  /** `navigator.userAgent` where the flow ran: proof of which runtime it was. */
  runtime: string;
  authorization: { challengeMethod: string | null; stateLength: number; sameOrigin: boolean };
  forgedCallback: { refused: boolean; code: string | undefined };
  token: { type: string; expires: boolean; refreshable: boolean; scope: string[] };
  refresh: { newAccessToken: boolean; newRefreshToken: boolean; onTokenCalls: number };
  user: { status: number; login: unknown; refreshedFirst: boolean };
  error?: { name: string; code: unknown; message: unknown } | undefined;
}

/** Runs the flow; never throws (a failure is the report's `error`). */
export function runCore(config: CoreConfig): Promise<Partial<CoreReport>> {
  return reporting((report) => flow(config, report));
}

/** A new report filled by `steps`; a failure is its `error`. */
export async function reporting(
  steps: (report: Partial<CoreReport>) => Promise<void>,
): Promise<Partial<CoreReport>> {
  const report: Partial<CoreReport> = { runtime: runtimeName() };
  try {
    await steps(report);
  } catch (error) {
    // The library's messages name parameters, never a secret (and the report holds no token).
    const e = error as { name?: unknown; code?: unknown; message?: unknown };
    report.error = { name: String(e?.name ?? typeof error), code: e?.code, message: e?.message };
  }
  return report;
}

/** The runtime's own name for itself (`Bun/1.4.5`, `Deno/2.9.6`, `Cloudflare-Workers`, ...). */
export function runtimeName(): string {
  return (globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent ?? 'unknown';
}

async function flow(config: CoreConfig, report: Partial<CoreReport>): Promise<void> {
  const login = await startLogin(config, report);
  // The provider approves at once (autoApprove) and redirects to the callback with a code.
  const approved = await fetch(login.url, { redirect: 'manual' });
  await approved.body?.cancel();
  await finishLogin(config, login, approved.headers.get('location') ?? '', report);
}

/** What a login keeps until its callback (a page keeps it in sessionStorage). */
export interface StartedLogin {
  url: string;
  state: string;
  codeVerifier: string;
}

/** The authorization URL, with a fresh state and PKCE verifier. */
export async function startLogin(
  config: CoreConfig,
  report: Partial<CoreReport>,
): Promise<StartedLogin> {
  const { clientId, redirectUri } = config;
  const start = new OAuth2Session({ clientId, redirectUri, scope: ['read:user'] });
  const { url, state, codeVerifier } = await start.authorizationUrl(config.authorizeUrl);
  const authorize = new URL(url);
  report.authorization = {
    challengeMethod: authorize.searchParams.get('code_challenge_method'),
    stateLength: state.length,
    sameOrigin: authorize.origin === new URL(config.authorizeUrl).origin,
  };
  if (codeVerifier === undefined) throw new Error('authorizationUrl made no PKCE verifier');
  return { url, state, codeVerifier };
}

/**
 * The callback: a forged state refused before any network call, the code exchanged, a
 * refresh, and an authenticated request.
 */
export async function finishLogin(
  config: CoreConfig,
  login: StartedLogin,
  callbackUrl: string,
  report: Partial<CoreReport>,
): Promise<void> {
  const { clientId, clientSecret, redirectUri } = config;
  const { state, codeVerifier } = login;
  const forged = new OAuth2Session({ clientId, redirectUri, state: `${state}x`, codeVerifier });
  const refusal = await forged
    .fetchToken(config.tokenUrl, { clientSecret, authorizationResponse: callbackUrl })
    .then(
      () => undefined,
      (error: unknown) => error,
    );
  report.forgedCallback = {
    refused: refusal instanceof MismatchingStateError,
    code: (refusal as { code?: string } | undefined)?.code,
  };

  const callback = new OAuth2Session({ clientId, redirectUri, state, codeVerifier });
  const token = await callback.fetchToken(config.tokenUrl, {
    clientSecret,
    authorizationResponse: callbackUrl,
  });
  report.token = {
    type: token.token_type,
    expires: typeof token.expires_at === 'number',
    refreshable: typeof token.refresh_token === 'string',
    scope: token.scope ?? [],
  };
  await spendToken(config, token, report);
}

/**
 * A refresh, then an authenticated request with the new token once it has expired: the
 * session refreshes it first (`autoRefreshUrl`) and hands the new one to `onToken`.
 */
async function spendToken(config: CoreConfig, token: Token, report: Partial<CoreReport>) {
  const saved: Token[] = [];
  const sessionWith = (current: Token) =>
    new OAuth2Session({
      clientId: config.clientId,
      clientSecret: config.clientSecret,
      token: current,
      autoRefreshUrl: config.tokenUrl,
      onToken: (next) => {
        saved.push(next);
      },
    });
  const refreshed = await sessionWith(token).refreshToken(config.tokenUrl);
  report.refresh = {
    newAccessToken: refreshed.access_token !== token.access_token,
    newRefreshToken: refreshed.refresh_token !== token.refresh_token,
    onTokenCalls: saved.length,
  };

  const later = sessionWith({ ...refreshed, expires_at: Math.floor(Date.now() / 1000) - 60 });
  // GitHub (and the dev provider) refuse API requests without a User-Agent.
  const user = await later.get(config.userUrl, {
    headers: { 'user-agent': 'oauth2-session-test' },
  });
  const body = (await user.json()) as { login?: unknown };
  report.user = {
    status: user.status,
    login: body.login,
    refreshedFirst: saved.length === 2 && later.token?.access_token === saved[1]?.access_token,
  };
}
