import { randomUUID } from 'node:crypto';
import type { ChatRecord, Lock, Store } from './store.js';

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

  async ping(): Promise<void> {
    this.#assertOpen();
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#chats.clear();
    this.#locks.clear();
    this.#seen.clear();
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
    return now;
  }
}
