import { randomUUID } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import type { ChatRecord, CounterLimit, CountUpResult, Lock, Store } from './store.js';

export interface RedisStoreOptions {
  /** `redis://[:password@]host:port[/db]`; may hold a password, so it is never logged. */
  url: string;
  /** Prepended to every key, so several bots (or test runs) can share one Redis. */
  keyPrefix?: string;
  /**
   * How long a command may wait, including time queued while Redis is unreachable, before it
   * fails. Long enough to ride out a Redis restart, short enough that a chat is not stuck.
   */
  commandTimeoutMs?: number;
  /** Reconnection attempts back off linearly up to this delay. */
  maxReconnectDelayMs?: number;
  /** Told about connection errors (which ioredis otherwise prints as unhandled). */
  onError?: (error: Error) => void;
}

export const DEFAULT_KEY_PREFIX = 'nemo:';

// Lua runs atomically on the server, so each of these is one round trip and cannot interleave.

/** ARGV: count of fields to delete, those fields, then field/value pairs to set. */
const UPDATE_CHAT = `
local deletes = tonumber(ARGV[1])
if deletes > 0 then redis.call('HDEL', KEYS[1], unpack(ARGV, 2, deletes + 1)) end
if #ARGV > deletes + 1 then redis.call('HSET', KEYS[1], unpack(ARGV, deletes + 2)) end
return 1`;

/** Deletes the lock only if it still holds our token: an expired lock may be someone else's now. */
const RELEASE_LOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** Extends the lock only if it still holds our token. */
const EXTEND_LOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

/**
 * ARGV: expiry (ms since epoch), then field/limit pairs. Raises every field by one unless one is at its limit
 * (0 = none); returns {1 or 0, counts...}. All or nothing, in one step, so two processes never overspend.
 */
const COUNT_UP = `
local n = (#ARGV - 1) / 2
local counts = {}
local full = false
for i = 1, n do
  local limit = tonumber(ARGV[2 * i + 1])
  counts[i] = tonumber(redis.call('HGET', KEYS[1], ARGV[2 * i]) or '0')
  if limit > 0 and counts[i] >= limit then full = true end
end
if full then
  table.insert(counts, 1, 0)
  return counts
end
for i = 1, n do counts[i] = redis.call('HINCRBY', KEYS[1], ARGV[2 * i], 1) end
redis.call('PEXPIREAT', KEYS[1], ARGV[1])
table.insert(counts, 1, 1)
return counts`;

/** Takes one off each field that is above zero. */
const COUNT_DOWN = `
for i = 1, #ARGV do
  if tonumber(redis.call('HGET', KEYS[1], ARGV[i]) or '0') > 0 then redis.call('HINCRBY', KEYS[1], ARGV[i], -1) end
end
return 1`;

/** The commands `defineCommand` adds; ioredis cannot type them itself. */
interface StoreScripts {
  updateChat(key: string, ...args: string[]): Promise<number>;
  releaseLock(key: string, token: string): Promise<number>;
  extendLock(key: string, token: string, ttlMs: number): Promise<number>;
  countUp(key: string, ...args: string[]): Promise<number[]>;
  countDown(key: string, ...fields: string[]): Promise<number>;
}

/**
 * Store on Redis: a chat is a hash whose fields are JSON values (so numbers and booleans come
 * back as numbers and booleans), locks are `SET NX PX` keys holding a random token, and
 * dedup ids are `SET NX PX` keys. Every method is one round trip.
 */
export class RedisStore implements Store {
  readonly kind = 'redis' as const;
  readonly #redis: Redis & StoreScripts;
  #closed: Promise<void> | undefined;

  private constructor(redis: Redis) {
    redis.defineCommand('updateChat', { numberOfKeys: 1, lua: UPDATE_CHAT });
    redis.defineCommand('releaseLock', { numberOfKeys: 1, lua: RELEASE_LOCK });
    redis.defineCommand('extendLock', { numberOfKeys: 1, lua: EXTEND_LOCK });
    redis.defineCommand('countUp', { numberOfKeys: 1, lua: COUNT_UP });
    redis.defineCommand('countDown', { numberOfKeys: 1, lua: COUNT_DOWN });
    this.#redis = redis as Redis & StoreScripts;
  }

  /** Connects (failing fast if Redis is unreachable at start-up), then keeps reconnecting forever. */
  static async connect(options: RedisStoreOptions): Promise<RedisStore> {
    const redis = new Redis(options.url, redisOptions(options));
    redis.on('error', (error: Error) => options.onError?.(error));
    try {
      await redis.connect();
    } catch (error) {
      redis.disconnect();
      throw new Error(
        `Cannot connect to Redis at ${describeRedisUrl(options.url)}: ${(error as Error).message}`,
      );
    }
    return new RedisStore(redis);
  }

  async getChat(chatKey: string): Promise<ChatRecord> {
    return decodeChat(await this.#redis.hgetall(chatHashKey(chatKey)));
  }

  async updateChat(chatKey: string, patch: Partial<ChatRecord>): Promise<void> {
    const deletes: string[] = [];
    const sets: string[] = [];
    for (const [field, value] of Object.entries(patch)) {
      if (value === undefined) deletes.push(field);
      else sets.push(field, JSON.stringify(value));
    }
    if (deletes.length + sets.length === 0) return;
    await this.#redis.updateChat(chatHashKey(chatKey), String(deletes.length), ...deletes, ...sets);
  }

  async deleteChat(chatKey: string): Promise<void> {
    await this.#redis.del(chatHashKey(chatKey));
  }

  async tryLock(name: string, ttlMs: number): Promise<Lock | undefined> {
    const key = `lock:${name}`;
    const token = randomUUID();
    const taken = await this.#redis.set(key, token, 'PX', ttlMs, 'NX');
    if (taken !== 'OK') return undefined;
    return {
      key: name,
      token,
      release: async () => {
        await this.#redis.releaseLock(key, token);
      },
      extend: async (nextTtlMs: number) => (await this.#redis.extendLock(key, token, nextTtlMs)) === 1,
    };
  }

  async firstSeen(id: string, ttlMs: number): Promise<boolean> {
    return (await this.#redis.set(`seen:${id}`, '1', 'PX', ttlMs, 'NX')) === 'OK';
  }

  async countUp(
    bucket: string,
    counters: readonly CounterLimit[],
    expiresAt: number,
  ): Promise<CountUpResult> {
    const args = counters.flatMap((c) => [c.field, String(c.limit)]);
    const [granted, ...counts] = await this.#redis.countUp(`count:${bucket}`, String(expiresAt), ...args);
    return { granted: granted === 1, counts: counts.map(Number) };
  }

  async countDown(bucket: string, fields: readonly string[]): Promise<void> {
    if (fields.length > 0) await this.#redis.countDown(`count:${bucket}`, ...fields);
  }

  async readCounters(bucket: string, fields?: readonly string[]): Promise<Record<string, number>> {
    const key = `count:${bucket}`;
    if (!fields) {
      const all = await this.#redis.hgetall(key);
      return Object.fromEntries(Object.entries(all).map(([f, v]) => [f, Number(v)]));
    }
    if (fields.length === 0) return {};
    const values = await this.#redis.hmget(key, ...fields);
    return Object.fromEntries(fields.map((f, i) => [f, Number(values[i] ?? 0)]));
  }

  async keepFirst(name: string, value: string): Promise<string> {
    // SET NX GET (Redis 7): one round trip that both claims the name and reads what was there.
    const previous = await this.#redis.call('SET', `meta:${name}`, value, 'NX', 'GET');
    return typeof previous === 'string' ? previous : value;
  }

  async ping(): Promise<void> {
    await this.#redis.ping();
  }

  /** Waits for queued commands, then closes the connection. Safe to call twice. */
  close(): Promise<void> {
    this.#closed ??= this.#redis.quit().then(
      () => undefined,
      () => this.#redis.disconnect(),
    );
    return this.#closed;
  }
}

function redisOptions(options: RedisStoreOptions): RedisOptions {
  const maxDelay = options.maxReconnectDelayMs ?? 2_000;
  return {
    keyPrefix: options.keyPrefix ?? DEFAULT_KEY_PREFIX,
    lazyConnect: true,
    // Never give up reconnecting: a Redis restart must not take the bot down with it.
    retryStrategy: (attempt) => Math.min(attempt * 100, maxDelay),
    // Commands wait in the offline queue across reconnects instead of failing after 20
    // attempts; commandTimeout bounds that wait so a chat gets an error, not a hang.
    maxRetriesPerRequest: null,
    commandTimeout: options.commandTimeoutMs ?? 15_000,
    // After a failover the old primary answers READONLY: reconnect and resend.
    reconnectOnError: (error) => (error.message.startsWith('READONLY') ? 2 : false),
  };
}

function chatHashKey(chatKey: string): string {
  return `chat:${chatKey}`;
}

/** A field that is not valid JSON was not written by this store: skip it rather than fail the chat. */
function decodeChat(hash: Record<string, string>): ChatRecord {
  const record: Record<string, unknown> = {};
  for (const [field, raw] of Object.entries(hash)) {
    try {
      record[field] = JSON.parse(raw);
    } catch {
      // ignored on purpose, see above
    }
  }
  return record as ChatRecord;
}

/** Host, port and db only: the URL may carry a password. */
export function describeRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
  } catch {
    return 'the configured REDIS_URL';
  }
}
