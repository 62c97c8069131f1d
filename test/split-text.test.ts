import { describe, expect, it } from 'vitest';
import { splitText } from '../src/split-text.js';

// One splitter for the core's replies and both adapters (4096 on Telegram, 2000 on Discord).
describe('splitText', () => {
  it('keeps short text whole', () => {
    expect(splitText('hello', 2000)).toEqual(['hello']);
    expect(splitText('short', 10)).toEqual(['short']);
  });

  it('prefers line breaks, then spaces, and cuts hard only inside a long word', () => {
    expect(splitText('aaaa bbbb\ncccc dddd', 12)).toEqual(['aaaa bbbb', 'cccc dddd']);
    expect(splitText('aaaa bbbb cccc', 10)).toEqual(['aaaa bbbb', 'cccc']);
    expect(splitText('x'.repeat(25), 10)).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
    const lines = `${'a'.repeat(30)}\n${'b'.repeat(30)}\n${'c'.repeat(30)}`;
    expect(splitText(lines, 70)).toEqual([`${'a'.repeat(30)}\n${'b'.repeat(30)}`, 'c'.repeat(30)]);
  });

  it('never returns a piece over the limit and loses no characters of a hard cut', () => {
    const text = `${'y'.repeat(3000)} tail`;
    const pieces = splitText(text, 2000);
    expect(pieces.every((p) => p.length <= 2000)).toBe(true);
    expect(pieces).toHaveLength(2);
    expect(pieces.join('')).toBe(text);
  });

  it('never cuts inside a surrogate pair (an emoji stays whole)', () => {
    const text = `${'z'.repeat(9)}🎬${'z'.repeat(9)}`;
    const pieces = splitText(text, 10);
    expect(pieces.join('')).toBe(text);
    expect(pieces.some((p) => p.includes('🎬'))).toBe(true);
    expect(pieces.every((p) => p.length <= 10)).toBe(true);
  });
});
