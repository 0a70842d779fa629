/**
 * `userRequest(preset, token)`: a preset whose user URL comes in the token answer
 * (`user.tokenField`, Salesforce's identity URL `id`).
 */
import { definePreset, userRequest } from 'oauth2-session/providers';
import { describe, expect, it } from 'vitest';

describe('userRequest(preset, token) with user.tokenField', () => {
  const p = definePreset({
    id: 'acme',
    server: {
      authorization_endpoint: 'https://a.example/a',
      token_endpoint: 'https://a.example/t',
    },
    user: { url: 'https://a.example/me', tokenField: 'id' },
  });

  it('userRequest(preset, token): the https URL the token names', () => {
    expect(userRequest(p, { id: 'https://b.example/id/1' })[0]).toBe('https://b.example/id/1');
  });

  it('userRequest(preset, token): a field that is not https nor on the preset URL origin, not a URL, or absent: the preset URL', () => {
    expect(userRequest(p, { id: 'http://elsewhere.example/me' })[0]).toBe('https://a.example/me');
    expect(userRequest(p, { id: 'not a url' })[0]).toBe('https://a.example/me');
    expect(userRequest(p, { id: 42 })[0]).toBe('https://a.example/me');
    expect(userRequest(p, {})[0]).toBe('https://a.example/me');
    expect(userRequest(p)[0]).toBe('https://a.example/me');
  });

  it('userRequest(preset, token): on the preset URL origin, plain http is taken (an emulator on loopback)', () => {
    const local = definePreset({ ...p, user: { url: 'http://127.0.0.1:9/me', tokenField: 'id' } });
    expect(userRequest(local, { id: 'http://127.0.0.1:9/id/1' })[0]).toBe(
      'http://127.0.0.1:9/id/1',
    );
    expect(userRequest(local, { id: 'http://127.0.0.1:8/id/1' })[0]).toBe('http://127.0.0.1:9/me');
  });

  it('userRequest(preset, token): without tokenField the token is not read', () => {
    const plain = definePreset({ ...p, user: { url: 'https://a.example/me' } });
    expect(userRequest(plain, { id: 'https://b.example/id/1' })[0]).toBe('https://a.example/me');
  });
});
