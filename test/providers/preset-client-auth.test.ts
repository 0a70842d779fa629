/**
 * `definePreset({ clientAuth })` with a strategy value (a function of the request, such as Sign
 * in with Apple's signed JWT), not only a method name.
 */
import { OAuth2Session } from 'oauth2-session';
import { definePreset } from 'oauth2-session/providers';
import { describe, expect, it } from 'vitest';

describe('definePreset({ clientAuth }) with a strategy value', () => {
  const strategy = Object.assign(
    (request: { clientId: string; body: URLSearchParams }) => {
      request.body.set('client_id', request.clientId);
      request.body.set('client_secret', 'signed-per-request');
    },
    { method: 'client_secret_post' },
  );
  const preset = definePreset({
    id: 'acme',
    server: {
      authorization_endpoint: 'https://a.example/a',
      token_endpoint: 'https://a.example/t',
    },
    clientAuth: strategy,
  });

  it('new OAuth2Session({ provider }): the preset strategy authenticates token requests, without a clientSecret', async () => {
    const sent: string[] = [];
    const fetch = async (_url: RequestInfo | URL, init?: RequestInit) => {
      sent.push(String(init?.body));
      return Response.json({ access_token: 'a', token_type: 'Bearer' });
    };
    const session = new OAuth2Session({ clientId: 'app', provider: preset, fetch, pkce: false });
    await session.fetchToken({ code: 'c' });
    const body = new URLSearchParams(sent[0]);
    expect(body.get('client_secret')).toBe('signed-per-request');
    expect(body.get('client_id')).toBe('app');
  });

  it("new OAuth2Session({ provider, clientAuth }): the session's own clientAuth wins", async () => {
    const sent: RequestInit[] = [];
    const fetch = async (_url: RequestInfo | URL, init?: RequestInit) => {
      sent.push(init ?? {});
      return Response.json({ access_token: 'a', token_type: 'Bearer' });
    };
    const session = new OAuth2Session({
      clientId: 'app',
      clientSecret: 's',
      clientAuth: 'client_secret_basic',
      provider: preset,
      fetch,
    });
    await session.fetchToken({ code: 'c', codeVerifier: 'v'.repeat(43) });
    expect(new Headers(sent[0]?.headers).get('authorization')).toMatch(/^Basic /);
  });
});
