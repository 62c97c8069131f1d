import { describe, expect, it } from 'vitest';
import { rowsOf } from '../../adapters/discord/buttons.js';
import { CoalescingThrottle } from '../../adapters/discord/throttle.js';

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

  /** A clock the test moves by hand, so "the window has passed" needs no waiting. */
  const manualClock = () => {
    const clock = { at: 0, now: () => clock.at };
    return clock;
  };

  it('forgets every key whose window is over, however many were edited', async () => {
    const clock = manualClock();
    const throttle = new CoalescingThrottle(1000, clock.now);
    for (let n = 0; n < 500; n++) await throttle.run(`message-${n}`, async () => undefined);
    expect(throttle.size).toBe(500);
    clock.at = 1000;
    await throttle.run('next', async () => undefined);
    expect(throttle.size).toBe(1);
  });

  it('keeps a key inside its window (still throttled) and a key with a task waiting', async () => {
    const clock = manualClock();
    const throttle = new CoalescingThrottle(10, clock.now);
    const ran: string[] = [];
    await throttle.run('a', async () => void ran.push('a1'));
    clock.at = 9;
    await throttle.run('b', async () => void ran.push('b1'));
    // 'a' is one tick short of its window: kept, so its next edit waits instead of running at once.
    expect(throttle.size).toBe(2);
    const waiting = throttle.run('a', async () => void ran.push('a2'));
    expect(ran).toEqual(['a1', 'b1']);
    // Long past every window: 'b' goes, 'a' stays while its edit waits to run.
    clock.at = 1000;
    await throttle.run('c', async () => void ran.push('c1'));
    expect(throttle.size).toBe(2);
    await waiting;
    expect(ran).toEqual(['a1', 'b1', 'c1', 'a2']);
    clock.at = 2000;
    await throttle.run('d', async () => undefined);
    expect(throttle.size).toBe(1);
  });
});

describe('buttons', () => {
  it('cuts the grid to Discord’s 5×5 and labels to 80 characters', () => {
    const row = Array.from({ length: 7 }, () => ({ label: 'L'.repeat(100), action: 'help' as const }));
    const rows = rowsOf(Array.from({ length: 7 }, () => row)).map((r) => r.toJSON());
    expect(rows).toHaveLength(5);
    expect(rows.every((r) => r.components.length === 5)).toBe(true);
    expect((rows[0]!.components[0] as { label: string }).label).toHaveLength(80);
  });
});
