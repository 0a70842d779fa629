/**
 * discover() and MetadataCache against the hostile OP: the issuer matched character for
 * character, required fields and their types, the https rule before any request, error answers,
 * and the cache (TTL with an injected clock, one request for concurrent callers, failures not
 * remembered).
 */
import { OAuth2Error } from 'oauth2-session';
import { DiscoveryError, discover, discoveryUrl, MetadataCache } from 'oauth2-session/oidc';
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import { type HostileOp, startHostileOp } from '../harness/hostile-op.js';
import { manualClock } from './helpers.js';

let op: HostileOp;
beforeAll(async () => {
  op = await startHostileOp();
});
afterAll(() => op?.close());
beforeEach(() => {
  op.misbehave();
  op.resetCounts();
});

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e,
  );

async function expectDiscoveryError(promise: Promise<unknown>, check: string) {
  const error = await refusal(promise);
  expect(error).toBeInstanceOf(DiscoveryError);
  expect(error).toMatchObject({ check, code: 'OAUTH_DISCOVERY_ERROR' });
}

describe('discover: the issuer', () => {
  test('the OP as it is: a frozen description naming every endpoint, one request', async () => {
    const server = await discover(op.issuer);
    expect(server.issuer).toBe(op.issuer);
    expect(server.token_endpoint).toBe(`${op.issuer}/token`);
    expect(Object.isFrozen(server)).toBe(true);
    expect(op.counts.discovery).toBe(1);
  });

  test('rp-discovery-issuer-not-matching-config: a document naming another issuer is check "issuer"', async () => {
    op.misbehave({ discovery: { issuer: 'https://impostor.example' } });
    await expectDiscoveryError(discover(op.issuer), 'issuer');
  });

  test('a trailing slash the document does not have (or has and the caller does not) is check "issuer"', async () => {
    await expectDiscoveryError(discover(`${op.issuer}/`), 'issuer');
    op.misbehave({ discovery: { issuer: `${op.issuer}/` } });
    await expectDiscoveryError(discover(op.issuer), 'issuer');
  });

  test('an issuer that differs only in case is check "issuer"', async () => {
    op.misbehave({ discovery: { issuer: op.issuer.replace('http', 'HTTP') } });
    await expectDiscoveryError(discover(op.issuer), 'issuer');
  });

  test('a document without issuer is check "issuer"', async () => {
    op.misbehave({ discovery: { issuer: undefined } });
    await expectDiscoveryError(discover(op.issuer), 'issuer');
  });

  test('an http issuer on a non-loopback host is refused (InsecureTransportError) without a request', async () => {
    const fetch = vi.fn(async () => new Response('{}'));
    const error = await refusal(discover('http://op.example', { fetch }));
    expect(error).toMatchObject({
      name: 'InsecureTransportError',
      code: 'OAUTH_INSECURE_TRANSPORT',
    });
    expect(fetch).not.toHaveBeenCalled();
  });

  test('an empty issuer is a TypeError', async () => {
    await expect(discover('')).rejects.toThrow(TypeError);
  });

  test('discoveryUrl: OIDC appends, RFC 8414 inserts before the path', () => {
    expect(discoveryUrl('https://op.example/tenant/').href).toBe(
      'https://op.example/tenant/.well-known/openid-configuration',
    );
    expect(discoveryUrl('https://op.example/tenant', 'oauth-authorization-server').href).toBe(
      'https://op.example/.well-known/oauth-authorization-server/tenant',
    );
  });
});

describe('discover: required fields and their types', () => {
  const required = [
    'authorization_endpoint',
    'token_endpoint',
    'jwks_uri',
    'response_types_supported',
    'subject_types_supported',
    'id_token_signing_alg_values_supported',
  ];
  for (const field of required) {
    test(`without ${field}: check "required"`, async () => {
      op.misbehave({ discovery: { [field]: undefined } });
      await expectDiscoveryError(discover(op.issuer), 'required');
    });
  }

  const wrongLists: Record<string, unknown> = {
    response_types_supported: 'code',
    id_token_signing_alg_values_supported: ['RS256', 7],
    scopes_supported: { openid: true },
    code_challenge_methods_supported: null,
  };
  for (const [field, value] of Object.entries(wrongLists)) {
    test(`${field}: ${JSON.stringify(value)} is not a list of strings: check "required"`, async () => {
      op.misbehave({ discovery: { [field]: value } });
      await expectDiscoveryError(discover(op.issuer), 'required');
    });
  }

  test('an endpoint that is not a string is check "required"', async () => {
    op.misbehave({ discovery: { userinfo_endpoint: 42 } });
    await expectDiscoveryError(discover(op.issuer), 'required');
  });

  test('an endpoint on plain http to a non-loopback host is an InsecureTransportError', async () => {
    op.misbehave({ discovery: { token_endpoint: 'http://op.example/token' } });
    const error = await refusal(discover(op.issuer));
    expect(error).toMatchObject({ code: 'OAUTH_INSECURE_TRANSPORT' });
  });

  test('RFC 8414 metadata needs only token_endpoint and response_types_supported', async () => {
    const fetch = vi.fn(
      async () =>
        new Response(
          JSON.stringify({
            issuer: 'https://as.example',
            token_endpoint: 'https://as.example/token',
            response_types_supported: ['code'],
          }),
        ),
    );
    const server = await discover('https://as.example', {
      wellKnown: 'oauth-authorization-server',
      fetch,
    });
    expect(server.token_endpoint).toBe('https://as.example/token');
    expect(String((fetch.mock.calls[0] as unknown[])[0])).toBe(
      'https://as.example/.well-known/oauth-authorization-server',
    );
  });
});

describe('discover: error answers', () => {
  test('a 404 is check "status" with the status', async () => {
    op.misbehave({ answer: { discovery: { status: 404, body: '{"error":"not_found"}' } } });
    const error = await refusal(discover(op.issuer));
    expect(error).toBeInstanceOf(DiscoveryError);
    expect(error).toMatchObject({ check: 'status', status: 404 });
  });

  for (const body of ['<html>hello</html>', '[]', '"issuer"', 'null', '']) {
    test(`a document ${JSON.stringify(body)} is check "format"`, async () => {
      op.misbehave({ answer: { discovery: { body, contentType: 'text/html' } } });
      await expectDiscoveryError(discover(op.issuer), 'format');
    });
  }

  test('an oversized document is OAUTH_RESPONSE_TOO_LARGE', async () => {
    const body = JSON.stringify({ ...op.metadata, padding: 'x'.repeat(70_000) });
    op.misbehave({ answer: { discovery: { body } } });
    const error = await refusal(discover(op.issuer));
    expect(error).toBeInstanceOf(OAuth2Error);
    expect(error).toMatchObject({ code: 'OAUTH_RESPONSE_TOO_LARGE' });
    await expect(discover(op.issuer, { maxResponseBytes: 1_000_000 })).resolves.toBeDefined();
  });

  test('a dead discovery endpoint is OAUTH_NETWORK_ERROR', async () => {
    op.misbehave({ dead: ['discovery'] });
    await expect(discover(op.issuer)).rejects.toMatchObject({ code: 'OAUTH_NETWORK_ERROR' });
  });

  test('a slow discovery endpoint is OAUTH_TIMEOUT at the deadline', async () => {
    op.misbehave({ delayMs: { discovery: 2_000 } });
    await expect(discover(op.issuer, { timeoutMs: 200 })).rejects.toMatchObject({
      code: 'OAUTH_TIMEOUT',
    });
  });
});

describe('MetadataCache', () => {
  test('one request per ttlMs (injected clock): the same object while fresh, fetched again at ttlMs', async () => {
    const clock = manualClock();
    const cache = new MetadataCache({ ttlMs: 60_000, clock: clock.now });
    const first = await cache.get(op.issuer);
    clock.advance(59_999);
    expect(await cache.get(op.issuer)).toBe(first);
    expect(op.counts.discovery).toBe(1);
    clock.advance(1);
    expect(await cache.get(op.issuer)).not.toBe(first);
    expect(op.counts.discovery).toBe(2);
  });

  test('concurrent callers share one request', async () => {
    const cache = new MetadataCache();
    op.misbehave({ delayMs: { discovery: 100 } });
    const servers = await Promise.all(Array.from({ length: 20 }, () => cache.get(op.issuer)));
    expect(new Set(servers).size).toBe(1);
    expect(op.counts.discovery).toBe(1);
  });

  test('a failed fetch is not cached: the next call asks again and succeeds', async () => {
    const cache = new MetadataCache();
    op.misbehave({ answer: { discovery: { status: 503, body: '{}' } } });
    const failed = await Promise.allSettled([cache.get(op.issuer), cache.get(op.issuer)]);
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(op.counts.discovery).toBe(1);
    op.misbehave();
    expect((await cache.get(op.issuer)).issuer).toBe(op.issuer);
    expect(op.counts.discovery).toBe(2);
  });

  test('a document naming another issuer is refused and not cached', async () => {
    const cache = new MetadataCache();
    op.misbehave({ discovery: { issuer: 'https://impostor.example' } });
    await expectDiscoveryError(cache.get(op.issuer), 'issuer');
    op.misbehave();
    await expect(cache.get(op.issuer)).resolves.toMatchObject({ issuer: op.issuer });
  });

  test('ttlMs must be a number of ms, 0 or more', () => {
    expect(() => new MetadataCache({ ttlMs: -1 })).toThrow(TypeError);
  });
});
