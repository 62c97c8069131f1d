/**
 * TOKEN_ENCRYPTION_KEY through the start command: a key that does not open the tokens already in Redis stops
 * the bot before it starts, with one line; the right key starts it.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SEAL_CHECK_NAME, SealedStore } from '../../src/access/sealed-store.js';
import { TokenSealer } from '../../src/access/sealer.js';
import { DEFAULT_KEY_PREFIX, RedisStore } from '../../src/store/redis.js';
import { freePort } from '../setup/redis-server.js';
import { startBotProcess } from './process.js';

// A database of its own: the start command uses the default key prefix.
const redisUrl = `${inject('redisUrl')}/13`;
const key = randomBytes(32);

describe('the start command with TOKEN_ENCRYPTION_KEY', () => {
  beforeAll(async () => {
    const redis = new Redis(redisUrl);
    await redis.del(`${DEFAULT_KEY_PREFIX}meta:${SEAL_CHECK_NAME}`);
    redis.disconnect();
    // Tokens were sealed with `key` by an earlier run.
    const store = new SealedStore(await RedisStore.connect({ url: redisUrl }), new TokenSealer(key));
    await store.verifyKey();
    await store.close();
  });
  afterAll(async () => {
    const redis = new Redis(redisUrl);
    await redis.flushdb();
    redis.disconnect();
  });

  it('refuses another key with one line and does not start', async () => {
    const wrong = randomBytes(32).toString('base64');
    const bot = startBotProcess({
      REDIS_URL: redisUrl,
      TOKEN_ENCRYPTION_KEY: wrong,
      HTTP_PORT: String(await freePort()),
      LOG_LEVEL: 'silent',
    });
    expect(await bot.exited).toBe(1);
    expect(bot.stderr()).toMatch(
      /^Configuration error: TOKEN_ENCRYPTION_KEY is not the key the stored tokens were sealed with[^\n]*\n$/,
    );
    expect(bot.stderr()).not.toContain(wrong);
    expect(bot.stdout()).toBe('');
  });

  it('starts with the right key (the console session ends with its input)', async () => {
    const bot = startBotProcess(
      {
        REDIS_URL: redisUrl,
        TOKEN_ENCRYPTION_KEY: key.toString('hex'),
        HTTP_PORT: String(await freePort()),
        LOG_LEVEL: 'silent',
      },
      '',
    );
    expect(await bot.exited).toBe(0);
    expect(bot.stderr()).toBe('');
  });
});
