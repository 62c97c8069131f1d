import { randomUUID } from 'node:crypto';
import type { ChatRecord, CounterLimit, CountUpResult, Lock, Store } from './store.js';

/** Expired lock and dedup entries are dropped lazily, at most this often, so idle memory stays bounded. */
const SWEEP_EVERY_MS = 60_000;

/**
 * Single-process store for development and tests. Same contract as RedisStore, but
 * everything is lost on restart and nothing is shared between processes.
 */
export class MemoryStore implements Store {
  readonly kind = 'memory' as const;
  readonly #chats = new Map<string, ChatRecord>();
  readonly #locks = new Map<string, { token: string; expiresAt: number }>();
  readonly #seen = new Map<string, number>();
  readonly #buckets = new Map<string, { expiresAt: number; counters: Map<string, number> }>();
  readonly #kept = new Map<string, string>();
  #nextSweepAt = 0;
  #closed = false;

  async getChat(chatKey: string): Promise<ChatRecord> {
    this.#assertOpen();
    // A copy, so callers cannot change stored state without updateChat (as with Redis).
    return { ...this.#chats.get(chatKey) };
  }

  async updateChat(chatKey: string, patch: Partial<ChatRecord>): Promise<void> {
    this.#assertOpen();
    const next: Record<string, unknown> = { ...this.#chats.get(chatKey) };
    for (const [field, value] of Object.entries(patch)) {
      if (value === undefined) delete next[field];
      else next[field] = value;
    }
    if (Object.keys(next).length === 0) this.#chats.delete(chatKey);
    else this.#chats.set(chatKey, next as ChatRecord);
  }

  async deleteChat(chatKey: string): Promise<void> {
    this.#assertOpen();
    this.#chats.delete(chatKey);
  }

  async tryLock(name: string, ttlMs: number): Promise<Lock | undefined> {
    const now = this.#sweep();
    const held = this.#locks.get(name);
    if (held && held.expiresAt > now) return undefined;
    const token = randomUUID();
    this.#locks.set(name, { token, expiresAt: now + ttlMs });
    return {
      key: name,
      token,
      release: async () => {
        if (this.#locks.get(name)?.token === token) this.#locks.delete(name);
      },
      extend: async (nextTtlMs: number) => {
        const current = this.#locks.get(name);
        const at = Date.now();
        if (current?.token !== token || current.expiresAt <= at) return false;
        current.expiresAt = at + nextTtlMs;
        return true;
      },
    };
  }

  async firstSeen(id: string, ttlMs: number): Promise<boolean> {
    const now = this.#sweep();
    const expiresAt = this.#seen.get(id);
    if (expiresAt !== undefined && expiresAt > now) return false;
    this.#seen.set(id, now + ttlMs);
    return true;
  }

  async countUp(
    bucket: string,
    counters: readonly CounterLimit[],
    expiresAt: number,
  ): Promise<CountUpResult> {
    const now = this.#sweep();
    let held = this.#buckets.get(bucket);
    if (!held || held.expiresAt <= now) {
      held = { expiresAt, counters: new Map() };
      this.#buckets.set(bucket, held);
    }
    held.expiresAt = expiresAt;
    const current = counters.map((c) => held.counters.get(c.field) ?? 0);
    if (counters.some((c, i) => c.limit > 0 && current[i]! >= c.limit))
      return { granted: false, counts: current };
    const counts = counters.map((c, i) => {
      const next = current[i]! + 1;
      held.counters.set(c.field, next);
      return next;
    });
    return { granted: true, counts };
  }

  async countDown(bucket: string, fields: readonly string[]): Promise<void> {
    const now = this.#sweep();
    const held = this.#buckets.get(bucket);
    if (!held || held.expiresAt <= now) return;
    for (const field of fields) {
      const value = held.counters.get(field) ?? 0;
      if (value > 0) held.counters.set(field, value - 1);
    }
  }

  async readCounters(bucket: string, fields?: readonly string[]): Promise<Record<string, number>> {
    const now = this.#sweep();
    const held = this.#buckets.get(bucket);
    const live = held && held.expiresAt > now ? held.counters : new Map<string, number>();
    if (fields) return Object.fromEntries(fields.map((f) => [f, live.get(f) ?? 0]));
    return Object.fromEntries(live);
  }

  async keepFirst(name: string, value: string): Promise<string> {
    this.#assertOpen();
    const kept = this.#kept.get(name);
    if (kept !== undefined) return kept;
    this.#kept.set(name, value);
    return value;
  }

  async ping(): Promise<void> {
    this.#assertOpen();
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#chats.clear();
    this.#locks.clear();
    this.#seen.clear();
    this.#buckets.clear();
    this.#kept.clear();
  }

  /** Using a closed store is a bug, as with a closed Redis connection. */
  #assertOpen(): void {
    if (this.#closed) throw new Error('MemoryStore is closed');
  }

  /** Checks the store is open and drops expired entries now and then; returns the current time. */
  #sweep(): number {
    this.#assertOpen();
    const now = Date.now();
    if (now < this.#nextSweepAt) return now;
    this.#nextSweepAt = now + SWEEP_EVERY_MS;
    for (const [name, lock] of this.#locks) if (lock.expiresAt <= now) this.#locks.delete(name);
    for (const [id, expiresAt] of this.#seen) if (expiresAt <= now) this.#seen.delete(id);
    for (const [name, bucket] of this.#buckets) if (bucket.expiresAt <= now) this.#buckets.delete(name);
    return now;
  }
}
