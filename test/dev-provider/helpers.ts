import { createHash, randomBytes } from 'node:crypto';
import type { DevProvider } from 'oauth2-session/dev-provider';

export const CLIENT = {
  clientId: 'app-id',
  clientSecret: 'app-secret',
  redirectUris: ['http://127.0.0.1:5999/callback'],
  name: 'Test App',
};
export const CALLBACK = CLIENT.redirectUris[0]!;

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function authorizeUrl(provider: DevProvider, params: Record<string, string>): string {
  const url = new URL(provider.authorizeUrl);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.href;
}

/** GET authorize without following redirects. */
export function getAuthorize(
  provider: DevProvider,
  params: Record<string, string>,
): Promise<Response> {
  return fetch(authorizeUrl(provider, params), { redirect: 'manual' });
}

export function requestIdOf(html: string): string {
  const match = /name="request_id" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no request_id in consent page');
  return match[1]!;
}

/** Posts the consent form as the browser would. */
export function postConsent(
  provider: DevProvider,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(provider.authorizeUrl, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields),
  });
}

/** Runs authorize + consent; answers the redirect location. */
export async function authorizeAndApprove(
  provider: DevProvider,
  params: Record<string, string>,
  login?: string,
): Promise<URL> {
  const page = await getAuthorize(provider, params);
  if (page.status !== 200) throw new Error(`authorize answered ${page.status}`);
  const fields: Record<string, string> = {
    request_id: requestIdOf(await page.text()),
    authorize: '1',
  };
  if (login) fields.login = login;
  const answer = await postConsent(provider, fields);
  return new URL(answer.headers.get('location')!);
}

/** A code for CLIENT with PKCE; answers the code and verifier. */
export async function obtainCode(
  provider: DevProvider,
  extra: Record<string, string> = {},
): Promise<{ code: string; verifier: string }> {
  const { verifier, challenge } = pkcePair();
  const location = await authorizeAndApprove(provider, {
    client_id: CLIENT.clientId,
    state: 's1',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...extra,
  });
  return { code: location.searchParams.get('code')!, verifier };
}

export function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

/** POSTs to the token endpoint, with Basic auth for CLIENT unless `auth: false`. */
export async function tokenRequest(
  provider: DevProvider,
  params: Record<string, string>,
  opts: { json?: boolean | undefined; auth?: boolean | undefined } = {},
): Promise<{ status: number; type: string; fields: Record<string, unknown> }> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (opts.json) headers.accept = 'application/json';
  if (opts.auth !== false) headers.authorization = basic(CLIENT.clientId, CLIENT.clientSecret);
  const res = await fetch(provider.tokenUrl, {
    method: 'POST',
    headers,
    body: new URLSearchParams(params),
  });
  const type = res.headers.get('content-type') ?? '';
  const text = await res.text();
  const fields = type.startsWith('application/json')
    ? (JSON.parse(text) as Record<string, unknown>)
    : Object.fromEntries(new URLSearchParams(text));
  return { status: res.status, type, fields };
}

export function getUser(provider: DevProvider, authorization?: string): Promise<Response> {
  const headers: Record<string, string> = { 'user-agent': 'dev-provider-test' };
  if (authorization !== undefined) headers.authorization = authorization;
  return fetch(provider.userUrl, { headers });
}
