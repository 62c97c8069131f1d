import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, inject, it } from 'vitest';
import { createStore } from '../../src/store/index.js';

/** A real pino logger whose JSON lines land in an array. */
function capturingLogger() {
  const lines: Array<{ level: number; msg: string }> = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

describe('createStore', () => {
  it('uses memory without a Redis URL and warns that state is lost on restart', async () => {
    const { logger, lines } = capturingLogger();
    const store = await createStore({ logger });
    expect(store.kind).toBe('memory');
    expect(lines).toHaveLength(1);
    expect(lines[0]!.level).toBe(40);
    expect(lines[0]!.msg).toMatch(/lost on restart/);
    await store.close();
  });

  it('uses Redis when a URL is given and says so in the log', async () => {
    const { logger, lines } = capturingLogger();
    const url = new URL(inject('redisUrl'));
    const store = await createStore({
      redisUrl: inject('redisUrl'),
      keyPrefix: `test:create:${randomUUID()}:`,
      logger,
    });
    expect(store.kind).toBe('redis');
    await store.updateChat('c', { greeted: true });
    expect(await store.getChat('c')).toEqual({ greeted: true });
    expect(JSON.stringify(lines)).toContain(`127.0.0.1:${url.port}`);
    await store.close();
  });
});
