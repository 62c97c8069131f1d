import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { describeRedisUrl, RedisStore } from '../../src/store/redis.js';
import { freePort } from '../setup/redis-server.js';
import { deadlineIn, waitFor } from '../support/wait-for.js';
import { storeContract } from './contract.js';

const redisUrl = inject('redisUrl');
const runPrefix = `test:store:${randomUUID()}:`;
let storeCount = 0;
const uniquePrefix = () => `${runPrefix}${++storeCount}:`;

storeContract('redis', () => RedisStore.connect({ url: redisUrl, keyPrefix: uniquePrefix() }));

describe('RedisStore on the wire', () => {
  let raw: Redis;
  beforeAll(async () => {
    raw = new Redis(redisUrl);
  });
  afterAll(async () => {
    await raw.quit();
  });

  it('stores a chat as a readable hash under its prefix', async () => {
    const prefix = uniquePrefix();
    const store = await RedisStore.connect({ url: redisUrl, keyPrefix: prefix });
    await store.updateChat('telegram:5', { sessionId: '55', greeted: true, tokenExpiresAt: 7 });
    expect(await raw.hgetall(`${prefix}chat:telegram:5`)).toEqual({
      sessionId: '"55"',
      greeted: 'true',
      tokenExpiresAt: '7',
    });
    await store.close();
  });

  it('skips a field it did not write instead of failing the whole chat', async () => {
    const prefix = uniquePrefix();
    const store = await RedisStore.connect({ url: redisUrl, keyPrefix: prefix });
    await raw.hset(`${prefix}chat:c`, { sessionId: '"s"', language: 'not json' });
    expect(await store.getChat('c')).toEqual({ sessionId: 's' });
    await store.close();
  });

  it('sends exactly one command per store call', async () => {
    const prefix = uniquePrefix();
    const store = await RedisStore.connect({ url: redisUrl, keyPrefix: prefix });
    const monitor = await raw.monitor();
    const seen: string[] = [];
    // Commands a script runs come from source "lua"; only what the client sent counts.
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      if (source !== 'lua') seen.push(args.join(' '));
    });
    const marker = new Redis(redisUrl);
    const deadline = deadlineIn(15_000);
    /** Runs one call and returns the commands the server saw for it, ended by an ECHO marker. */
    async function commandsOf(call: () => Promise<unknown>): Promise<string[]> {
      seen.length = 0;
      await call();
      const end = `end-of-call:${randomUUID()}`;
      await marker.echo(end);
      await waitFor(() => seen.some((line) => line.includes(end)), {
        deadline,
        what: 'the MONITOR connection to report the end marker',
      });
      return seen.filter((line) => line.includes(prefix));
    }

    const first = await commandsOf(() => store.updateChat('c', { sessionId: 's', token: undefined }));
    expect(first).toHaveLength(1);
    const again = await commandsOf(() => store.updateChat('c', { language: 'en', greeted: undefined }));
    expect(again).toHaveLength(1);
    expect(again[0]).toMatch(/^evalsha /);
    const get = await commandsOf(() => store.getChat('c'));
    expect(get).toEqual([`hgetall ${prefix}chat:c`]);
    expect(await commandsOf(() => store.getChat('unknown'))).toHaveLength(1);
    expect(await commandsOf(() => store.deleteChat('c'))).toHaveLength(1);
    let lock: Awaited<ReturnType<RedisStore['tryLock']>>;
    expect(await commandsOf(async () => (lock = await store.tryLock('l', 10_000)))).toHaveLength(1);
    expect(await commandsOf(() => lock!.extend(20_000))).toHaveLength(1);
    expect(await commandsOf(() => lock!.release())).toHaveLength(1);
    expect(await commandsOf(() => store.firstSeen('u', 10_000))).toHaveLength(1);

    monitor.disconnect();
    marker.disconnect();
    await store.close();
  });

  it('fails start-up with a clear error, without the password, when Redis is unreachable', async () => {
    const port = await freePort();
    const url = `redis://:hunter2@127.0.0.1:${port}/3`;
    const error = await RedisStore.connect({ url }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain(`redis://127.0.0.1:${port}/3`);
    expect((error as Error).message).not.toContain('hunter2');
    expect(describeRedisUrl('not a url')).toBe('the configured REDIS_URL');
  });
});

describe('RedisStore across a Redis restart', () => {
  let server: ChildProcess | undefined;
  async function startRedis(port: number): Promise<ChildProcess> {
    const child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    let output = '';
    for await (const chunk of child.stdout!) {
      output += String(chunk);
      if (output.includes('Ready to accept connections')) break;
    }
    return child;
  }
  afterAll(() => {
    server?.kill('SIGKILL');
  });

  it('queues a write made while Redis is down and applies it once Redis is back', async () => {
    const port = await freePort();
    server = await startRedis(port);
    const errors: Error[] = [];
    const store = await RedisStore.connect({
      url: `redis://127.0.0.1:${port}`,
      maxReconnectDelayMs: 50,
      onError: (error) => errors.push(error),
    });
    await store.updateChat('c', { sessionId: 'before' });

    const stopped = once(server, 'exit');
    server.kill('SIGKILL');
    await stopped;
    const write = store.updateChat('c', { lastRenderId: 'render_during_outage' });
    // More failed reconnects than ioredis's default 20 retries per request, after which it would
    // have rejected the write: the store must keep it queued for as long as Redis is away.
    await vi.waitFor(() => expect(errors.length).toBeGreaterThan(25), { timeout: 10_000, interval: 20 });
    server = await startRedis(port);
    await write;

    // The server restarted empty (no persistence), so only the write made during the outage is there.
    expect(await store.getChat('c')).toEqual({ lastRenderId: 'render_during_outage' });
    await store.close();
  });
});
