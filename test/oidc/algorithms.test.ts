/**
 * OpenIDSession with each ID token algorithm it supports: a whole login, the claims kept, and
 * userinfo (JSON, and signed with the same algorithm) checked against the ID token's `sub`.
 * HS256 works only with the client secret, and is refused when the session has none.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  type HostileOp,
  OP_CLIENT,
  type OpAlgorithm,
  startHostileOp,
} from '../harness/hostile-op.js';
import { login, relyingParty } from './helpers.js';

const ALGORITHMS: readonly OpAlgorithm[] = ['RS256', 'ES256', 'PS256', 'EdDSA', 'HS256'];

const ops = new Map<OpAlgorithm, HostileOp>();
beforeAll(async () => {
  for (const alg of ALGORITHMS) ops.set(alg, await startHostileOp({ alg }));
});
afterAll(async () => {
  for (const op of ops.values()) await op.close();
});

describe('OpenIDSession: a login with each algorithm', () => {
  for (const alg of ALGORITHMS) {
    test(`${alg}: the ID token verifies, its claims are kept, userinfo (JSON and signed) answers the same sub`, async () => {
      const op = ops.get(alg)!;
      const { session, error } = await login(op, { idTokenSignedResponseAlg: alg });
      expect(error).toBeUndefined();
      expect(session.token?.id_token).toEqual(expect.any(String));
      const claims = session.idTokenClaims!;
      expect(claims).toMatchObject({ iss: op.issuer, aud: OP_CLIENT.clientId, sub: 'user-1' });
      expect(claims.at_hash).toEqual(expect.any(String));
      expect(await session.userinfo()).toMatchObject({ sub: 'user-1', name: 'Hostile User' });
      op.misbehave({ userinfo: { signed: true } });
      try {
        expect(await session.userinfo()).toMatchObject({ sub: 'user-1', iss: op.issuer });
      } finally {
        op.misbehave();
      }
      expect(op.counts.userinfo).toBe(2);
      // The published keys are fetched for asymmetric algorithms only.
      expect(op.counts.jwks > 0).toBe(alg !== 'HS256');
      op.resetCounts();
    });
  }
});

describe('OpenIDSession: HS256 needs the client secret', () => {
  test('an HS256 session without clientSecret is refused when built (TypeError), before any request', () => {
    const op = ops.get('HS256')!;
    expect(() =>
      relyingParty(op, { clientSecret: undefined, idTokenSignedResponseAlg: 'HS256' }),
    ).toThrow(
      expect.objectContaining({ name: 'TypeError', message: 'HS256 id tokens need clientSecret' }),
    );
  });

  test('idTokenSignedResponseAlg none is refused when built', () => {
    expect(() => relyingParty(ops.get('RS256')!, { idTokenSignedResponseAlg: 'none' })).toThrow(
      TypeError,
    );
  });

  test('an algorithm the server does not advertise is refused when built', () => {
    expect(() => relyingParty(ops.get('RS256')!, { idTokenSignedResponseAlg: 'RS512' })).toThrow(
      'the server does not advertise RS512 for id tokens',
    );
  });
});
