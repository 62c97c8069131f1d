import { performance } from 'node:perf_hooks';

interface Pending {
  task: () => Promise<void>;
  waiters: { resolve: () => void; reject: (error: unknown) => void }[];
}

interface Slot {
  lastAt: number;
  pending?: Pending;
}

/**
 * Runs at most one task per key every `intervalMs`. A call inside the window replaces the task
 * waiting there, so a burst of progress edits ends as one edit with the latest text; every caller's
 * promise settles when the task that superseded it has run. A key is forgotten once its window has
 * passed with nothing waiting, so a long-lived port (the channel fallback) does not grow with every
 * message it ever edited.
 */
export class CoalescingThrottle {
  private readonly slots = new Map<string, Slot>();

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Keys held: those waiting to run, or run within the last `intervalMs`. */
  get size(): number {
    return this.slots.size;
  }

  run(key: string, task: () => Promise<void>): Promise<void> {
    this.prune();
    const slot = this.slots.get(key) ?? { lastAt: Number.NEGATIVE_INFINITY };
    this.slots.set(key, slot);
    const wait = slot.lastAt + this.intervalMs - this.now();
    if (!slot.pending && wait <= 0) {
      slot.lastAt = this.now();
      return task();
    }
    return new Promise((resolve, reject) => {
      if (slot.pending) {
        slot.pending.task = task;
        slot.pending.waiters.push({ resolve, reject });
        return;
      }
      slot.pending = { task, waiters: [{ resolve, reject }] };
      setTimeout(() => this.flush(slot), Math.max(wait, 0));
    });
  }

  /** Drops the keys whose window is over and that have nothing waiting: they would run at once anyway. */
  private prune(): void {
    const now = this.now();
    for (const [key, slot] of this.slots) {
      if (!slot.pending && now - slot.lastAt >= this.intervalMs) this.slots.delete(key);
    }
  }

  private flush(slot: Slot): void {
    const pending = slot.pending!;
    slot.pending = undefined;
    slot.lastAt = this.now();
    pending.task().then(
      () => {
        for (const w of pending.waiters) w.resolve();
      },
      (error: unknown) => {
        for (const w of pending.waiters) w.reject(error);
      },
    );
  }
}
