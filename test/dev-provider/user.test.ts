import { request } from 'node:http';
import { type DevProvider, startDevProvider } from 'oauth2-session/dev-provider';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { basic, CLIENT, getUser, obtainCode, tokenRequest } from './helpers.js';

let provider: DevProvider;
let token: string;

beforeEach(async () => {
  provider = await startDevProvider({
    clients: [CLIENT],
    users: [{ login: 'alice', id: 7, name: 'Alice', email: 'alice@example.test', bio: 'dev' }],
  });
  const { code, verifier } = await obtainCode(provider, { scope: 'read:user' });
  const res = await tokenRequest(provider, {
    grant_type: 'authorization_code',
    code,
    code_verifier: verifier,
  });
  token = res.fields.access_token as string;
});
afterEach(async () => {
  await provider.close();
});

/** node:http sends no User-Agent unless told to (fetch always does). */
function rawGet(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('GET /user', () => {
  it.each(['Bearer', 'bearer', 'token'])(
    'answers the user JSON for "%s <token>"',
    async (scheme) => {
      const res = await getUser(provider, `${scheme} ${token}`);
      expect(res.status).toBe(200);
      const user = (await res.json()) as Record<string, unknown>;
      expect(user).toMatchObject({
        login: 'alice',
        id: 7,
        name: 'Alice',
        email: 'alice@example.test',
        bio: 'dev',
        type: 'User',
      });
      expect(user.url).toBe(`${provider.origin}/users/alice`);
      expect(res.headers.get('x-oauth-scopes')).toBe('read:user');
    },
  );

  it('401 Bad credentials for an unknown or malformed token, with no WWW-Authenticate', async () => {
    for (const auth of ['Bearer gho_nope', `Basic ${token}`, 'Bearer', `Bearer ${token} extra`]) {
      const res = await getUser(provider, auth);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({
        message: 'Bad credentials',
        documentation_url: 'https://docs.github.com/rest',
        status: '401',
      });
      expect(res.headers.get('www-authenticate')).toBeNull();
    }
  });

  it("401 Requires authentication without a token, as GitHub's API says", async () => {
    const res = await getUser(provider);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { message: string }).message).toBe('Requires authentication');
  });

  it('403 without a User-Agent, even with a good token', async () => {
    const res = await rawGet(provider.userUrl, { authorization: `Bearer ${token}` });
    expect(res.status).toBe(403);
    expect(res.body).toContain('Request forbidden by administrative rules');
    const ok = await rawGet(provider.userUrl, {
      authorization: `Bearer ${token}`,
      'user-agent': 'x',
    });
    expect(ok.status).toBe(200);
  });

  it('counts every /user request', async () => {
    await getUser(provider, `Bearer ${token}`);
    await getUser(provider, 'Bearer bad');
    expect(provider.counts.user).toBe(2);
  });
});

describe('DELETE /applications/{client_id}/token', () => {
  function revoke(
    accessToken: string,
    auth = basic(CLIENT.clientId, CLIENT.clientSecret),
    clientId = CLIENT.clientId,
  ) {
    return fetch(provider.revokeUrl(clientId), {
      method: 'DELETE',
      headers: { authorization: auth, 'content-type': 'application/json', 'user-agent': 't' },
      body: JSON.stringify({ access_token: accessToken }),
    });
  }

  it('204 revokes the token; then /user says Bad credentials and a second revoke is 404', async () => {
    expect((await revoke(token)).status).toBe(204);
    expect((await getUser(provider, `Bearer ${token}`)).status).toBe(401);
    expect((await revoke(token)).status).toBe(404);
    expect(provider.counts.revoke).toBe(2);
  });

  it('401 with wrong client credentials, or credentials of another client than the path', async () => {
    expect((await revoke(token, basic(CLIENT.clientId, 'wrong'))).status).toBe(401);
    provider.registerClient({ clientId: 'other', clientSecret: 'o', redirectUris: [] });
    expect((await revoke(token, basic('other', 'o'))).status).toBe(401);
    expect((await revoke(token, basic('other', 'o'), 'other')).status).toBe(404);
    expect((await getUser(provider, `Bearer ${token}`)).status).toBe(200);
  });

  it('422 without an access_token', async () => {
    const res = await fetch(provider.revokeUrl(CLIENT.clientId), {
      method: 'DELETE',
      headers: { authorization: basic(CLIENT.clientId, CLIENT.clientSecret) },
      body: '{}',
    });
    expect(res.status).toBe(422);
  });
});

describe('routing', () => {
  it('404 for unknown paths, 405 for a known path with another method', async () => {
    expect((await fetch(`${provider.origin}/nope`)).status).toBe(404);
    expect((await fetch(provider.tokenUrl)).status).toBe(405);
  });
});
