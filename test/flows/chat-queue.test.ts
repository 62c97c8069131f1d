import { describe, expect, it } from 'vitest';
import { CancelledError, ChatQueue } from '../../src/conversation/chat-queue.js';

/** A job that runs until released (or aborted), recording what happened to it. */
function controllable(log: string[], name: string) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const job = async (signal: AbortSignal) => {
    log.push(`start ${name}`);
    await new Promise<void>((resolve) => {
      void released.then(resolve);
      signal.addEventListener('abort', () => {
        log.push(`abort ${name}: ${(signal.reason as Error).name}`);
        resolve();
      });
    });
    log.push(`end ${name}`);
  };
  return { job, release };
}

describe('ChatQueue', () => {
  it('runs one job per chat at a time, in order, and says how many are ahead', async () => {
    const log: string[] = [];
    const queue = new ChatQueue(() => undefined);
    const a = controllable(log, 'a');
    const b = controllable(log, 'b');
    const c = controllable(log, 'c');
    const first = queue.enqueue('chat', a.job);
    const second = queue.enqueue('chat', b.job);
    const third = queue.enqueue('chat', c.job);
    expect([first.ahead, second.ahead, third.ahead]).toEqual([0, 1, 2]);
    expect(log).toEqual(['start a']);
    a.release();
    await first.done;
    b.release();
    c.release();
    expect(await Promise.all([second.done, third.done])).toEqual(['done', 'done']);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(queue.isBusy('chat')).toBe(false);
  });

  it('keeps chats independent', async () => {
    const log: string[] = [];
    const queue = new ChatQueue(() => undefined);
    const a = controllable(log, 'a');
    const b = controllable(log, 'b');
    expect(queue.enqueue('one', a.job).ahead).toBe(0);
    expect(queue.enqueue('two', b.job).ahead).toBe(0);
    expect(log).toEqual(['start a', 'start b']);
    a.release();
    b.release();
    await queue.idle();
  });

  it('cancel aborts the running job with CancelledError and drops the waiting ones', async () => {
    const log: string[] = [];
    const queue = new ChatQueue(() => undefined);
    const a = controllable(log, 'a');
    const b = controllable(log, 'b');
    const running = queue.enqueue('chat', a.job);
    const waiting = queue.enqueue('chat', b.job);
    expect(queue.cancel('chat')).toEqual({ running: true, dropped: 1 });
    expect(await running.done).toBe('cancelled');
    expect(await waiting.done).toBe('dropped');
    expect(log).toEqual(['start a', 'abort a: CancelledError', 'end a']);
    expect(queue.cancel('chat')).toEqual({ running: false, dropped: 0 });
    expect(new CancelledError()).toBeInstanceOf(Error);
  });

  it('reports what a job throws and goes on with the next', async () => {
    const errors: unknown[] = [];
    const queue = new ChatQueue((key, error) => errors.push([key, (error as Error).message]));
    const failed = queue.enqueue('chat', async () => {
      throw new Error('boom');
    });
    const next = queue.enqueue('chat', async () => undefined);
    expect(await failed.done).toBe('done');
    expect(await next.done).toBe('done');
    expect(errors).toEqual([['chat', 'boom']]);
  });

  it('close cancels everything and waits for it to stop', async () => {
    const log: string[] = [];
    const queue = new ChatQueue(() => undefined);
    queue.enqueue('one', controllable(log, 'a').job);
    queue.enqueue('two', controllable(log, 'b').job);
    await queue.close();
    expect(log.filter((l) => l.startsWith('end')).sort()).toEqual(['end a', 'end b']);
    expect(queue.isBusy('one') || queue.isBusy('two')).toBe(false);
  });
});
