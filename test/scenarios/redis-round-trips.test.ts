import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, expect, inject, it } from 'vitest';
import { type Harness, startHarness } from '../support/harness.js';

let h: Harness | undefined;
afterAll(() => h?.close());

// The benchmark's goal: a handled text message costs at most two Redis round trips once the chat is set up.
it('answers "credits" in a set-up chat with two Redis commands: the redelivery check and the chat record', async () => {
  h = await startHarness();
  await h.send({ text: 'credits', updateId: `rt-${randomUUID()}` }); // first contact: token, session, greeting

  const raw = new Redis(inject('redisUrl'));
  const marker = new Redis(inject('redisUrl'));
  const monitor = await raw.monitor();
  const seen: string[] = [];
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    if (source !== 'lua') seen.push(args.join(' '));
  });
  try {
    const updateId = `rt-${randomUUID()}`;
    await h.send({ text: 'credits', updateId });
    const end = `end:${randomUUID()}`;
    await marker.echo(end);
    await expect.poll(() => seen.some((line) => line.includes(end))).toBe(true);

    const ours = seen.filter((line) => line.includes(h!.chatKey) || line.includes(updateId));
    expect(ours.map((line) => line.split(' ')[0]!.toLowerCase())).toEqual(['set', 'hgetall']);
    expect(h.port.sent.at(-1)).toMatch(/^Credits: \d+ available/);
  } finally {
    monitor.disconnect();
    raw.disconnect();
    marker.disconnect();
  }
});
