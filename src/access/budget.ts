/**
 * Daily edit budgets per user and per chat, counted in the store (Redis: atomic, shared by every process,
 * kept across restarts). A day is a UTC day: its counters live in one bucket named after the date, so they
 * reset at 00:00 UTC by themselves. Exports and refusals are counted in the same bucket for /stats.
 */
import type { Clock } from '../conversation/connection.js';
import type { IncomingMessage } from '../messages.js';
import type { Store } from '../store/store.js';
import { userIdentity } from './policy.js';

const DAY_MS = 24 * 60 * 60_000;
const TOTAL_EDITS = 'total:edits';
const USER_PREFIX = 'user:';

export type StatField = 'exports' | 'refusals';

export type TakeResult =
  | { granted: true }
  | { granted: false; over: 'user' | 'chat'; limit: number; resetsInMs: number };

export interface DailyLimits {
  /** USER_DAILY_EDITS; 0 = no limit. */
  user: number;
  /** CHAT_DAILY_EDITS; 0 = no limit. */
  chat: number;
}

type Counted = Pick<IncomingMessage, 'chat' | 'sender' | 'receivedAt'>;

export class EditBudget {
  constructor(
    private readonly store: Store,
    readonly limits: DailyLimits,
    private readonly clock: Clock,
  ) {}

  /** Counts one edit for the sender and the chat, unless either is at its limit (`exempt`: only counted). */
  async take(message: Counted, exempt: boolean): Promise<TakeResult> {
    const { user, chat } = fieldsOf(message);
    const userLimit = exempt ? 0 : this.limits.user;
    const chatLimit = exempt ? 0 : this.limits.chat;
    const result = await this.store.countUp(
      bucketOf(message.receivedAt),
      [
        { field: user, limit: userLimit },
        { field: chat, limit: chatLimit },
        { field: TOTAL_EDITS, limit: 0 },
      ],
      endOfDay(message.receivedAt) + DAY_MS,
    );
    if (result.granted) return { granted: true };
    const userFull = userLimit > 0 && result.counts[0]! >= userLimit;
    return {
      granted: false,
      over: userFull ? 'user' : 'chat',
      limit: userFull ? userLimit : chatLimit,
      resetsInMs: this.resetsInMs(),
    };
  }

  /** An edit the backend refused (an error, no credits) or that never ran: its unit comes back. */
  async giveBack(message: Counted): Promise<void> {
    const { user, chat } = fieldsOf(message);
    await this.store.countDown(bucketOf(message.receivedAt), [user, chat, TOTAL_EDITS]);
  }

  async count(field: StatField): Promise<void> {
    const now = this.clock.now();
    await this.store.countUp(bucketOf(now), [{ field: `total:${field}`, limit: 0 }], endOfDay(now) + DAY_MS);
  }

  /** Today's edits of the sender and of the chat. */
  async today(message: Pick<IncomingMessage, 'chat' | 'sender'>): Promise<{ user: number; chat: number }> {
    const { user, chat } = fieldsOf(message);
    const counts = await this.store.readCounters(bucketOf(this.clock.now()), [user, chat]);
    return { user: counts[user] ?? 0, chat: counts[chat] ?? 0 };
  }

  /** Today's totals and the users with the most edits. */
  async stats(top = 10): Promise<{
    edits: number;
    exports: number;
    refusals: number;
    top: { user: string; edits: number }[];
  }> {
    const all = await this.store.readCounters(bucketOf(this.clock.now()));
    const users = Object.entries(all)
      .filter(([field, edits]) => field.startsWith(USER_PREFIX) && edits > 0)
      .map(([field, edits]) => ({ user: field.slice(USER_PREFIX.length), edits }))
      .sort((a, b) => b.edits - a.edits || a.user.localeCompare(b.user))
      .slice(0, top);
    return {
      edits: all[TOTAL_EDITS] ?? 0,
      exports: all['total:exports'] ?? 0,
      refusals: all['total:refusals'] ?? 0,
      top: users,
    };
  }

  resetsInMs(): number {
    const now = this.clock.now();
    return endOfDay(now) - now;
  }
}

/** The sender and the chat (a forum topic counts with its group), as counter names. */
function fieldsOf(message: Pick<IncomingMessage, 'chat' | 'sender'>): { user: string; chat: string } {
  return {
    user: `${USER_PREFIX}${userIdentity(message)}`,
    chat: `chat:${message.chat.platform}:${message.chat.chatId}`,
  };
}

/** `edits:2026-12-02`: the UTC day of a moment. */
export function bucketOf(at: number): string {
  return `edits:${new Date(at).toISOString().slice(0, 10)}`;
}

/** The next 00:00 UTC after a moment. */
export function endOfDay(at: number): number {
  return (Math.floor(at / DAY_MS) + 1) * DAY_MS;
}
