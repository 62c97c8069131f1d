/** What the bot keeps per conversation. Tokens live only here and in the Authorization header. */
export interface ChatRecord {
  /** X-Client-Id used to get this chat's anonymous token. */
  clientId?: string;
  /** Backend token; never logged, never shown. Absent when the operator's NEMO_TOKEN is used. */
  token?: string;
  /** `own`: the user gave their own token with /token; it is never replaced by an anonymous one. */
  tokenOrigin?: 'own';
  /**
   * Set when reading, never stored: the stored token could not be opened (sealed with another key). An
   * anonymous chat gets a new token; an own-token chat is asked for its token again.
   */
  tokenUnreadable?: boolean;
  /** When the anonymous token expires (ms since epoch). */
  tokenExpiresAt?: number;
  /** Backend user id (`anon_…`), used as the `?bind=` id for registration. */
  userId?: string;
  taskId?: string;
  sessionId?: string;
  /** The greeting was shown once. */
  greeted?: boolean;
  /** The last render started in this chat. */
  lastRenderId?: string;
  /** URL of the last finished video. */
  lastVideoUrl?: string;
  /** Language passed when creating sessions (`en`, `zh-CN`). */
  language?: string;
}

/** One counter of a bucket and the most it may reach; 0 = no limit (only counted). */
export interface CounterLimit {
  field: string;
  limit: number;
}

export interface CountUpResult {
  /** True when every counter was raised; false when one was at its limit and none was. */
  granted: boolean;
  /** Each counter's value after the call, in the order given. */
  counts: number[];
}

/** A held per-chat lock; release only frees it if it is still ours. */
export interface Lock {
  readonly key: string;
  readonly token: string;
  release(): Promise<void>;
  /** Extends the TTL; false when the lock was lost to expiry. */
  extend(ttlMs: number): Promise<boolean>;
}

/**
 * The bot's persistent state. Two implementations (memory, redis) pass one contract suite.
 * Every method is a single round trip on Redis.
 */
export interface Store {
  readonly kind: 'memory' | 'redis';
  getChat(chatKey: string): Promise<ChatRecord>;
  /** Merges the fields given; a field set to `undefined` is removed. Returns nothing to stay one round trip. */
  updateChat(chatKey: string, patch: Partial<ChatRecord>): Promise<void>;
  deleteChat(chatKey: string): Promise<void>;
  /** Takes the lock if free (SET NX PX); undefined when someone else holds it. */
  tryLock(name: string, ttlMs: number): Promise<Lock | undefined>;
  /** True the first time an id is seen within ttl; false for a redelivery. */
  firstSeen(id: string, ttlMs: number): Promise<boolean>;
  /**
   * Adds one to every counter of a bucket if none is at its limit: all or nothing, atomically (two processes
   * never both take the last unit). The bucket lives until `expiresAt` (ms since epoch), so a day's bucket
   * resets itself.
   */
  countUp(bucket: string, counters: readonly CounterLimit[], expiresAt: number): Promise<CountUpResult>;
  /** Takes one off each counter (a unit given back), never below zero. */
  countDown(bucket: string, fields: readonly string[]): Promise<void>;
  /** The bucket's counters: those named, or all of them; a missing one reads 0. */
  readCounters(bucket: string, fields?: readonly string[]): Promise<Record<string, number>>;
  /** Stores `value` under `name` unless a value is there already; returns the stored value. Never expires. */
  keepFirst(name: string, value: string): Promise<string>;
  /** Resolves when the store answers; rejects when it cannot (health checks). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
