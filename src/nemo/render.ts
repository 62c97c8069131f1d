/**
 * Render ids and the render poll loop. The schedule starts at 2 s and grows ×1.5 up to the configured cap
 * (the seeds poll every 30 s; early polls catch short renders fast). A transient poll failure (network, 5xx,
 * timeout) does not end the wait: the next poll may well succeed.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import {
  NemoAbortedError,
  NemoApiError,
  type NemoError,
  NemoRenderFailedError,
  NemoTimeoutError,
} from './errors.js';
import { isTransient } from './http.js';
import type { RenderStatus } from './types.js';

/** `render_<ms>_<random>`: a new one per attempt, since the backend refuses a reused id. */
export function newRenderId(now: number = Date.now()): string {
  return `render_${now}_${randomBytes(4).toString('hex')}`;
}

/** The backend's "this render id was used already" refusal. */
export function isReusedRenderIdError(error: unknown): boolean {
  if (!(error instanceof NemoApiError)) return false;
  const text = error.backendMessage ?? '';
  return /\bid\b/i.test(text) && /(already|duplicate|exists|in use|reused)/i.test(text);
}

/** Waits between polls: `startMs`, then ×`factor` each time, never above `maxMs`. */
export function* pollDelays(maxMs: number, startMs = 2_000, factor = 1.5): Generator<number, never> {
  let next = Math.min(startMs, maxMs);
  for (;;) {
    yield next;
    next = Math.min(maxMs, next * factor);
  }
}

export const DEFAULT_RENDER_TIMEOUT_MS = 30 * 60_000;
/**
 * Polls that fail in a row (5xx, network, timeout) before the wait is given up with the last error: one
 * failed poll is weather, five are an outage the user should hear about rather than wait 30 minutes on.
 */
export const MAX_FAILED_POLLS_IN_A_ROW = 5;

export interface PollOptions {
  renderId: string;
  poll(): Promise<RenderStatus>;
  pause(ms: number): Promise<void>;
  maxIntervalMs: number;
  timeoutMs?: number;
  signal?: AbortSignal;
  onProgress?(status: RenderStatus): void;
  logger?: Logger;
}

/**
 * Polls at once (a resumed job may find its render done), then on the schedule. Returns a completed or
 * cancelled status; throws NemoRenderFailedError on `failed`, NemoTimeoutError past `timeoutMs`.
 * Elapsed time counts both the clock and the waits asked for, so an injected fast `sleep` still times out.
 */
export async function pollRender(o: PollOptions): Promise<RenderStatus> {
  const endpoint = 'render-poll';
  const timeoutMs = o.timeoutMs ?? DEFAULT_RENDER_TIMEOUT_MS;
  const started = Date.now();
  const delays = pollDelays(o.maxIntervalMs);
  let waited = 0;
  let last: RenderStatus | undefined;
  let failedInARow = 0;
  for (;;) {
    if (o.signal?.aborted) throw new NemoAbortedError({ endpoint });
    let status: RenderStatus | undefined;
    try {
      status = await o.poll();
      failedInARow = 0;
    } catch (error) {
      if (!isTransient(error) || ++failedInARow >= MAX_FAILED_POLLS_IN_A_ROW) throw error;
      o.logger?.debug(
        { endpoint, renderId: o.renderId, kind: (error as NemoError).kind },
        'render poll failed; polling on',
      );
    }
    if (status) {
      if (!last || last.status !== status.status || last.progress !== status.progress) o.onProgress?.(status);
      last = status;
      if (status.status === 'completed' || status.status === 'cancelled') return status;
      if (status.status === 'failed') {
        throw new NemoRenderFailedError({
          endpoint,
          renderId: o.renderId,
          ...(status.error !== undefined && { reason: status.error }),
        });
      }
    }
    const elapsed = Math.max(Date.now() - started, waited);
    if (elapsed >= timeoutMs) throw new NemoTimeoutError({ endpoint, timeoutMs });
    const wait = Math.min(delays.next().value, timeoutMs - elapsed);
    await o.pause(wait);
    waited += wait;
  }
}
