import { describe, expect, it } from 'vitest';
import type { RenderStatus } from '../../src/nemo/index.js';
import { RenderPollSchedule } from '../../src/nemo/poll-schedule.js';
import { pollRender } from '../../src/nemo/render.js';

describe('RenderPollSchedule once progress moves', () => {
  it('waits half the estimated time to 95%, within the floor and the cap, then a steady 1.5 s', () => {
    const schedule = new RenderPollSchedule({ maxMs: 30_000 });
    schedule.observe(0, 10);
    schedule.observe(10_000, 20); // 1% per second: 75 s to 95%
    expect(schedule.next()).toBe(30_000);
    schedule.observe(75_000, 85); // 10 s to go
    expect(schedule.next()).toBe(5_000);
    schedule.observe(83_500, 93.5); // 1.5 s to go: never below the floor
    expect(schedule.next()).toBe(1_000);
    schedule.observe(85_000, 95); // past 95%: the end cannot be timed
    expect(schedule.next()).toBe(1_500);
    schedule.observe(86_500, 96);
    expect(schedule.next()).toBe(1_500);
  });

  it('ignores progress stuck at 0 and keeps growing until it moves', () => {
    const schedule = new RenderPollSchedule({ maxMs: 30_000 });
    schedule.observe(0, 0);
    expect(schedule.next()).toBe(2_000);
    schedule.observe(2_000, 0);
    expect(schedule.next()).toBe(3_000);
    expect(schedule.rate).toBeUndefined();
  });

  it('keeps the floor under a small cap', () => {
    const schedule = new RenderPollSchedule({ maxMs: 200 });
    schedule.observe(0, 10);
    schedule.observe(100, 99);
    expect(schedule.next()).toBe(200);
  });
});

/**
 * A backend on an injected clock: pending for the first tenth, then progress rises evenly to 95% (as the
 * emulator reports it) and jumps to completed at `lengthMs`. No real time passes: `pause` moves the clock.
 */
type Shape = 'jumps from 95%' | 'rises to 100%';

async function pollSimulated(lengthMs: number, shape: Shape = 'jumps from 95%', maxIntervalMs = 30_000) {
  const top = shape === 'jumps from 95%' ? 95 : 100;
  let clock = 1_000_000;
  const startedAt = clock;
  let polls = 0;
  const done = await pollRender({
    renderId: 'r',
    now: () => clock,
    pause: async (ms) => {
      clock += ms;
    },
    maxIntervalMs,
    poll: async (): Promise<RenderStatus> => {
      polls += 1;
      const t = clock - startedAt;
      if (t >= lengthMs) return { id: 'r', status: 'completed', progress: 100, outputUrl: 'u' };
      if (t < lengthMs / 10) return { id: 'r', status: 'pending', progress: 0 };
      const share = (t - lengthMs / 10) / (0.9 * lengthMs);
      return { id: 'r', status: 'processing', progress: 10 + (top - 10) * share };
    },
  });
  return { done, lagMs: clock - startedAt - lengthMs, polls };
}

describe('render to chat on a simulated clock', () => {
  const lengths = [5_000, 20_000, 60_000, 300_000, 1_800_000];

  it.each(lengths)(
    'sees a %i ms render that jumps from 95% done within 2 s, with few polls',
    async (lengthMs) => {
      const { done, lagMs, polls } = await pollSimulated(lengthMs, 'jumps from 95%');
      expect(done.status).toBe('completed');
      expect(lagMs).toBeGreaterThanOrEqual(0);
      expect(lagMs).toBeLessThanOrEqual(2_000);
      // The seeds' fixed 30 s poll makes lengthMs / 30 s polls; closing in costs a handful more.
      expect(polls).toBeLessThanOrEqual(Math.ceil(lengthMs / 30_000) + 12);
    },
  );

  it.each(lengths)('sees a %i ms render that rises to 100% done within 2 s', async (lengthMs) => {
    const { done, lagMs, polls } = await pollSimulated(lengthMs, 'rises to 100%');
    expect(done.status).toBe('completed');
    expect(lagMs).toBeGreaterThanOrEqual(0);
    expect(lagMs).toBeLessThanOrEqual(2_000);
    // The last 5% is polled every 1.5 s: at most one poll per 1.5 s over 5% of the render on top.
    expect(polls).toBeLessThanOrEqual(
      Math.ceil(lengthMs / 30_000) + Math.ceil((0.05 * lengthMs) / 1_500) + 12,
    );
  });
});
