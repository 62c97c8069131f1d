/**
 * Messages per user per minute (MAX_MESSAGES_PER_USER_PER_MINUTE): past the limit the bot stops answering
 * that user until their oldest message of the last minute ages out. The check is synchronous and in memory,
 * before a message takes its place in any chat's line, so a flood costs other chats nothing.
 */
import type { Clock } from './connection.js';

const MINUTE = 60_000;
/** Past this many tracked users, users idle for a minute are forgotten on the next check. */
const SWEEP_ABOVE = 10_000;

export class FloodGuard {
  readonly #recent = new Map<string, number[]>();

  constructor(
    private readonly perMinute: number,
    private readonly clock: Clock,
  ) {}

  /** True when this user's message may be answered; it is then counted. Refused messages are not. */
  admit(userKey: string): boolean {
    const now = this.clock.now();
    const since = now - MINUTE;
    if (this.#recent.size > SWEEP_ABOVE) this.#sweep(since);
    const times = (this.#recent.get(userKey) ?? []).filter((at) => at > since);
    const admitted = times.length < this.perMinute;
    if (admitted) times.push(now);
    this.#recent.set(userKey, times);
    return admitted;
  }

  #sweep(since: number): void {
    for (const [key, times] of this.#recent) if ((times.at(-1) ?? 0) <= since) this.#recent.delete(key);
  }
}
