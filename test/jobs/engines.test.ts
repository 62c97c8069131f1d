/**
 * The job engines' contract against a real redis-server: a job runs and saves its record, a job left by a
 * process that shut down is taken over with what it saved, /cancel reaches the process that runs the job,
 * and the in-memory engine runs and cancels in-process.
 */
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { BullJobEngine } from '../../src/jobs/bullmq-engine.js';
import { MemoryJobEngine } from '../../src/jobs/memory-engine.js';
import { HandedOverError, type JobEngine, type JobRecord, type RunningJob } from '../../src/jobs/types.js';

const log = pino({ level: 'silent' });
const open: JobEngine[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((engine) => engine.close({ leaveRunning: true })));
});

function record(kind: JobRecord['kind'] = 'export'): JobRecord {
  return {
    id: `job-${randomUUID()}`,
    kind,
    chat: { platform: 'test', chatId: 'c1' },
    requester: { id: 'u1', displayName: 'Ada' },
    replyTo: '7',
    text: 'export',
    receivedAt: Date.now(),
    phase: 'queued',
  };
}

/** Engines on one queue of their own, with locks short enough to see a takeover quickly. */
function engines(): () => Promise<BullJobEngine> {
  const prefix = `test-jobs-${randomUUID()}`;
  return async () => {
    const engine = await BullJobEngine.connect({
      url: inject('redisUrl'),
      prefix,
      log,
      // Not much shorter: a busy (not dead) test process must still renew its locks in time.
      lockDurationMs: 3000,
      stalledIntervalMs: 500,
    });
    open.push(engine);
    return engine;
  };
}

/** An engine on a given queue with a short hold lease, as a second process sharing that queue. */
async function engineOn(prefix: string): Promise<BullJobEngine> {
  const engine = await BullJobEngine.connect({ url: inject('redisUrl'), prefix, log, holdLeaseMs: 200 });
  open.push(engine);
  return engine;
}

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('BullJobEngine', () => {
  it('runs a submitted job and resolves when it finished; saved fields are read back', async () => {
    const engine = await engines()();
    const seen: JobRecord[] = [];
    await engine.start(async (job) => {
      await job.update({ renderId: 'render_1', phase: 'rendering' });
      seen.push(await job.reload());
    });
    const job = record();
    expect(await engine.submit(job)).toBe('finished');
    expect(seen).toEqual([{ ...job, renderId: 'render_1', phase: 'rendering' }]);
  });

  it('holds a queued job in Redis without running it, then runs it once when submitted', async () => {
    const connect = engines();
    const engine = await connect();
    let runs = 0;
    await engine.start(async () => {
      runs += 1;
    });
    const job = record('edit');
    await engine.hold(job);
    // The worker is taking jobs: one submitted after the hold runs and finishes, and the held one did not run.
    expect(await engine.submit(record())).toBe('finished');
    expect(runs).toBe(1);
    expect(await engine.submit(job)).toBe('finished');
    expect(runs).toBe(2);
  });

  it('drops a held job that will never run here (/cancel before its turn)', async () => {
    const prefix = `test-jobs-${randomUUID()}`;
    const engine = await engineOn(prefix);
    const job = record('edit');
    await engine.hold(job);
    await engine.drop(job.id);
    // A sentinel held after it, on the same lease, by a process that then goes away too: it lapses later.
    const sentinel = record('edit');
    await engine.hold(sentinel);
    await engine.close({ leaveRunning: true }); // nobody renews them now: only a real removal keeps one from running
    // Another process with a worker runs the sentinel once its hold lapsed: the dropped job's would have too.
    const other = await engineOn(prefix);
    const ran: string[] = [];
    const sentinelRan = deferred();
    await other.start(async (running) => {
      ran.push(running.record.id);
      if (running.record.id === sentinel.id) sentinelRan.resolve();
    });
    await sentinelRan.promise;
    expect(ran).toEqual([sentinel.id]);
  });

  it('runs a held job by itself once its owner stops renewing the hold', async () => {
    const prefix = `test-jobs-${randomUUID()}`;
    const owner = await engineOn(prefix);
    const job = record('export');
    await owner.hold(job);
    await owner.close({ leaveRunning: true }); // the owner is gone: its hold lapses
    const heir = await engineOn(prefix);
    const ran = deferred<string>();
    await heir.start(async (running) => ran.resolve(running.record.id));
    expect(await ran.promise).toBe(job.id);
  });

  it('hands a running job over on shutdown: another process takes it with what it saved', async () => {
    const connect = engines();
    const first = await connect();
    const saved = deferred();
    let handedOver: AbortSignal | undefined;
    await first.start(async (job) => {
      handedOver = job.handedOver;
      await job.update({ renderId: 'render_9', phase: 'rendering' });
      saved.resolve();
      await new Promise(() => {}); // still polling the render when the process stops
    });
    const job = record();
    const waiting = first.submit(job);
    await saved.promise;
    await first.close({ leaveRunning: true });
    expect(await waiting).toBe('left-running');
    expect(handedOver?.reason).toBeInstanceOf(HandedOverError);

    const second = await connect();
    const taken = deferred<RunningJob>();
    await second.start(async (running) => taken.resolve(running));
    const resumed = await taken.promise;
    expect(resumed.record).toEqual({ ...job, renderId: 'render_9', phase: 'rendering' });
    expect(resumed.cancelled.aborted).toBe(false);
  });

  it('carries a cancel to the process that runs the job', async () => {
    const connect = engines();
    const submitter = await connect(); // takes no jobs itself
    const runner = await connect();
    const started = deferred();
    const stopped = deferred<unknown>();
    await runner.start(async (job) => {
      started.resolve();
      await new Promise((resolve) => job.cancelled.addEventListener('abort', resolve, { once: true }));
      stopped.resolve(job.cancelled.reason);
    });
    const cancel = new AbortController();
    const waiting = submitter.submit(record('edit'), { signal: cancel.signal });
    await started.promise;
    cancel.abort(new Error('user said /cancel'));
    await stopped.promise;
    expect(await waiting).toBe('finished');
  });

  it('adds a job once however often it is submitted', async () => {
    const engine = await engines()();
    let runs = 0;
    await engine.start(async () => {
      runs++;
    });
    const job = record();
    await Promise.all([engine.submit(job), engine.submit(job)]);
    await engine.submit(job);
    expect(runs).toBe(1);
  });
});

describe('MemoryJobEngine', () => {
  it('runs in-process, saves fields and cancels with the submitter’s signal', async () => {
    const engine = new MemoryJobEngine();
    open.push(engine);
    const cancel = new AbortController();
    const reasons: unknown[] = [];
    await engine.start(async (job) => {
      await job.update({ progressMessageId: '42' });
      expect((await job.reload()).progressMessageId).toBe('42');
      cancel.abort('stop');
      reasons.push(job.cancelled.reason);
    });
    expect(await engine.submit(record(), { signal: cancel.signal })).toBe('finished');
    expect(reasons).toEqual(['stop']);
    expect(engine.durable).toBe(false);
  });
});
