import { setTimeout as delay } from 'node:timers/promises';
import type { RetryPolicy, SleepFn } from './types.js';

/** Waits `ms`, rejecting with the signal's reason when it aborts first. */
export const defaultSleep: SleepFn = (ms, signal) => delay(ms, undefined, signal ? { signal } : undefined);

/**
 * A timeout as an AbortSignal, with its timer cleared by `clear()` (call it in `finally`, as discord.js's
 * REST does) so a finished call leaves no timer behind. `bump()` restarts the countdown, which turns it into
 * an idle timeout for uploads: a slow but moving upload never times out.
 */
export class Deadline {
  readonly ms: number;
  #controller = new AbortController();
  #timer: NodeJS.Timeout | undefined;

  constructor(ms: number) {
    this.ms = ms;
    this.#arm();
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  get expired(): boolean {
    return this.#controller.signal.aborted;
  }

  bump(): void {
    if (this.expired) return;
    clearTimeout(this.#timer);
    this.#arm();
  }

  clear(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(): void {
    this.#timer = setTimeout(
      () => this.#controller.abort(new Error(`deadline of ${this.ms} ms passed`)),
      this.ms,
    );
    // A pending deadline must not keep the process alive on its own.
    this.#timer.unref();
  }
}

/**
 * Exponential backoff with "equal jitter": half of min(max, base·2^retry) plus a random share of the other
 * half, so waits still grow while clients that failed together spread out.
 */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** retry);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
