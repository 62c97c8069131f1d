import { randomBytes, randomInt } from 'node:crypto';

/** Random lowercase hex of `bytes` bytes. */
export function hex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

/** A 19-digit numeric string like the backend's session ids ("5529798706024415232"). */
export function numericId(): string {
  let digits = String(randomInt(1, 10));
  for (let i = 0; i < 18; i++) digits += String(randomInt(0, 10));
  return digits;
}
