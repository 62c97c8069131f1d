/**
 * The per-chat lock that makes ChatQueue's "one job per chat at a time" hold across several bot processes on
 * one Redis (webhook instances behind a load balancer, Discord shards). The store's lock is a `SET NX PX` key
 * with a token; here it is waited for, kept alive while the job runs, and given back after.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Lock, Store } from '../store/store.js';

/** A chat lock this process holds until `release`. */
export interface HeldChatLock {
  release(): Promise<void>;
}

/** Resolves once this process holds the chat's lock; rejects with the signal's reason if it fires first. */
export type ChatLock = (key: string, signal: AbortSignal) => Promise<HeldChatLock>;

export interface ChatLockOptions {
  /**
   * How long the lock outlives a process that died holding it; renewed every third of it while the job runs,
   * so a 15-minute edit keeps it. Default 30 s.
   */
  ttlMs?: number;
  /** Mean wait between tries while another process holds the chat, jittered ±50% so waiters spread out. Default 250 ms. */
  retryMs?: number;
  /** Told when Redis fails a lock call or the lock slipped away; the lock carries on either way. */
  onWarning?: (message: string, error?: unknown) => void;
}

const DEFAULT_TTL_MS = 30_000;
const DEFAULT_RETRY_MS = 250;

/** The ChatLock for `new ChatQueue(onError, { lock })`, on the store's `tryLock` (Redis or memory). */
export function chatLockFrom(store: Pick<Store, 'tryLock'>, options: ChatLockOptions = {}): ChatLock {
  const ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
  const retryMs = options.retryMs ?? DEFAULT_RETRY_MS;
  const warn = options.onWarning ?? (() => undefined);

  async function acquire(name: string, signal: AbortSignal): Promise<Lock> {
    for (;;) {
      signal.throwIfAborted();
      const lock = await store.tryLock(name, ttlMs).catch((error: unknown) => {
        // Redis is restarting or unreachable: keep waiting for the chat rather than run unguarded.
        warn('could not ask Redis for a chat lock; retrying', error);
        return undefined;
      });
      if (lock && signal.aborted) {
        await lock.release().catch(() => undefined);
        signal.throwIfAborted();
      }
      if (lock) return lock;
      await sleep(retryMs * (0.5 + Math.random()), undefined, { signal }).catch(() => undefined);
    }
  }

  return async (key, signal) => {
    const name = `chat:${key}`;
    let lock = await acquire(name, signal);
    let released = false;
    let timer: NodeJS.Timeout | undefined;
    let renewing: Promise<void> = Promise.resolve();

    // Renewals run one after another (never piling up while Redis is slow) until the lock is released.
    const renew = async () => {
      try {
        if (await lock.extend(ttlMs)) return;
        // It expired (Redis was away longer than the TTL, or lost the key): take it back if nobody else did.
        const retaken = await store.tryLock(name, ttlMs);
        if (retaken) lock = retaken;
        else warn('a chat lock expired and another process took it; the running job goes on');
      } catch (error) {
        warn('could not renew a chat lock; retrying', error);
      }
    };
    const schedule = () => {
      timer = setTimeout(() => {
        renewing = renew().then(() => {
          if (!released) schedule();
        });
      }, ttlMs / 3);
      timer.unref();
    };
    schedule();

    return {
      release: async () => {
        released = true;
        clearTimeout(timer);
        // A renewal in flight could retake the lock after we let it go; wait for it first.
        await renewing;
        // If Redis cannot be told, the TTL frees the chat a little later.
        await lock.release().catch((error: unknown) => warn('could not release a chat lock', error));
      },
    };
  };
}
