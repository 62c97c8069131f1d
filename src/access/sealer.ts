/**
 * Seals backend tokens with AES-256-GCM before they reach the store, so a read of Redis is not a read of every
 * user's account. A sealed value names its format; opening it with another key fails (GCM's tag), never
 * yields garbage.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const PREFIX = 'sealed.v1.';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class TokenSealer {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('an AES-256 key is 32 bytes');
    this.#key = Buffer.from(key);
  }

  /** `sealed.v1.<iv><ciphertext><tag>` in base64url; a fresh IV each time, so equal tokens seal differently. */
  seal(plain: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return PREFIX + Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
  }

  /** The plain text, or undefined when the value was sealed with another key or altered. */
  open(sealed: string): string | undefined {
    if (!isSealed(sealed)) return undefined;
    const raw = Buffer.from(sealed.slice(PREFIX.length), 'base64url');
    if (raw.length < IV_BYTES + TAG_BYTES) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, raw.subarray(0, IV_BYTES));
      decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
      const body = raw.subarray(IV_BYTES, raw.length - TAG_BYTES);
      return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
    } catch {
      return undefined;
    }
  }
}

export function isSealed(value: string): boolean {
  return value.startsWith(PREFIX);
}
