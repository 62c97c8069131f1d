import type { Logger } from 'pino';
import { MemoryStore } from './memory.js';
import { describeRedisUrl, RedisStore } from './redis.js';
import type { Store } from './store.js';

export { MemoryStore } from './memory.js';
export { RedisStore, type RedisStoreOptions } from './redis.js';
export type { ChatRecord, Lock, Store } from './store.js';

export interface CreateStoreOptions {
  /** `REDIS_URL`; without it the state lives in this process only. */
  redisUrl?: string;
  keyPrefix?: string;
  logger?: Pick<Logger, 'info' | 'warn'>;
}

/** Redis when a URL is configured, else memory (with a warning, since nothing survives a restart). */
export async function createStore(options: CreateStoreOptions = {}): Promise<Store> {
  const { redisUrl, keyPrefix, logger } = options;
  if (!redisUrl) {
    logger?.warn('REDIS_URL is not set: using the in-memory store, chat state is lost on restart');
    return new MemoryStore();
  }
  const store = await RedisStore.connect({
    url: redisUrl,
    keyPrefix,
    onError: (error) => logger?.warn({ err: error.message }, 'Redis connection error; retrying'),
  });
  logger?.info({ redis: describeRedisUrl(redisUrl) }, 'Using the Redis store');
  return store;
}
