/**
 * Reads every key and every value in a Redis database, whatever its type, so a test can prove that no secret
 * is stored anywhere (not only where the code under test means to store it).
 */
import { Redis } from 'ioredis';

export async function everyKeyAndValue(redisUrl: string): Promise<string[]> {
  const redis = new Redis(redisUrl);
  try {
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'COUNT', 1000);
      cursor = next;
      for (const key of keys) {
        found.push(key);
        found.push(...(await valuesOf(redis, key)));
      }
    } while (cursor !== '0');
    return found;
  } finally {
    redis.disconnect();
  }
}

async function valuesOf(redis: Redis, key: string): Promise<string[]> {
  switch (await redis.type(key)) {
    case 'string':
      return [(await redis.get(key)) ?? ''];
    case 'hash':
      return Object.entries(await redis.hgetall(key)).flat();
    case 'list':
      return redis.lrange(key, 0, -1);
    case 'set':
      return redis.smembers(key);
    case 'zset':
      return redis.zrange(key, 0, -1);
    case 'stream':
      return (await redis.xrange(key, '-', '+')).flatMap(([id, fields]) => [id, ...fields]);
    default:
      // Gone since the scan, or a type the bot never writes.
      return [];
  }
}
