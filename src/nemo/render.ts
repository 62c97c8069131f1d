/**
 * Render ids and the render poll loop. The schedule (poll-schedule.ts) tracks the progress the backend reports,
 * closing in near completion, under the configured cap (the seeds poll every 30 s). A completed render returns
 * at once so delivery starts. A transient poll failure (network, 5xx, timeout) does not end the wait: the next
 * poll may well succeed.
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
import { RenderPollSchedule } from './poll-schedule.js';
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
  /** The clock (tests inject one); elapsed time is the larger of its reading and the waits asked for. */
  now?: () => number;
  /** The shortest wait near completion (default 1 s, never above the cap). */
  minIntervalMs?: number;
}

/**
 * Polls at once (a resumed job may find its render done), then on the schedule. Returns a completed or
 * cancelled status; throws NemoRenderFailedError on `failed`, NemoTimeoutError past `timeoutMs`.
 * Elapsed time counts both the clock and the waits asked for, so an injected fast `sleep` still times out.
 */
export async function pollRender(o: PollOptions): Promise<RenderStatus> {
  const endpoint = 'render-poll';
  const timeoutMs = o.timeoutMs ?? DEFAULT_RENDER_TIMEOUT_MS;
  const now = o.now ?? Date.now;
  const started = now();
  const schedule = new RenderPollSchedule({
    maxMs: o.maxIntervalMs,
    ...(o.minIntervalMs !== undefined && { minMs: o.minIntervalMs }),
  });
  let waited = 0;
  // An injected fast `pause` moves no clock: time counts both, so the schedule and the timeout see the waits.
  const elapsedMs = () => Math.max(now() - started, waited);
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
      schedule.observe(elapsedMs(), status.progress);
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
    const elapsed = elapsedMs();
    if (elapsed >= timeoutMs) throw new NemoTimeoutError({ endpoint, timeoutMs });
    const wait = Math.min(schedule.next(), timeoutMs - elapsed);
    await o.pause(wait);
    waited += wait;
  }
}
