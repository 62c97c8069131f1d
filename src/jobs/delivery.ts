/**
 * Exactly-once delivery of a job's result. Two things can make a result go out twice: two processes running
 * the same job (a busy owner lost its lock and another took the job over) and a job run again after it
 * delivered (a retry, or a takeover of an owner that died after sending). The first is stopped by a lock
 * per job (`deliver:<id>`: one sender at a time), the second by the job's record, which says `done` once the
 * result was sent, read fresh under that lock.
 *
 * Trade-off: the record is marked right AFTER the send succeeds, so the one window left is a crash between
 * the platform accepting the message and that write; then the next owner sends again (at least once). The
 * other order (mark, then send) would lose the video in the same window instead, and a duplicate video is
 * the lesser harm. Platforms offer no idempotency key for sends, so that window cannot be closed here.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Store } from '../store/store.js';
import type { RunningJob } from './types.js';

export interface DeliveryOptions {
  /** Longest a send may hold the lock; a dead sender's lock frees itself after this. */
  lockTtlMs?: number;
  /** Wait between tries while another process holds the lock. */
  retryMs?: number;
  signal?: AbortSignal;
}

export type DeliveryOutcome = 'sent' | 'already-delivered';

/** Runs `send` unless this job's result was delivered already; never two senders at once. */
export async function deliverOnce(
  store: Pick<Store, 'tryLock'>,
  job: Pick<RunningJob, 'record' | 'update' | 'reload'>,
  send: () => Promise<void>,
  options: DeliveryOptions = {},
): Promise<DeliveryOutcome> {
  const lockTtlMs = options.lockTtlMs ?? 10 * 60_000;
  const name = `deliver:${job.record.id}`;
  let lock = await store.tryLock(name, lockTtlMs);
  // The holder either delivers (and we see `done`) or dies (and its lock expires): wait for either.
  while (!lock) {
    await sleep(options.retryMs ?? 250, undefined, options.signal ? { signal: options.signal } : {});
    lock = await store.tryLock(name, lockTtlMs);
  }
  try {
    if ((await job.reload()).phase === 'done') return 'already-delivered';
    await job.update({ phase: 'delivering' });
    await send();
    await job.update({ phase: 'done' });
    return 'sent';
  } finally {
    await lock.release();
  }
}
