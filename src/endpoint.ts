/**
 * The endpoint pipeline: every call to an authorization server endpoint (token, revocation;
 * next pushed authorization, device authorization, introspection) goes through the same steps,
 * in this order: parameters, client authentication, `*.request` hooks, send (one transport, no
 * redirects, one deadline), `*.response` hooks, read (bounded), `*.parsed` hooks, then the
 * answer's error rules. Each step is a small function of its own, testable with canned values.
 *
 * @module
 */

import {
  type ClientAuthentication,
  type ClientAuthMethod,
  resolveClientAuth,
} from './client-auth.js';
import { defaults } from './defaults.js';
import { errorFromParams, OAuth2Error } from './errors.js';
import type { EndpointName, EndpointRequest, HookContext, HookRegistry } from './hooks.js';
import type { AuthorizationServer } from './server.js';
import type { Token } from './token.js';
import { parseBody } from './token.js';
import { readBounded, redactedExcerpt, type Transport } from './transport.js';

/** Request parameters; `undefined` values are left out. */
export type EndpointParams = Record<string, string | undefined>;

/** @internal What the pipeline needs of the client that calls. */
export interface EndpointClient {
  readonly clientId: string;
  readonly auth: ClientAuthentication;
  readonly server?: AuthorizationServer | undefined;
  readonly transport: Transport;
  readonly hooks: HookRegistry;
  /** Largest answer body read, in bytes. */
  readonly maxResponseBytes: number;
}

/** @internal What {@link sessionClient} reads of a session's options. */
export interface EndpointClientOptions {
  readonly clientId: string;
  readonly clientAuth?: ClientAuthMethod | ClientAuthentication | undefined;
  readonly server?: AuthorizationServer | undefined;
  readonly maxResponseBytes?: number | undefined;
}

/**
 * A session's side of the pipeline. Its client authentication is resolved per request, from the
 * secret as it stands then (a secret given to `fetchToken` is used from then on).
 *
 * @internal
 */
export function sessionClient(
  o: EndpointClientOptions,
  transport: Transport,
  hooks: HookRegistry,
  secret: () => string | undefined,
): EndpointClient {
  let made: { secret: string | undefined; auth: ClientAuthentication } | undefined;
  return {
    clientId: o.clientId,
    get auth() {
      const current = secret();
      // Stryker disable next-line ConditionalExpression: the `true` variants make the strategy
      // again on every call: resolveClientAuth is a pure function of the options, the secret and
      // the server, so it is the same strategy (and no caller of this internal client compares
      // strategies). `false` for the secret test never uses a later secret (the later-secret
      // test, endpoint-rules); `false` for the others reads `made` while undefined (every test)
      if (!made || made.secret !== current)
        made = { secret: current, auth: resolveClientAuth(o.clientAuth, current, o.server) };
      return made.auth;
    },
    server: o.server,
    transport,
    hooks,
    maxResponseBytes: o.maxResponseBytes ?? defaults.maxResponseBytes,
  };
}

/** @internal One call: which endpoint, where, with what. */
export interface EndpointCall {
  readonly endpoint: EndpointName;
  /** Already held to the transport's rule by the caller (it names the option in errors). */
  readonly url: URL;
  readonly params: EndpointParams;
  readonly headers?: HeadersInit | undefined;
  readonly signal?: AbortSignal | undefined;
  /** The session's token (revocation), for hooks. */
  readonly token?: Token | undefined;
}

/** @internal A successful answer: its fields (`undefined` when the body is neither JSON nor a form). */
export interface EndpointAnswer {
  readonly fields: Record<string, unknown> | undefined;
  readonly response: Response;
}

/**
 * Makes an endpoint request: the parameters as a form body, `Accept: application/json`,
 * POST. Client authentication is added by the next step.
 */
export function endpointRequest(
  endpoint: EndpointName,
  url: URL,
  params: EndpointParams,
  headers?: HeadersInit,
): EndpointRequest {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(params))
    if (value !== undefined) body.set(name, value);
  const h = new Headers(headers);
  h.set('accept', 'application/json');
  h.set('content-type', 'application/x-www-form-urlencoded;charset=UTF-8');
  return { endpoint, url, method: 'POST', headers: h, body };
}

/** The `fetch` init of an endpoint request: its method, headers and body (form, or JSON when set). */
export function endpointInit(request: EndpointRequest): RequestInit & { headers: Headers } {
  const { method, headers, json } = request;
  if (json === undefined) return { method, headers, body: request.body.toString() };
  headers.set('content-type', 'application/json');
  return { method, headers, body: JSON.stringify(json) };
}

function isRedirect(response: Response): boolean {
  return response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400);
}

/** An answer's body, read within bounds; a redirect is refused before any of it is read. */
export interface ReadAnswer {
  readonly fields: Record<string, unknown> | undefined;
  readonly text: string;
}

/**
 * Reads an endpoint's answer: refuses a redirect (an endpoint answer is never followed), reads
 * at most `maxBytes`, parses JSON or form fields.
 */
export async function readAnswer(
  response: Response,
  endpoint: string,
  maxBytes: number,
): Promise<ReadAnswer> {
  if (isRedirect(response)) {
    void response.body?.cancel().catch(() => {});
    throw new OAuth2Error(`${endpoint} endpoint answered a redirect`, {
      code: 'OAUTH_UNEXPECTED_REDIRECT',
      status: response.status,
      response,
    });
  }
  const text = await readBounded(response, maxBytes);
  return { text, fields: parseBody(text, response.headers.get('content-type')) };
}

/**
 * The error rules of an answer: an `error` field is that OAuth error whatever the status
 * (GitHub answers errors with 200); an `error` that is not a string is no success either; a
 * non-2xx answer without one is `OAUTH_HTTP_ERROR` with the status and a redacted excerpt.
 *
 * @see RFC 6749 section 5.2, RFC 7009 section 2.2.1
 */
export function checkAnswer(endpoint: string, read: ReadAnswer, response: Response): void {
  const { status } = response;
  const error = read.fields?.['error'];
  if (typeof error === 'string')
    throw errorFromParams(`${endpoint} request failed`, read.fields!, status, response);
  if (error !== undefined && error !== null) {
    throw new OAuth2Error(`${endpoint} response has a malformed error`, {
      code: 'OAUTH_INVALID_RESPONSE',
      status,
      response,
    });
  }
  if (!response.ok) {
    throw new OAuth2Error(`${endpoint} endpoint answered ${status}`, {
      code: 'OAUTH_HTTP_ERROR',
      status,
      excerpt: redactedExcerpt(read.text),
      response,
    });
  }
}

/**
 * Reads what an OAuth endpoint answered (no hooks): {@link readAnswer} then {@link checkAnswer}.
 *
 * @param endpoint names the endpoint in messages (`token`, `revocation`)
 * @returns the fields, or `undefined` when the body is neither JSON nor form data
 */
export async function readEndpointAnswer(
  response: Response,
  endpoint: string,
  maxBytes: number,
): Promise<Record<string, unknown> | undefined> {
  const read = await readAnswer(response, endpoint, maxBytes);
  checkAnswer(endpoint, read, response);
  return read.fields;
}

/** The request after client authentication and the `*.request` hooks, its URL checked again. */
async function prepare(
  client: EndpointClient,
  call: EndpointCall,
  context: HookContext,
): Promise<EndpointRequest> {
  const request = endpointRequest(call.endpoint, call.url, call.params, call.headers);
  const { headers, body } = request;
  await client.auth({
    url: call.url,
    headers,
    body,
    clientId: client.clientId,
    server: client.server,
  });
  const stage = `${call.endpoint}.request` as const;
  // Stryker disable next-line ConditionalExpression: without hooks the request comes back as it
  // went and its URL passes the check it passed already: skipping them is only faster
  if (!client.hooks.has(stage)) return request;
  const hooked = await client.hooks.request(stage, request, context);
  // A hook may send the request elsewhere: the https rule holds there too.
  hooked.url = client.transport.checkUrl(hooked.url, `${call.endpoint} url`);
  return hooked;
}

/** Reads the answer (within the transport's deadline, which covers the body): `*.response` hooks, bounded read, `*.parsed` hooks, error rules. */
async function answer(
  client: EndpointClient,
  endpoint: EndpointName,
  sent: Response,
  context: HookContext,
): Promise<EndpointAnswer> {
  const response = await client.hooks.response(`${endpoint}.response`, sent, context);
  let read = await readAnswer(response, endpoint, client.maxResponseBytes);
  if (read.fields && client.hooks.has(`${endpoint}.parsed`)) {
    const parsed = { ...context, status: response.status };
    read = {
      ...read,
      fields: await client.hooks.request(`${endpoint}.parsed`, read.fields, parsed),
    };
  }
  checkAnswer(endpoint, read, response);
  return { fields: read.fields, response };
}

/**
 * Calls one endpoint through the whole pipeline.
 *
 * @throws OAuth2Error (its RFC subclass for an `error` answer), TimeoutError, the caller's abort reason
 * @internal
 */
export async function callEndpoint(
  client: EndpointClient,
  call: EndpointCall,
): Promise<EndpointAnswer> {
  const context: HookContext = {
    endpoint: call.endpoint,
    clientId: client.clientId,
    grantType: call.params['grant_type'],
    token: call.token,
  };
  const request = await prepare(client, call, context);
  // Never followed: an endpoint that answers a redirect is refused by the reader.
  const init = { ...endpointInit(request), redirect: 'manual' as const, signal: call.signal };
  const sent = await client.transport.request({ url: request.url.href, init });
  return answer(client, call.endpoint, sent, context);
}
