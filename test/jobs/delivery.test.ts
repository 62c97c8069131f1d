/**
 * Exactly-once delivery against a real Redis store: two owners racing on one job send once, a job run again
 * after it delivered sends nothing, and a failed send leaves the job deliverable.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deliverOnce } from '../../src/jobs/delivery.js';
import type { JobPatch, JobRecord } from '../../src/jobs/types.js';
import { RedisStore } from '../../src/store/redis.js';

let store: RedisStore;
beforeAll(async () => {
  store = await RedisStore.connect({ url: inject('redisUrl'), keyPrefix: `test-delivery:${randomUUID()}:` });
});
afterAll(async () => {
  await store.close();
});

/** One stored record, as two owners of the same job each see it through their own handle. */
function sharedRecord() {
  let stored: JobRecord = {
    id: `job-${randomUUID()}`,
    kind: 'export',
    chat: { platform: 'test', chatId: 'c1' },
    requester: { id: 'u1', displayName: 'Ada' },
    replyTo: '1',
    text: 'export',
    receivedAt: Date.now(),
    renderId: 'render_1',
    phase: 'rendering',
  };
  const handle = () => ({
    record: structuredClone(stored),
    update: async (patch: JobPatch) => {
      stored = { ...stored, ...patch };
    },
    reload: async () => structuredClone(stored),
  });
  return { handle, stored: () => stored };
}

describe('deliverOnce', () => {
  it('sends once when two owners of one job race to deliver', async () => {
    const { handle, stored } = sharedRecord();
    let sends = 0;
    const slowSend = async () => {
      sends++;
      await new Promise((resolve) => setTimeout(resolve, 50));
    };
    const outcomes = await Promise.all([
      deliverOnce(store, handle(), slowSend, { retryMs: 10 }),
      deliverOnce(store, handle(), slowSend, { retryMs: 10 }),
    ]);
    expect(sends).toBe(1);
    expect(outcomes.sort()).toEqual(['already-delivered', 'sent']);
    expect(stored().phase).toBe('done');
  });

  it('sends nothing when the job runs again after it delivered', async () => {
    const { handle } = sharedRecord();
    let sends = 0;
    const send = async () => {
      sends++;
    };
    expect(await deliverOnce(store, handle(), send)).toBe('sent');
    expect(await deliverOnce(store, handle(), send)).toBe('already-delivered');
    expect(sends).toBe(1);
  });

  it('leaves the job deliverable when the send failed', async () => {
    const { handle, stored } = sharedRecord();
    await expect(
      deliverOnce(store, handle(), async () => {
        throw new Error('platform down');
      }),
    ).rejects.toThrow('platform down');
    expect(stored().phase).toBe('delivering');
    let sends = 0;
    expect(
      await deliverOnce(store, handle(), async () => {
        sends++;
      }),
    ).toBe('sent');
    expect(sends).toBe(1);
  });
});
