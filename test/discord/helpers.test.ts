import { describe, expect, it } from 'vitest';
import { actionOf, rowsOf } from '../../adapters/discord/buttons.js';
import { splitText } from '../../adapters/discord/split.js';
import { CoalescingThrottle } from '../../adapters/discord/throttle.js';

describe('splitText', () => {
  it('keeps short text whole', () => {
    expect(splitText('hello', 2000)).toEqual(['hello']);
  });

  it('prefers line breaks, then spaces, and cuts hard only inside a long word', () => {
    expect(splitText('aaaa bbbb\ncccc dddd', 12)).toEqual(['aaaa bbbb', 'cccc dddd']);
    expect(splitText('aaaa bbbb cccc', 10)).toEqual(['aaaa bbbb', 'cccc']);
    expect(splitText('x'.repeat(25), 10)).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
  });

  it('never returns a piece over the limit and loses no characters of a hard cut', () => {
    const text = `${'y'.repeat(3000)} tail`;
    const pieces = splitText(text, 2000);
    expect(pieces.every((p) => p.length <= 2000)).toBe(true);
    expect(pieces).toHaveLength(2);
    expect(pieces.join('')).toBe(text);
  });
});

describe('CoalescingThrottle', () => {
  it('runs the first task at once and only the latest of a burst after it', async () => {
    const throttle = new CoalescingThrottle(30);
    const ran: number[] = [];
    await Promise.all([1, 2, 3, 4].map((n) => throttle.run('m', async () => void ran.push(n))));
    expect(ran).toEqual([1, 4]);
  });

  it('keeps keys apart and hands a failure to every caller it superseded', async () => {
    const throttle = new CoalescingThrottle(30);
    const ran: string[] = [];
    await throttle.run('a', async () => void ran.push('a1'));
    await throttle.run('b', async () => void ran.push('b1'));
    expect(ran).toEqual(['a1', 'b1']);
    const first = throttle.run('a', async () => void ran.push('a2'));
    const second = throttle.run('a', async () => {
      throw new Error('edit failed');
    });
    await expect(first).rejects.toThrow('edit failed');
    await expect(second).rejects.toThrow('edit failed');
    expect(ran).toEqual(['a1', 'b1']);
  });
});

describe('buttons', () => {
  it('reads only the bot’s own action ids', () => {
    expect(actionOf('a:export')).toBe('export');
    expect(actionOf('a:nonsense')).toBeUndefined();
    expect(actionOf('a:constructor')).toBeUndefined();
    expect(actionOf('export')).toBeUndefined();
  });

  it('cuts the grid to Discord’s 5×5 and labels to 80 characters', () => {
    const row = Array.from({ length: 7 }, () => ({ label: 'L'.repeat(100), action: 'help' as const }));
    const rows = rowsOf(Array.from({ length: 7 }, () => row)).map((r) => r.toJSON());
    expect(rows).toHaveLength(5);
    expect(rows.every((r) => r.components.length === 5)).toBe(true);
    expect((rows[0]!.components[0] as { label: string }).label).toHaveLength(80);
  });
});
