/**
 * One edit, upload or export at a time per chat. Work that touches the timeline must not overlap: an edit's
 * before/after comparison or a render of a half-edited draft would be wrong. Later jobs wait in order; quick
 * answers (credits, status, help) never go through here, so they answer even while a job runs.
 *
 * Within a process the order is FIFO. With a `lock` (chat-lock.ts) each job also holds the chat's lock in Redis
 * while it runs, so several processes on one Redis never run two jobs of a chat at once; across processes that
 * is mutual exclusion, not a global order (whoever asks next after a release wins).
 */
import type { ChatLock } from './chat-lock.js';

export type JobOutcome = 'done' | 'cancelled' | 'dropped';

/** A job gets a signal that fires on /cancel, /new or shutdown; it must stop its backend work when it does. */
export type Job = (signal: AbortSignal) => Promise<void>;

export interface Enqueued {
  /** Jobs ahead of this one (the running one included); 0 means it starts now. */
  ahead: number;
  /** Settles when the job finished, was cancelled while running, or was dropped from the queue. Never rejects. */
  done: Promise<JobOutcome>;
}

interface Entry {
  job: Job;
  controller: AbortController;
  settle(outcome: JobOutcome): void;
}

interface ChatLine {
  running?: Entry;
  waiting: Entry[];
}

export interface ChatQueueOptions {
  /** Shares the one-job-per-chat rule with other processes; without it the rule holds in this process only. */
  lock?: ChatLock;
}

export class ChatQueue {
  private readonly lines = new Map<string, ChatLine>();
  private readonly pending = new Set<Promise<JobOutcome>>();
  private readonly lock: ChatLock | undefined;

  /** `onError` receives what a job throws (jobs are expected to handle their own expected failures). */
  constructor(
    private readonly onError: (key: string, error: unknown) => void,
    options: ChatQueueOptions = {},
  ) {
    this.lock = options.lock;
  }

  enqueue(key: string, job: Job): Enqueued {
    const line = this.lines.get(key) ?? { waiting: [] };
    this.lines.set(key, line);
    let settle!: (outcome: JobOutcome) => void;
    const done = new Promise<JobOutcome>((resolve) => {
      settle = resolve;
    });
    this.pending.add(done);
    void done.then(() => this.pending.delete(done));
    const entry: Entry = { job, controller: new AbortController(), settle };
    const ahead = (line.running ? 1 : 0) + line.waiting.length;
    line.waiting.push(entry);
    if (!line.running) this.next(key, line);
    return { ahead, done };
  }

  /** Jobs of this chat waiting their turn (the running one not counted). */
  waitingCount(key: string): number {
    return this.lines.get(key)?.waiting.length ?? 0;
  }

  /** True while a job runs or waits in this chat. */
  isBusy(key: string): boolean {
    return this.lines.has(key);
  }

  /** Aborts the running job and drops the waiting ones. */
  cancel(key: string): { running: boolean; dropped: number } {
    const line = this.lines.get(key);
    if (!line) return { running: false, dropped: 0 };
    const dropped = line.waiting.splice(0);
    for (const entry of dropped) entry.settle('dropped');
    const running = line.running;
    running?.controller.abort(new CancelledError());
    return { running: Boolean(running), dropped: dropped.length };
  }

  /** Cancels everything and waits for the running jobs to stop. */
  async close(): Promise<void> {
    for (const key of [...this.lines.keys()]) this.cancel(key);
    await this.idle();
  }

  /** Resolves when no chat has work (the console uses it to know everything finished before exiting). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private next(key: string, line: ChatLine): void {
    const entry = line.waiting.shift();
    if (!entry) {
      this.lines.delete(key);
      return;
    }
    line.running = entry;
    const finish = (outcome: JobOutcome) => {
      line.running = undefined;
      entry.settle(outcome);
      this.next(key, line);
    };
    // Started synchronously (without a lock), so a job is running by the time enqueue returns; a synchronous
    // throw still settles. With a lock, the job starts once the lock is held; /cancel stops the wait too.
    const job = this.lock ? holding(this.lock, key, entry.job) : entry.job;
    let work: Promise<void>;
    try {
      work = job(entry.controller.signal);
    } catch (error) {
      work = Promise.reject(error);
    }
    work
      .catch((error: unknown) => {
        if (!entry.controller.signal.aborted) this.onError(key, error);
      })
      .finally(() => finish(entry.controller.signal.aborted ? 'cancelled' : 'done'));
  }
}

/** The job, run while holding the chat's lock; the lock is given back before the chat's next job starts. */
function holding(lock: ChatLock, key: string, job: Job): Job {
  return async (signal) => {
    const held = await lock(key, signal);
    try {
      await job(signal);
    } finally {
      await held.release();
    }
  };
}

/** The abort reason the queue uses, so flows can tell a user's /cancel from a timeout. */
export class CancelledError extends Error {
  override name = 'CancelledError';
  constructor() {
    super('cancelled by the user');
  }
}
