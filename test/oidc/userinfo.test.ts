/**
 * OpenIDSession.userinfo() and fetchUserinfo against the hostile OP: JSON and signed-JWT answers,
 * a `sub` other than the ID token's (rp-userinfo-bad-sub-claim), a bad signature, a 401.
 */
import { OAuth2Session } from 'oauth2-session';
import { fetchUserinfo, UserinfoError } from 'oauth2-session/oidc';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { type HostileOp, OP_CLIENT, startHostileOp } from '../harness/hostile-op.js';
import { login, relyingParty } from './helpers.js';

let op: HostileOp;
beforeAll(async () => {
  op = await startHostileOp();
});
afterAll(() => op?.close());
beforeEach(() => {
  op.misbehave();
  op.resetCounts();
});

async function loggedIn() {
  const { session, error } = await login(op);
  expect(error).toBeUndefined();
  return session;
}

async function expectUserinfoError(promise: Promise<unknown>, check: string) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserinfoError);
  expect(error).toMatchObject({ check, code: 'OAUTH_INVALID_USERINFO' });
}

describe('OpenIDSession.userinfo', () => {
  test('a JSON answer with the ID token sub is answered', async () => {
    const session = await loggedIn();
    expect(await session.userinfo()).toEqual({
      sub: OP_CLIENT.subject,
      name: 'Hostile User',
      email: 'user@hostile.example',
    });
    expect(op.counts.userinfo).toBe(1);
  });

  test('a signed JWT answer (application/jwt) is verified and answered', async () => {
    const session = await loggedIn();
    op.misbehave({ userinfo: { signed: true } });
    expect(await session.userinfo()).toMatchObject({
      sub: OP_CLIENT.subject,
      iss: op.issuer,
      aud: OP_CLIENT.clientId,
    });
  });

  test('rp-userinfo-bad-sub-claim: another sub (JSON) is check "sub"', async () => {
    const session = await loggedIn();
    op.misbehave({ userinfo: { sub: 'someone-else' } });
    await expectUserinfoError(session.userinfo(), 'sub');
  });

  test('another sub in a signed answer is check "sub"', async () => {
    const session = await loggedIn();
    op.misbehave({ userinfo: { sub: 'someone-else', signed: true } });
    await expectUserinfoError(session.userinfo(), 'sub');
  });

  test('no sub at all is check "sub"', async () => {
    const session = await loggedIn();
    op.misbehave({ userinfo: { claims: { sub: undefined } } });
    await expectUserinfoError(session.userinfo(), 'sub');
  });

  test('a signed answer made with an unpublished key is check "signature"', async () => {
    const session = await loggedIn();
    const body = await op.idToken({ signWithUnpublishedKey: true });
    op.misbehave({ answer: { userinfo: { body, contentType: 'application/jwt' } } });
    await expectUserinfoError(session.userinfo(), 'signature');
  });

  test('an unsigned (alg none) answer is check "signature"', async () => {
    const session = await loggedIn();
    const body = await op.idToken({ alg: 'none' });
    op.misbehave({ answer: { userinfo: { body, contentType: 'application/jwt' } } });
    await expectUserinfoError(session.userinfo(), 'signature');
  });

  test('a signed answer for another audience is check "aud"; from another issuer, check "iss"', async () => {
    const session = await loggedIn();
    const aud = await op.idToken({ claims: { aud: 'another-client' } });
    op.misbehave({ answer: { userinfo: { body: aud, contentType: 'application/jwt' } } });
    await expectUserinfoError(session.userinfo(), 'aud');
    const iss = await op.idToken({ claims: { iss: 'https://impostor.example' } });
    op.misbehave({ answer: { userinfo: { body: iss, contentType: 'application/jwt' } } });
    await expectUserinfoError(session.userinfo(), 'iss');
  });

  test('an answer that is not a JSON object is check "format"', async () => {
    const session = await loggedIn();
    op.misbehave({ answer: { userinfo: { body: '["sub"]' } } });
    await expectUserinfoError(session.userinfo(), 'format');
  });

  test('a 401 (invalid_token) is check "status" with 401, after the one refresh and retry it earns', async () => {
    const session = await loggedIn();
    op.resetCounts();
    op.misbehave({
      answer: {
        userinfo: {
          status: 401,
          body: '{"error":"invalid_token"}',
          headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
        },
      },
    });
    const error = await session.userinfo().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserinfoError);
    expect(error).toMatchObject({ check: 'status', status: 401 });
    expect(op.counts).toMatchObject({ userinfo: 2, token: 1 });
  });

  test('before a verified login: TypeError ERR_NO_TOKEN, no request', async () => {
    await expect(relyingParty(op).userinfo()).rejects.toMatchObject({ code: 'ERR_NO_TOKEN' });
    expect(op.counts.userinfo).toBe(0);
  });
});

describe('fetchUserinfo with any token fetcher', () => {
  test('an OAuth2Session holding the access token: answered when sub matches, check "sub" when not', async () => {
    const session = await loggedIn();
    const plain = new OAuth2Session({ clientId: OP_CLIENT.clientId, token: session.token });
    const url = `${op.issuer}/userinfo`;
    expect(await fetchUserinfo(plain, url, { subject: OP_CLIENT.subject })).toMatchObject({
      sub: OP_CLIENT.subject,
    });
    await expectUserinfoError(fetchUserinfo(plain, url, { subject: 'another' }), 'sub');
  });

  test('a signed answer without keys to verify it is check "signature"', async () => {
    const session = await loggedIn();
    op.misbehave({ userinfo: { signed: true } });
    const url = `${op.issuer}/userinfo`;
    await expectUserinfoError(
      fetchUserinfo(session, url, { subject: OP_CLIENT.subject }),
      'signature',
    );
  });
});
