import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isSealed, TokenSealer } from '../../src/access/sealer.js';

const token = 'nmv_usr_0123456789abcdef0123456789abcdef';

describe('TokenSealer (AES-256-GCM)', () => {
  it('opens what it sealed, and the sealed form holds nothing of the token', () => {
    const sealer = new TokenSealer(randomBytes(32));
    const sealed = sealer.seal(token);
    expect(isSealed(sealed)).toBe(true);
    expect(sealed).not.toContain('nmv_usr_');
    expect(sealed).not.toContain(token.slice(8, 20));
    expect(sealer.open(sealed)).toBe(token);
  });

  it('seals the same token differently each time (a fresh IV)', () => {
    const sealer = new TokenSealer(randomBytes(32));
    expect(sealer.seal(token)).not.toBe(sealer.seal(token));
  });

  it('cannot open with another key, or once altered: never garbage', () => {
    const sealed = new TokenSealer(randomBytes(32)).seal(token);
    expect(new TokenSealer(randomBytes(32)).open(sealed)).toBeUndefined();
    const sealer = new TokenSealer(randomBytes(32));
    const good = sealer.seal(token);
    const body = Buffer.from(good.slice('sealed.v1.'.length), 'base64url');
    body[15] = (body[15] ?? 0) ^ 1;
    expect(sealer.open(`sealed.v1.${body.toString('base64url')}`)).toBeUndefined();
    expect(sealer.open('sealed.v1.short')).toBeUndefined();
    expect(sealer.open(token)).toBeUndefined();
  });

  it('takes only a 32-byte key', () => {
    expect(() => new TokenSealer(randomBytes(16))).toThrow(/32 bytes/);
  });
});
