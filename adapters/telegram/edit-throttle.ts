interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

interface Slot<T> {
  lastSentAt: number;
  busy: boolean;
  timer?: NodeJS.Timeout;
  pending?: { value: T; waiters: Waiter[] };
}

/**
 * At most one send per key every `intervalMs`; values submitted meanwhile coalesce into the latest.
 * Telegram counts edits against its rate limits, and a progress message only needs its newest text.
 * A submit resolves once its value, or a newer one that replaced it, has been sent.
 */
export class EditThrottle<T> {
  private readonly slots = new Map<string, Slot<T>>();

  constructor(
    private readonly intervalMs: number,
    private readonly send: (key: string, value: T) => Promise<void>,
  ) {}

  submit(key: string, value: T): Promise<void> {
    let slot = this.slots.get(key);
    if (!slot) {
      slot = { lastSentAt: Number.NEGATIVE_INFINITY, busy: false };
      this.slots.set(key, slot);
    }
    return new Promise((resolve, reject) => {
      const current = slot.pending;
      slot.pending = { value, waiters: [...(current?.waiters ?? []), { resolve, reject }] };
      this.schedule(key, slot);
    });
  }

  private schedule(key: string, slot: Slot<T>): void {
    if (slot.busy || slot.timer) return;
    const wait = slot.lastSentAt + this.intervalMs - Date.now();
    if (wait <= 0) void this.run(key, slot);
    else slot.timer = setTimeout(() => void this.run(key, slot), wait);
  }

  private async run(key: string, slot: Slot<T>): Promise<void> {
    slot.timer = undefined;
    const job = slot.pending;
    if (!job) return;
    slot.pending = undefined;
    slot.busy = true;
    slot.lastSentAt = Date.now();
    try {
      await this.send(key, job.value);
      for (const w of job.waiters) w.resolve();
    } catch (error) {
      for (const w of job.waiters) w.reject(error);
    } finally {
      slot.busy = false;
    }
    if (slot.pending) this.schedule(key, slot);
    else this.forgetLater(key, slot);
  }

  /** Drops an idle slot once its interval has passed, so finished messages do not pile up. */
  private forgetLater(key: string, slot: Slot<T>): void {
    setTimeout(() => {
      if (!slot.busy && !slot.pending && !slot.timer && this.slots.get(key) === slot) this.slots.delete(key);
    }, this.intervalMs).unref();
  }
}
