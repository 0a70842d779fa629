/**
 * `OAUTHLIB_INSECURE_TRANSPORT`, oauthlib's name for the deployment switch, read as an alias of
 * `OAUTH2_INSECURE_TRANSPORT`: `1` allows plain http to non-loopback hosts, anything else does
 * not, and an explicit `allowInsecureTransport: false` wins over either.
 */
import { InsecureTransportError, OAuth2Session, secureUrl, Transport } from 'oauth2-session';
import { afterEach, describe, expect, it, vi } from 'vitest';

const token = { access_token: 'at', token_type: 'Bearer' };
afterEach(() => vi.unstubAllEnvs());

describe('OAUTHLIB_INSECURE_TRANSPORT', () => {
  it('OAUTHLIB_INSECURE_TRANSPORT=1 allows plain http to a non-loopback host', async () => {
    vi.stubEnv('OAUTH2_INSECURE_TRANSPORT', '');
    vi.stubEnv('OAUTHLIB_INSECURE_TRANSPORT', '1');
    let called = 0;
    const fetch = async () => {
      called++;
      return new Response('{}');
    };
    await new OAuth2Session({ clientId: 'c', token, fetch }).get('http://api.example/user');
    expect(called).toBe(1);
    expect(new Transport().checkUrl('http://api.example/x', 'url').href).toBe(
      'http://api.example/x',
    );
  });

  it('OAUTHLIB_INSECURE_TRANSPORT: an explicit allowInsecureTransport false still wins', async () => {
    vi.stubEnv('OAUTHLIB_INSECURE_TRANSPORT', '1');
    vi.stubEnv('OAUTH2_INSECURE_TRANSPORT', '1');
    const fetch = async () => new Response('{}');
    const s = new OAuth2Session({ clientId: 'c', token, fetch, allowInsecureTransport: false });
    await expect(s.get('http://api.example/user')).rejects.toBeInstanceOf(InsecureTransportError);
  });

  it('OAUTHLIB_INSECURE_TRANSPORT other than 1 (or unset) leaves the https rule', () => {
    vi.stubEnv('OAUTH2_INSECURE_TRANSPORT', '');
    for (const value of ['0', 'true', '']) {
      vi.stubEnv('OAUTHLIB_INSECURE_TRANSPORT', value);
      expect(() => new Transport().checkUrl('http://api.example/x', 'url')).toThrow(
        InsecureTransportError,
      );
    }
    expect(() => secureUrl('http://api.example/x', 'url', false)).toThrow(InsecureTransportError);
  });
});
