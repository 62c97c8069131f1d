/**
 * A bounded pool of render workers: at most `concurrency` ffmpeg processes at once, the rest wait in a
 * FIFO queue. Each worker is a child process, so the event loop only reads progress lines.
 * Emits `spawned` (renderId, pid) and `exited` (renderId, pid) so operators and tests can see the processes.
 */
import { EventEmitter } from 'node:events';

export interface PoolTask {
  id: string;
  /** Starts the work; the pool frees the slot when `done` settles. */
  start(): { pid: number | undefined; done: Promise<unknown>; cancel(): void };
  /** Called instead of start when the task is cancelled while still queued. */
  dropped(): void;
}

interface PoolEvents {
  spawned: [id: string, pid: number | undefined];
  exited: [id: string, pid: number | undefined];
}

export class RenderPool extends EventEmitter<PoolEvents> {
  readonly #concurrency: number;
  readonly #queue: PoolTask[] = [];
  readonly #running = new Map<string, { cancel(): void; done: Promise<unknown> }>();

  constructor(concurrency: number) {
    super();
    this.#concurrency = Math.max(1, concurrency);
  }

  get running(): number {
    return this.#running.size;
  }

  get queued(): number {
    return this.#queue.length;
  }

  submit(task: PoolTask): void {
    this.#queue.push(task);
    this.#drain();
  }

  /** Stops a running task or takes a queued one off the queue. False when the pool does not hold it. */
  cancel(id: string): boolean {
    const running = this.#running.get(id);
    if (running) {
      running.cancel();
      return true;
    }
    const index = this.#queue.findIndex((task) => task.id === id);
    if (index === -1) return false;
    const [task] = this.#queue.splice(index, 1);
    task!.dropped();
    return true;
  }

  /** Cancels everything and waits for the running processes to exit. */
  async close(): Promise<void> {
    for (const task of this.#queue.splice(0)) task.dropped();
    const running = [...this.#running.values()];
    for (const task of running) task.cancel();
    await Promise.allSettled(running.map((task) => task.done));
  }

  #drain(): void {
    while (this.#running.size < this.#concurrency && this.#queue.length > 0) {
      const task = this.#queue.shift()!;
      const started = task.start();
      this.#running.set(task.id, started);
      this.emit('spawned', task.id, started.pid);
      void started.done
        .catch(() => undefined)
        .finally(() => {
          this.#running.delete(task.id);
          this.emit('exited', task.id, started.pid);
          this.#drain();
        });
    }
  }
}
