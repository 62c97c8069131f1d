/**
 * When to poll a render next. Until the backend's progress shows a rate, the wait grows from 2 s ×1.5 up to the
 * cap (early polls catch short renders). Once progress moves, the wait is half the estimated time until
 * `nearPercent` (95%), kept between `minMs` and the cap: a long render is polled rarely and polls close in as
 * it nears the end. Past that point the wait is `nearMs` (1.5 s): backends often report 95–99% and then jump
 * to done, so the last stretch cannot be timed and only a short, steady wait bounds the delay to the chat.
 * The rate is the average since progress first showed, which a pause in reporting only slows, never stalls.
 */
export interface PollScheduleOptions {
  /** The cap (NEMO_RENDER_POLL_MS). */
  maxMs: number;
  /** The shortest wait while closing in (default 1 s). */
  minMs?: number;
  /** Past `nearPercent`, the steady wait (default 1.5 s): the most a finished render waits to be seen. */
  nearMs?: number;
  nearPercent?: number;
  startMs?: number;
  factor?: number;
}

interface Sample {
  at: number;
  progress: number;
}

export class RenderPollSchedule {
  readonly #maxMs: number;
  readonly #minMs: number;
  readonly #factor: number;
  readonly #nearMs: number;
  readonly #nearPercent: number;
  #growing: number;
  #first: Sample | undefined;
  #latest: Sample | undefined;

  constructor(o: PollScheduleOptions) {
    this.#maxMs = o.maxMs;
    this.#minMs = Math.min(o.minMs ?? 1_000, o.maxMs);
    this.#factor = o.factor ?? 1.5;
    this.#nearMs = Math.min(o.nearMs ?? 1_500, o.maxMs);
    this.#nearPercent = o.nearPercent ?? 95;
    this.#growing = Math.min(o.startMs ?? 2_000, o.maxMs);
  }

  /** A poll's answer: `progress` (0–100) as the backend reported it at time `at` (ms). */
  observe(at: number, progress: number): void {
    const sample = { at, progress };
    if (!this.#first && progress > 0) this.#first = sample;
    this.#latest = sample;
  }

  /** Progress per ms since progress first showed; undefined until it has moved over some time. */
  get rate(): number | undefined {
    const first = this.#first;
    const latest = this.#latest;
    if (!first || !latest || latest.at <= first.at || latest.progress <= first.progress) return undefined;
    return (latest.progress - first.progress) / (latest.at - first.at);
  }

  /** The wait before the next poll. */
  next(): number {
    const rate = this.rate;
    if (rate === undefined || !this.#latest) {
      const wait = this.#growing;
      this.#growing = Math.min(this.#maxMs, this.#growing * this.#factor);
      return wait;
    }
    const toNearMs = (this.#nearPercent - this.#latest.progress) / rate;
    if (toNearMs <= 0) return this.#nearMs;
    return Math.min(this.#maxMs, Math.max(this.#minMs, Math.round(toNearMs / 2)));
  }
}
