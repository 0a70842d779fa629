import type { OAuth2Session, OAuth2SessionOptions, Token } from 'oauth2-session';
import { describe, expectTypeOf, it } from 'vitest';

describe('types', () => {
  it('OAuth2Session.fetch has the shape of the global fetch', () => {
    expectTypeOf<OAuth2Session['fetch']>().parameters.toEqualTypeOf<Parameters<typeof fetch>>();
    expectTypeOf<ReturnType<OAuth2Session['fetch']>>().toEqualTypeOf<Promise<Response>>();
  });

  it('Token keeps wire names and is plain JSON-able', () => {
    expectTypeOf<Token['access_token']>().toEqualTypeOf<string>();
    expectTypeOf<Token['expires_at']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<Token['scope']>().toEqualTypeOf<string[] | undefined>();
  });

  it("pkce accepts 'S256' | false only", () => {
    expectTypeOf<'plain'>().not.toMatchTypeOf<OAuth2SessionOptions['pkce']>();
    expectTypeOf<false>().toMatchTypeOf<OAuth2SessionOptions['pkce']>();
  });
});
