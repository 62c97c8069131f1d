/**
 * ChatQueue with a chat lock: two queues on two connections to one real Redis stand for two bot processes.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { chatLockFrom } from '../../src/conversation/chat-lock.js';
import { ChatQueue, type Job } from '../../src/conversation/chat-queue.js';
import { MemoryStore } from '../../src/store/memory.js';
import { RedisStore } from '../../src/store/redis.js';
import type { Lock, Store } from '../../src/store/store.js';
import { deadlineIn, waitFor } from '../support/wait-for.js';

const prefix = `test:chat-lock:${randomUUID()}:`;
const FAST = { ttlMs: 300, retryMs: 10 };

/** Counts jobs of each chat running at the same moment, across every queue, and the most ever seen. */
function overlapMeter() {
  const running = new Map<string, number>();
  const most = new Map<string, number>();
  const order: string[] = [];
  const job =
    (chat: string, name: string, workMs: number): Job =>
    async () => {
      const now = (running.get(chat) ?? 0) + 1;
      running.set(chat, now);
      most.set(chat, Math.max(most.get(chat) ?? 0, now));
      order.push(`start ${name}`);
      await sleep(workMs);
      order.push(`end ${name}`);
      running.set(chat, (running.get(chat) ?? 1) - 1);
    };
  return { job, most, order };
}

/** The store's lock calls, counted: the positive events that show a moment has passed. */
function countingLocks(store: Pick<Store, 'tryLock'>) {
  const counts = { refused: 0, renewed: 0 };
  const counted: Pick<Store, 'tryLock'> = {
    tryLock: async (name, ttlMs) => {
      const lock = await store.tryLock(name, ttlMs);
      if (!lock) {
        counts.refused += 1;
        return undefined;
      }
      const extend: Lock['extend'] = async (ms) => {
        const kept = await lock.extend(ms);
        if (kept) counts.renewed += 1;
        return kept;
      };
      return { key: lock.key, token: lock.token, release: () => lock.release(), extend };
    },
  };
  return { counts, store: counted };
}

/** A job that runs until released or cancelled, recording its start and end. */
function gate(order: string[], name: string) {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  const job: Job = async (signal) => {
    order.push(`start ${name}`);
    await new Promise<void>((resolve) => {
      void opened.then(resolve);
      signal.addEventListener('abort', () => resolve());
    });
    order.push(`end ${name}`);
  };
  return { job, open };
}

describe('ChatQueue with a chat lock on one Redis', () => {
  let one: RedisStore;
  let two: RedisStore;

  beforeAll(async () => {
    // Two connections, as two processes would have.
    one = await RedisStore.connect({ url: inject('redisUrl'), keyPrefix: prefix });
    two = await RedisStore.connect({ url: inject('redisUrl'), keyPrefix: prefix });
  });
  afterAll(async () => {
    await one.close();
    await two.close();
  });

  it('never runs two jobs of one chat at once across processes, while other chats run side by side', async () => {
    const meter = overlapMeter();
    const queues = [
      new ChatQueue(() => undefined, { lock: chatLockFrom(one, FAST) }),
      new ChatQueue(() => undefined, { lock: chatLockFrom(two, FAST) }),
    ];
    const outcomes = [];
    for (let i = 0; i < 12; i++) {
      const chat = `serial-${i % 3}`;
      outcomes.push(queues[i % 2]!.enqueue(chat, meter.job(chat, `${chat}#${i}`, 15)).done);
    }
    expect(await Promise.all(outcomes)).toEqual(Array(12).fill('done'));
    expect([...meter.most.values()]).toEqual([1, 1, 1]);
    // Chats are independent: some job of one chat started while another chat's job was running.
    const firstEnd = meter.order.indexOf(meter.order.find((l) => l.startsWith('end'))!);
    expect(meter.order.slice(0, firstEnd).length).toBeGreaterThan(1);
  });

  it('without the lock the same jobs do overlap (what the lock is for)', async () => {
    const meter = overlapMeter();
    const queues = [new ChatQueue(() => undefined), new ChatQueue(() => undefined)];
    const outcomes = [];
    for (let i = 0; i < 4; i++)
      outcomes.push(queues[i % 2]!.enqueue('chat', meter.job('chat', `#${i}`, 15)).done);
    await Promise.all(outcomes);
    expect(meter.most.get('chat')).toBe(2);
  });

  it('keeps FIFO order within one process', async () => {
    const order: string[] = [];
    const queue = new ChatQueue(() => undefined, { lock: chatLockFrom(one, FAST) });
    const jobs = ['a', 'b', 'c'].map((name) => gate(order, name));
    const done = jobs.map((j) => queue.enqueue('fifo', j.job).done);
    for (const j of jobs) j.open();
    await Promise.all(done);
    expect(order).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('a long job keeps the chat past the lock TTL; the other process waits until it ends', async () => {
    const deadline = deadlineIn(15_000);
    const order: string[] = [];
    const holder = countingLocks(one);
    const other = countingLocks(two);
    const a = new ChatQueue(() => undefined, {
      lock: chatLockFrom(holder.store, { ttlMs: 600, retryMs: 10 }),
    });
    const b = new ChatQueue(() => undefined, {
      lock: chatLockFrom(other.store, { ttlMs: 600, retryMs: 10 }),
    });
    const long = gate(order, 'long');
    const first = a.enqueue('long-job', long.job);
    await waitFor(() => order.includes('start long'), { deadline, what: 'the long job to start' });
    const second = b.enqueue('long-job', gate(order, 'next').job);
    // Several TTLs pass while the first job runs (renewals every third of one), and the other process keeps
    // asking for the chat all the while: the renewals keep it out.
    await waitFor(() => holder.counts.renewed >= 6 && other.counts.refused >= 10, {
      deadline,
      what: 'two TTLs of renewals while the other process is refused',
    });
    expect(order).toEqual(['start long']);
    long.open();
    await first.done;
    await waitFor(() => order.includes('start next'), { deadline, what: 'the next job to start' });
    expect(order).toEqual(['start long', 'end long', 'start next']);
    b.cancel('long-job');
    expect(await second.done).toBe('cancelled');
  });

  it('/cancel stops a job that is still waiting for another process to let go of the chat', async () => {
    const deadline = deadlineIn(15_000);
    const order: string[] = [];
    const other = countingLocks(two);
    const a = new ChatQueue(() => undefined, { lock: chatLockFrom(one, FAST) });
    const b = new ChatQueue(() => undefined, { lock: chatLockFrom(other.store, FAST) });
    const holder = gate(order, 'holder');
    const held = a.enqueue('cancel-wait', holder.job);
    await waitFor(() => order.includes('start holder'), { deadline, what: 'the holder to start' });
    const waiting = b.enqueue('cancel-wait', gate(order, 'waiter').job);
    await waitFor(() => other.counts.refused > 0, { deadline, what: 'the waiter to be refused the chat' });
    expect(b.cancel('cancel-wait')).toEqual({ running: true, dropped: 0 });
    expect(await waiting.done).toBe('cancelled');
    holder.open();
    expect(await held.done).toBe('done');
    expect(order).toEqual(['start holder', 'end holder']);
    // The cancelled waiter left no lock behind: the chat is free for the next job at once.
    const after = b.enqueue('cancel-wait', gate(order, 'after').job);
    await waitFor(() => order.includes('start after'), { deadline, what: 'the next job to start at once' });
    b.cancel('cancel-wait');
    await after.done;
  });

  it('takes over a chat whose holder died without letting go, once the lock expires', async () => {
    const order: string[] = [];
    const orphan = await one.tryLock('chat:orphaned', 200);
    expect(orphan).toBeDefined();
    const queue = new ChatQueue(() => undefined, { lock: chatLockFrom(two, FAST) });
    const job = gate(order, 'survivor');
    const done = queue.enqueue('orphaned', job.job).done;
    await waitFor(() => order.includes('start survivor'), {
      deadline: deadlineIn(15_000),
      what: 'the job to take the orphaned chat',
    });
    job.open();
    expect(await done).toBe('done');
  });

  it('keeps asking while Redis fails the lock call (a restart), and runs the job once it answers', async () => {
    const warnings: string[] = [];
    let failures = 2;
    const flaky = {
      tryLock: (name: string, ttlMs: number) =>
        failures-- > 0 ? Promise.reject(new Error('Connection is closed.')) : one.tryLock(name, ttlMs),
    };
    const queue = new ChatQueue(() => undefined, {
      lock: chatLockFrom(flaky, { ...FAST, onWarning: (message) => warnings.push(message) }),
    });
    const order: string[] = [];
    const job = gate(order, 'after-outage');
    const done = queue.enqueue('flaky', job.job).done;
    await waitFor(() => order.includes('start after-outage'), {
      deadline: deadlineIn(15_000),
      what: 'the job to run once Redis answers',
    });
    job.open();
    expect(await done).toBe('done');
    expect(warnings).toEqual(Array(2).fill('could not ask Redis for a chat lock; retrying'));
  });

  it('works on the memory store too (one process)', async () => {
    const meter = overlapMeter();
    const store = new MemoryStore();
    const queues = [
      new ChatQueue(() => undefined, { lock: chatLockFrom(store, FAST) }),
      new ChatQueue(() => undefined, { lock: chatLockFrom(store, FAST) }),
    ];
    const outcomes = [];
    for (let i = 0; i < 4; i++) outcomes.push(queues[i % 2]!.enqueue('m', meter.job('m', `#${i}`, 10)).done);
    await Promise.all(outcomes);
    expect(meter.most.get('m')).toBe(1);
    await store.close();
  });
});
