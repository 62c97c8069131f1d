/**
 * Durable jobs on BullMQ. A submitted job is a BullMQ job whose data is the JobRecord and whose id is the
 * record's id (so adding it twice adds it once). Every process runs a Worker on the same queue; a job whose
 * owner died stops having its lock renewed, BullMQ's stalled check moves it back to the queue and another
 * Worker takes it: that is the takeover. What the job did already is in its data, written before each side
 * effect (see RunningJob.update), so the next owner carries on instead of starting over.
 *
 * The process that accepted the message waits for the job through QueueEvents, wherever it runs; a /cancel
 * reaches the owner over a Redis pub/sub channel.
 */
import { Job, Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ChatPort } from '../messages.js';
import {
  HandedOverError,
  type JobEngine,
  type JobProcessor,
  type JobRecord,
  type RunningJob,
  type SubmitOptions,
  type SubmitOutcome,
} from './types.js';

export interface BullJobEngineOptions {
  /** REDIS_URL; may hold a password, so it is never logged. */
  url: string;
  /** Key prefix of the queue, so several bots or test runs share one Redis. */
  prefix?: string;
  log: Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;
  /**
   * How long a job stays owned without its owner renewing the lock. A dead owner's job is retaken within
   * about this plus `stalledIntervalMs`; too short and a busy (not dead) owner loses its jobs.
   */
  lockDurationMs?: number;
  /** How often each worker looks for jobs whose lock expired. */
  stalledIntervalMs?: number;
  /**
   * How long a held job (waiting its turn in a chat's queue) waits for its owner: renewed every third of it
   * while the owner lives; once it lapses the job runs by itself. Default 15 s.
   */
  holdLeaseMs?: number;
  /**
   * Jobs one process runs at once. Each is an edit stream or a render poll that mostly waits on the backend,
   * so one process holds a thousand (the concurrency benchmark's figure); past it, jobs wait in Redis.
   */
  concurrency?: number;
}

const QUEUE_NAME = 'bot-jobs';
const JOB_OPTIONS = {
  // A retry is safe: the record tells it what not to redo.
  attempts: 3,
  backoff: { type: 'exponential', delay: 1000 },
  // Kept a while so a late waiter still finds it finished (and a re-add stays a no-op).
  removeOnComplete: { age: 3600 },
  removeOnFail: { age: 7 * 24 * 3600 },
} as const;
const DEFAULT_PREFIX = 'nemo-jobs';

interface LocalJob {
  cancel: AbortController;
  handedOver: AbortController;
}

export class BullJobEngine implements JobEngine {
  readonly durable = true;
  private readonly connections: Redis[] = [];
  private readonly queue: Queue<JobRecord>;
  private readonly events: QueueEvents;
  private readonly subscriber: Redis;
  /** The queue's own connection, also used to publish cancels. */
  private readonly publisher: Redis;
  private readonly cancelChannel: string;
  private worker: Worker<JobRecord> | undefined;
  /** Jobs running in this process. */
  private readonly local = new Map<string, LocalJob>();
  /** Ports of updates this process received, for their jobs if they run here. */
  private readonly livePorts = new Map<string, ChatPort>();
  /** Submitters waiting here; told `left-running` when this process hands its jobs over. */
  private readonly waiters = new Set<(outcome: SubmitOutcome) => void>();
  /** Held jobs of this process and the timers renewing their leases. */
  private readonly leases = new Map<string, NodeJS.Timeout>();
  private closing: Promise<void> | undefined;

  private constructor(private readonly options: BullJobEngineOptions) {
    const prefix = options.prefix ?? DEFAULT_PREFIX;
    this.publisher = this.connect();
    this.queue = new Queue<JobRecord>(QUEUE_NAME, { connection: this.publisher, prefix });
    this.events = new QueueEvents(QUEUE_NAME, { connection: this.connect(), prefix });
    this.subscriber = this.connect();
    this.cancelChannel = `${prefix}:${QUEUE_NAME}:cancel`;
    const warn = (error: Error) => options.log.warn({ err: error.message }, 'job queue error');
    this.queue.on('error', warn);
    this.events.on('error', warn);
    // waitUntilFinished adds a 'closing' listener to the queue per awaited job (removed when it ends): with
    // hundreds of jobs at once that is expected, not a leak.
    this.queue.setMaxListeners(0);
  }

  /** Connects and waits until the queue can be used (fails fast when Redis is unreachable). */
  static async connect(options: BullJobEngineOptions): Promise<BullJobEngine> {
    const engine = new BullJobEngine(options);
    try {
      await Promise.all([engine.queue.waitUntilReady(), engine.events.waitUntilReady()]);
      await engine.subscriber.subscribe(engine.cancelChannel);
    } catch (error) {
      for (const connection of engine.connections) connection.disconnect();
      throw error;
    }
    engine.subscriber.on('message', (_channel: string, id: string) =>
      engine.local.get(id)?.cancel.abort(new Error('cancelled')),
    );
    return engine;
  }

  async start(processor: JobProcessor): Promise<void> {
    const { options } = this;
    const lockDuration = options.lockDurationMs ?? 10_000;
    this.worker = new Worker<JobRecord>(QUEUE_NAME, (job) => this.run(job, processor), {
      connection: this.connect(),
      prefix: options.prefix ?? DEFAULT_PREFIX,
      concurrency: options.concurrency ?? 1000,
      lockDuration,
      stalledInterval: options.stalledIntervalMs ?? lockDuration / 2,
      // A job outlives many owners only if they keep dying on it; past that it is failed, not retried forever.
      maxStalledCount: 10,
    });
    this.worker.on('error', (error) => options.log.warn({ err: error.message }, 'job worker error'));
    this.worker.on('stalled', (id) =>
      options.log.info({ jobId: id }, 'taking over a job whose owner is gone'),
    );
    this.worker.on('failed', (job, error) =>
      options.log.error({ jobId: job?.id, err: error.message }, 'a job failed'),
    );
    await this.worker.waitUntilReady();
  }

  async hold(record: JobRecord): Promise<void> {
    if (this.closing) throw new Error('the job engine is closed');
    const leaseMs = this.options.holdLeaseMs ?? 15_000;
    // A delayed job: in Redis now, run by no worker until the lease lapses or submit promotes it.
    await this.queue.add(record.kind, record, { ...JOB_OPTIONS, jobId: record.id, delay: leaseMs });
    const renew = setInterval(async () => {
      try {
        const job = await this.queue.getJob(record.id);
        if (job && (await job.isDelayed())) await job.changeDelay(leaseMs);
      } catch (error) {
        this.options.log.warn(
          { err: (error as Error).message, jobId: record.id },
          'could not renew a held job',
        );
      }
    }, leaseMs / 3);
    renew.unref();
    this.leases.set(record.id, renew);
  }

  async drop(id: string): Promise<void> {
    this.endLease(id);
    const job = await this.queue.getJob(id);
    if (job && (await job.isDelayed())) await job.remove();
  }

  private endLease(id: string): void {
    clearInterval(this.leases.get(id));
    this.leases.delete(id);
  }

  async submit(record: JobRecord, options: SubmitOptions = {}): Promise<SubmitOutcome> {
    if (this.closing) throw new Error('the job engine is closed');
    const held = this.leases.has(record.id);
    this.endLease(record.id);
    if (options.port) this.livePorts.set(record.id, options.port);
    let settle!: (outcome: SubmitOutcome) => void;
    const left = new Promise<SubmitOutcome>((resolve) => {
      settle = resolve;
    });
    this.waiters.add(settle);
    // A job cancelled before any worker took it is removed: nobody will finish it, so stop waiting here.
    const cancel = () =>
      void this.cancel(record.id, options.signal?.reason).then((removed) => removed && settle('finished'));
    try {
      // Adding an id that exists is a no-op that returns the job: a held job is found, then started.
      const job = await this.queue.add(record.kind, record, { ...JOB_OPTIONS, jobId: record.id });
      // Its lease may lapse between the two calls: then it is already waiting for a worker, as wanted.
      if (held && (await job.isDelayed())) await job.promote().catch(() => undefined);
      if (options.signal?.aborted) cancel();
      options.signal?.addEventListener('abort', cancel, { once: true });
      const finished = job.waitUntilFinished(this.events).then(
        () => 'finished' as const,
        // A failed job was logged by the worker that ran it; for the submitter it is over either way.
        () => 'finished' as const,
      );
      return await Promise.race([finished, left]);
    } finally {
      options.signal?.removeEventListener('abort', cancel);
      this.waiters.delete(settle);
      this.livePorts.delete(record.id);
    }
  }

  /**
   * A job not started yet is removed (true); a running one is told to stop, in whichever process runs it.
   * A shutdown's own aborts are not cancels: the job is left for the next owner.
   */
  private async cancel(id: string, reason: unknown): Promise<boolean> {
    if (this.closing) return false;
    try {
      const local = this.local.get(id);
      if (local) {
        local.cancel.abort(reason);
        return false;
      }
      // remove() refuses a job some worker holds the lock of; that one hears the cancel instead.
      if ((await this.queue.remove(id)) === 1) return true;
      await this.publisher.publish(this.cancelChannel, id);
    } catch (error) {
      this.options.log.warn({ jobId: id, err: (error as Error).message }, 'could not cancel a job');
    }
    return false;
  }

  private async run(job: Job<JobRecord>, processor: JobProcessor): Promise<void> {
    const id = job.id ?? job.data.id;
    const local: LocalJob = { cancel: new AbortController(), handedOver: new AbortController() };
    this.local.set(id, local);
    const livePort = this.livePorts.get(id);
    const running: RunningJob = {
      record: structuredClone(job.data),
      cancelled: local.cancel.signal,
      handedOver: local.handedOver.signal,
      ...(livePort ? { livePort } : {}),
      update: async (patch) => {
        await job.updateData({ ...job.data, ...patch });
      },
      reload: async () => (await Job.fromId<JobRecord>(this.queue, id))?.data ?? job.data,
    };
    try {
      await processor(running);
    } finally {
      this.local.delete(id);
    }
  }

  async close({ leaveRunning }: { leaveRunning: boolean }): Promise<void> {
    this.closing ??= (async () => {
      // Held jobs stay in Redis: their leases lapse and whoever is left runs them.
      for (const id of [...this.leases.keys()]) this.endLease(id);
      if (leaveRunning) {
        // Stop renewing locks and taking jobs first, so nothing this process still does can complete or fail
        // a job: its lock expires and another process takes it over where the record says.
        await this.worker?.close(true);
        for (const job of this.local.values()) job.handedOver.abort(new HandedOverError());
        for (const settle of this.waiters) settle('left-running');
      } else {
        for (const job of this.local.values()) job.cancel.abort(new Error('shutting down'));
        await this.worker?.close();
      }
      await Promise.allSettled([this.events.close(), this.queue.close()]);
      for (const connection of this.connections) connection.disconnect();
    })();
    return this.closing;
  }

  /** A connection of its own for each BullMQ part (a blocking or subscribed connection cannot be shared). */
  private connect(): Redis {
    const connection = new Redis(this.options.url, {
      // BullMQ's workers block on Redis; they must wait out a reconnect rather than fail the command.
      maxRetriesPerRequest: null,
      retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
    });
    connection.on('error', (error: Error) =>
      this.options.log.debug({ err: error.message }, 'job queue connection error'),
    );
    this.connections.push(connection);
    return connection;
  }
}
