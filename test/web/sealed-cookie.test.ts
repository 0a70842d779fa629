import { Sealer } from 'oauth2-session/web';
import { describe, expect, it } from 'vitest';

const SECRET_A = `${'a'.repeat(32)}-first-secret-for-tests`;
const SECRET_B = `${'b'.repeat(32)}-second-secret-for-tests`;

describe('Sealer', () => {
  it('seal/unseal round-trips JSON and reports the expiry in epoch seconds', async () => {
    const now = 1_700_000_000_000;
    const sealer = new Sealer({ secrets: SECRET_A, now: () => now });
    const sealed = await sealer.seal('sid', { user: 'octocat', n: [1, 2] }, 60);
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('octocat');
    await expect(sealer.unseal('sid', sealed)).resolves.toEqual({
      status: 'ok',
      data: { user: 'octocat', n: [1, 2] },
      expiresAt: now / 1000 + 60,
    });
  });

  it('unseal: every single-character change is refused, never accepted', async () => {
    const sealer = new Sealer({ secrets: SECRET_A });
    const sealed = await sealer.seal('sid', { a: 1 }, 60);
    for (let i = 0; i < sealed.length; i++) {
      const c = sealed.charCodeAt(i);
      for (const flipped of [c ^ 1, c ^ 32]) {
        const variant = sealed.slice(0, i) + String.fromCharCode(flipped) + sealed.slice(i + 1);
        const result = await sealer.unseal('sid', variant);
        expect(result.status, `position ${i}`).not.toBe('ok');
      }
    }
  });

  it('unseal: truncation at every length is refused', async () => {
    const sealer = new Sealer({ secrets: SECRET_A });
    const sealed = await sealer.seal('sid', { a: 1 }, 60);
    for (let len = 0; len < sealed.length; len++) {
      const result = await sealer.unseal('sid', sealed.slice(0, len));
      expect(['malformed', 'tampered', 'unknown-key']).toContain(result.status);
    }
  });

  it('unseal: classifies tampered, malformed and unknown-key', async () => {
    const sealer = new Sealer({ secrets: SECRET_A });
    const sealed = await sealer.seal('sid', { a: 1 }, 60);
    const [v, kid, iv, ct] = sealed.split('.') as [string, string, string, string];
    const otherCt = (await sealer.seal('sid', { a: 2 }, 60)).split('.')[3]!;
    expect((await sealer.unseal('sid', [v, kid, iv, otherCt].join('.'))).status).toBe('tampered');
    expect((await sealer.unseal('sid', 'not a seal')).status).toBe('malformed');
    expect((await sealer.unseal('sid', `v2.${kid}.${iv}.${ct}`)).status).toBe('malformed');
    expect((await sealer.unseal('sid', `${sealed}.x`)).status).toBe('malformed');
    expect((await sealer.unseal('sid', `v1.nokey.${iv}.${ct}`)).status).toBe('unknown-key');
  });

  it('unseal: answers expired once the expiry inside the seal has passed', async () => {
    let now = 1_700_000_000_000;
    const sealer = new Sealer({ secrets: SECRET_A, now: () => now });
    const sealed = await sealer.seal('sid', { a: 1 }, 10);
    now += 9_999;
    expect((await sealer.unseal('sid', sealed)).status).toBe('ok');
    now += 1;
    expect((await sealer.unseal('sid', sealed)).status).toBe('expired');
  });

  it('unseal: a seal made with another secret is unknown-key', async () => {
    const a = new Sealer({ secrets: SECRET_A });
    const b = new Sealer({ secrets: SECRET_B });
    expect((await b.unseal('sid', await a.seal('sid', {}, 60))).status).toBe('unknown-key');
  });

  it('unseal: the same key id with another secret is tampered (numbered map)', async () => {
    const a = new Sealer({ secrets: { 1: SECRET_A } });
    const b = new Sealer({ secrets: { 1: SECRET_B } });
    expect((await b.unseal('sid', await a.seal('sid', {}, 60))).status).toBe('tampered');
  });

  it('rotation with a list: the first secret seals, older secrets still open', async () => {
    const old = new Sealer({ secrets: [SECRET_A] });
    const rotated = new Sealer({ secrets: [SECRET_B, SECRET_A] });
    const fromOld = await old.seal('sid', { v: 'old' }, 60);
    expect(await rotated.unseal('sid', fromOld)).toMatchObject({
      status: 'ok',
      data: { v: 'old' },
    });
    const fresh = await rotated.seal('sid', { v: 'new' }, 60);
    expect(fresh.split('.')[1]).not.toBe(fromOld.split('.')[1]);
    expect((await old.unseal('sid', fresh)).status).toBe('unknown-key');
    expect(await new Sealer({ secrets: [SECRET_B] }).unseal('sid', fresh)).toMatchObject({
      status: 'ok',
    });
  });

  it('rotation with a numbered map: the highest number seals, all open', async () => {
    const sealer = new Sealer({ secrets: { 1: SECRET_A, 2: SECRET_B } });
    const sealed = await sealer.seal('sid', { a: 1 }, 60);
    expect(sealed.split('.')[1]).toBe('2');
    const oldOnly = new Sealer({ secrets: { 1: SECRET_A } });
    expect((await sealer.unseal('sid', await oldOnly.seal('sid', {}, 60))).status).toBe('ok');
  });

  it('unseal: a seal moved to another cookie name is tampered (name bound as AAD)', async () => {
    const sealer = new Sealer({ secrets: SECRET_A });
    const sealed = await sealer.seal('session', { admin: true }, 60);
    expect((await sealer.unseal('oauth_tx', sealed)).status).toBe('tampered');
  });

  it('unseal of a remembered seal: same checks (name, expiry), a fresh object every time', async () => {
    let now = 1_700_000_000_000;
    const sealer = new Sealer({ secrets: SECRET_A, now: () => now });
    const sealed = await sealer.seal('sid', { a: { b: 1 } }, 10);
    const first = await sealer.unseal<{ a: { b: number } }>('sid', sealed);
    if (first.status !== 'ok') throw new Error(first.status);
    first.data.a.b = 2; // a caller changing its copy must not change the next request's
    await expect(sealer.unseal('sid', sealed)).resolves.toMatchObject({ data: { a: { b: 1 } } });
    expect((await sealer.unseal('other', sealed)).status).toBe('tampered');
    expect((await new Sealer({ secrets: SECRET_B }).unseal('sid', sealed)).status).toBe(
      'unknown-key',
    );
    now += 10_000;
    expect((await sealer.unseal('sid', sealed)).status).toBe('expired');
    now -= 5_000; // a clock stepping back re-opens it only through the same checks
    expect((await sealer.unseal('sid', sealed)).status).toBe('ok');
  });

  it('new Sealer: short or missing secrets are TypeErrors with a code', () => {
    expect(() => new Sealer({ secrets: 'short' })).toThrow(
      expect.objectContaining({ name: 'TypeError', code: 'ERR_SECRET_TOO_SHORT' }),
    );
    expect(() => new Sealer({ secrets: [SECRET_A, 'x'.repeat(31)] })).toThrow(
      expect.objectContaining({ code: 'ERR_SECRET_TOO_SHORT' }),
    );
    expect(() => new Sealer({ secrets: [] })).toThrow(
      expect.objectContaining({ code: 'ERR_MISSING_OPTION' }),
    );
    expect(() => new Sealer({ secrets: { 0: SECRET_A } })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
  });

  it('short secret errors never echo the secret', () => {
    const tiny = 'my-tiny-secret';
    for (const secrets of [tiny, [SECRET_A, tiny]]) {
      let thrown: unknown;
      try {
        new Sealer({ secrets });
      } catch (e) {
        thrown = e;
      }
      // Outside the try: no error at all fails here, not in a swallowed assertion.
      expect(thrown).toBeInstanceOf(TypeError);
      expect(thrown).toMatchObject({ code: 'ERR_SECRET_TOO_SHORT' });
      const { message, stack } = thrown as Error;
      for (const secret of [tiny, SECRET_A]) {
        expect(message).not.toContain(secret);
        expect(String(stack)).not.toContain(secret);
      }
    }
  });
});
