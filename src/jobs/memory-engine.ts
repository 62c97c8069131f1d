/**
 * The engine without Redis: a job runs in this process the moment it is submitted, and is lost with it.
 * Same contract as the BullMQ engine, so the bot does not care which one it has.
 */
import type {
  JobEngine,
  JobProcessor,
  JobRecord,
  RunningJob,
  SubmitOptions,
  SubmitOutcome,
} from './types.js';

export class MemoryJobEngine implements JobEngine {
  readonly durable = false;
  private processor: JobProcessor | undefined;
  private readonly running = new Map<string, { cancel: AbortController; done: Promise<unknown> }>();
  private closed = false;

  async start(processor: JobProcessor): Promise<void> {
    this.processor = processor;
  }

  /** Nothing outlives this process, so a held job is just the queue entry that waits for its turn. */
  async hold(_record: JobRecord): Promise<void> {}

  async drop(_id: string): Promise<void> {}

  async submit(record: JobRecord, options: SubmitOptions = {}): Promise<SubmitOutcome> {
    const processor = this.processor;
    if (!processor || this.closed) throw new Error('the job engine is not running');
    const existing = this.running.get(record.id);
    if (existing) {
      await existing.done;
      return 'finished';
    }
    let current: JobRecord = structuredClone(record);
    const cancel = new AbortController();
    const forward = () => cancel.abort(options.signal?.reason);
    if (options.signal?.aborted) forward();
    options.signal?.addEventListener('abort', forward, { once: true });
    const job: RunningJob = {
      record: structuredClone(record),
      cancelled: cancel.signal,
      // Nothing here outlives the process, so nothing is ever handed over.
      handedOver: new AbortController().signal,
      ...(options.port ? { livePort: options.port } : {}),
      update: async (patch) => {
        current = { ...current, ...patch };
      },
      reload: async () => structuredClone(current),
    };
    const done = processor(job);
    this.running.set(record.id, { cancel, done: done.catch(() => undefined) });
    try {
      await done;
      return 'finished';
    } finally {
      options.signal?.removeEventListener('abort', forward);
      this.running.delete(record.id);
    }
  }

  /** Cancels what runs (nothing could take it over) and waits for it to stop. */
  async close(_options: { leaveRunning: boolean }): Promise<void> {
    this.closed = true;
    const running = [...this.running.values()];
    for (const job of running) job.cancel.abort(new Error('shutting down'));
    await Promise.all(running.map((job) => job.done));
  }
}
