/**
 * Provider metadata from an issuer alone (OpenID Connect Discovery 1.0, RFC 8414): fetched,
 * checked and turned into the one server description every session takes.
 *
 * @module
 */

import { defaults } from '../defaults.js';
import { checkNumber, misuse } from '../errors.js';
import type { AuthorizationServer } from '../server.js';
import { type FetchLike, readBounded, Transport, type TransportOptions } from '../transport.js';
import { DiscoveryError } from './errors.js';

/** Which well-known document to read. */
export type WellKnown = 'openid-configuration' | 'oauth-authorization-server';

/** Options of {@link discover}; units in the names. */
export interface DiscoveryOptions extends TransportOptions {
  /** Default `openid-configuration` (OIDC Discovery); `oauth-authorization-server` is RFC 8414's. */
  wellKnown?: WellKnown | undefined;
  /** The largest document read, in bytes. Default 65 536. */
  maxResponseBytes?: number | undefined;
  signal?: AbortSignal | undefined;
}

/** Fields whose value is a URL: each is held to the https rule. */
const URL_FIELD = /_endpoint$|^jwks_uri$/;
/** Fields whose value is a list of strings (the `*_parameter_supported` ones are booleans). */
const LIST_FIELD = /(?:values|methods|types|modes|scopes|claims|locales)_supported$/;
const REQUIRED: Record<WellKnown, readonly string[]> = {
  'openid-configuration': [
    'authorization_endpoint',
    'token_endpoint',
    'jwks_uri',
    'response_types_supported',
    'subject_types_supported',
    'id_token_signing_alg_values_supported',
  ],
  'oauth-authorization-server': ['token_endpoint', 'response_types_supported'],
};

/**
 * Where an issuer's metadata lives: `<issuer>/.well-known/openid-configuration` for OIDC, the
 * well-known segment inserted before the issuer's path for RFC 8414.
 *
 * @see OpenID Connect Discovery 1.0 section 4.1, RFC 8414 section 3.1
 */
export function discoveryUrl(issuer: string, wellKnown: WellKnown = 'openid-configuration'): URL {
  const base = new URL(issuer);
  const path = base.pathname.replace(/\/$/, '');
  return wellKnown === 'openid-configuration'
    ? new URL(`${base.origin}${path}/.well-known/openid-configuration`)
    : new URL(`${base.origin}/.well-known/oauth-authorization-server${path}`);
}

/**
 * Fetches an issuer's metadata and checks it: the answer's `issuer` must equal `issuer`
 * character for character (a provider naming another issuer may be an impostor), the required
 * fields be there with the right types, and every endpoint URL pass the https rule (plain http
 * only to loopback, unless allowed).
 *
 * @param issuer the issuer identifier exactly as the provider spells it
 *   (`https://accounts.google.com`, `https://login.microsoftonline.com/<tenant>/v2.0`)
 * @returns a frozen server description for `OAuth2Session({ server })` or `OpenIDSession`
 * @throws DiscoveryError (`check` names the rule), InsecureTransportError, TimeoutError,
 *   OAuth2Error `OAUTH_NETWORK_ERROR` or `OAUTH_RESPONSE_TOO_LARGE`
 * @example
 * ```ts
 * const server = await discover('https://accounts.google.com');
 * const session = new OpenIDSession({ clientId, clientSecret, server, redirectUri });
 * ```
 */
export async function discover(
  issuer: string,
  options: DiscoveryOptions = {},
): Promise<AuthorizationServer> {
  if (typeof issuer !== 'string' || !issuer) throw misuse('issuer must be a non-empty string');
  const wellKnown = options.wellKnown ?? 'openid-configuration';
  const transport = new Transport(options);
  const url = transport.checkUrl(discoveryUrl(issuer, wellKnown), 'discovery url');
  const response = await transport.request({
    url: url.href,
    init: {
      method: 'GET',
      headers: new Headers({ accept: 'application/json' }),
      signal: options.signal,
    },
  });
  const text = await readBounded(response, options.maxResponseBytes ?? defaults.maxResponseBytes);
  if (response.status !== 200)
    throw new DiscoveryError('status', `status ${response.status}`, { status: response.status });
  return checkMetadata(parseObject(text), issuer, wellKnown, transport);
}

function parseObject(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new DiscoveryError('format', 'the document is not a JSON object');
  return value as Record<string, unknown>;
}

/**
 * The checks of {@link discover} on an already parsed document: for metadata that arrives
 * another way (a file, a cache).
 *
 * @throws DiscoveryError, InsecureTransportError
 */
export function checkMetadata(
  fields: Record<string, unknown>,
  issuer: string,
  wellKnown: WellKnown = 'openid-configuration',
  transport: Transport = new Transport(),
): AuthorizationServer {
  if (fields['issuer'] !== issuer) {
    const named = typeof fields['issuer'] === 'string' ? fields['issuer'] : 'none';
    throw new DiscoveryError('issuer', `the document names issuer ${named}, not ${issuer}`);
  }
  for (const field of REQUIRED[wellKnown]) {
    if (fields[field] === undefined) throw new DiscoveryError('required', `${field} is missing`);
  }
  for (const [field, value] of Object.entries(fields)) checkField(field, value, transport);
  return Object.freeze({ ...fields }) as AuthorizationServer;
}

function isHttpUrl(value: string): boolean {
  try {
    return /^https?:$/.test(new URL(value).protocol);
  } catch {
    return false;
  }
}

function checkField(field: string, value: unknown, transport: Transport): void {
  const wrong = (type: string) => new DiscoveryError('required', `${field} must be ${type}`);
  if (URL_FIELD.test(field) || field === 'issuer') {
    // Provider data, not the caller's: a URL that is not one is the document's fault.
    if (typeof value !== 'string' || !isHttpUrl(value)) throw wrong('an http(s) URL');
    transport.checkUrl(value, field);
  } else if (LIST_FIELD.test(field)) {
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string'))
      throw wrong('a list of strings');
  }
}

/** Options of {@link MetadataCache}; units in the names. */
export interface MetadataCacheOptions extends DiscoveryOptions {
  /** How long a document is used before it is fetched again, in milliseconds. Default 1 hour. */
  ttlMs?: number | undefined;
  /** The clock, in milliseconds since the epoch. Default `Date.now`. */
  clock?: (() => number) | undefined;
}

/**
 * {@link discover} with a memory: each issuer's document is fetched once per `ttlMs`, concurrent
 * callers share one request, and a failed fetch is not remembered (the next call tries again).
 *
 * @example
 * ```ts
 * const metadata = new MetadataCache({ ttlMs: 600_000 });
 * const server = await metadata.get('https://login.example.com'); // fetched
 * await metadata.get('https://login.example.com'); // the same object, no request
 * ```
 */
export class MetadataCache {
  readonly #o: MetadataCacheOptions;
  readonly #ttlMs: number;
  readonly #entries = new Map<string, { server: Promise<AuthorizationServer>; expires: number }>();

  constructor(options: MetadataCacheOptions = {}) {
    this.#ttlMs = options.ttlMs ?? 3_600_000;
    checkNumber(this.#ttlMs, 'ttlMs must be a number of ms, 0 or more', { min: 0 });
    this.#o = options;
  }

  /** The issuer's checked metadata, from memory while it is fresh. */
  get(issuer: string, fetch?: FetchLike): Promise<AuthorizationServer> {
    const now = (this.#o.clock ?? Date.now)();
    const key = `${this.#o.wellKnown ?? ''} ${issuer}`;
    const entry = this.#entries.get(key);
    if (entry && entry.expires > now) return entry.server;
    const server = discover(issuer, { ...this.#o, fetch: fetch ?? this.#o.fetch });
    this.#entries.set(key, { server, expires: now + this.#ttlMs });
    server.catch(() => {
      if (this.#entries.get(key)?.server === server) this.#entries.delete(key);
    });
    return server;
  }
}
