import type { Update } from 'grammy/types';

/**
 * The pending updates of one bot, as getUpdates sees them: an update stays until a later
 * call's `offset` confirms it, and an empty poll holds until an update arrives or `timeout` ends.
 */
export class UpdateQueue {
  private updates: Update[] = [];
  private nextId = 1;
  private waiters = new Set<() => void>();

  /** Gives an update its id (the next one unless it has one), as Telegram numbers every bot's updates. */
  number(update: Omit<Update, 'update_id'> & { update_id?: number }): Update {
    const full = { ...update, update_id: update.update_id ?? this.nextId } as Update;
    this.nextId = Math.max(this.nextId, full.update_id + 1);
    return full;
  }

  push(update: Omit<Update, 'update_id'> & { update_id?: number }): Update {
    const full = this.number(update);
    this.updates.push(full);
    for (const wake of this.waiters) wake();
    this.waiters.clear();
    return full;
  }

  get pendingCount(): number {
    return this.updates.length;
  }

  /** getUpdates: confirms everything below `offset`, then returns what is left or waits for it. */
  async take(offset: number, limit: number, timeoutSec: number, closed: AbortSignal): Promise<Update[]> {
    if (offset > 0) this.updates = this.updates.filter((u) => u.update_id >= offset);
    if (this.updates.length === 0 && timeoutSec > 0 && !closed.aborted) {
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          closed.removeEventListener('abort', wake);
          this.waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, timeoutSec * 1000);
        closed.addEventListener('abort', wake);
        this.waiters.add(wake);
      });
    }
    return this.updates.slice(0, Math.max(1, Math.min(limit, 100)));
  }

  /** Wakes every held poll (used when the fake closes). */
  wakeAll(): void {
    for (const wake of this.waiters) wake();
    this.waiters.clear();
  }
}
