import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ChatRecord, Store } from '../../src/store/store.js';

/**
 * The behaviour every Store must have. Each implementation's test file calls this with a
 * factory that returns a fresh, isolated store (memory: a new instance; Redis: a new prefix).
 */
export function storeContract(name: string, makeStore: () => Promise<Store>): void {
  describe(`${name} store contract`, () => {
    const opened: Store[] = [];
    async function open(): Promise<Store> {
      const store = await makeStore();
      opened.push(store);
      return store;
    }
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
    });

    it('returns an empty record for a chat it has never seen', async () => {
      const store = await open();
      expect(await store.getChat('telegram:1')).toEqual({});
    });

    it('merges updates field by field', async () => {
      const store = await open();
      await store.updateChat('telegram:1', { sessionId: '5529798706024415232', language: 'en' });
      await store.updateChat('telegram:1', { taskId: 'task-1', language: 'zh-CN' });
      expect(await store.getChat('telegram:1')).toEqual({
        sessionId: '5529798706024415232',
        taskId: 'task-1',
        language: 'zh-CN',
      });
    });

    it('removes a field set to undefined and keeps the others, in the same update', async () => {
      const store = await open();
      await store.updateChat('c', { token: 'nmv_usr_a', sessionId: 's1', greeted: true });
      await store.updateChat('c', { token: undefined, sessionId: 's2' });
      expect(await store.getChat('c')).toEqual({ sessionId: 's2', greeted: true });
    });

    it('forgets a chat whose every field was removed', async () => {
      const store = await open();
      await store.updateChat('c', { userId: 'anon_1' });
      await store.updateChat('c', { userId: undefined });
      expect(await store.getChat('c')).toEqual({});
    });

    it('gives back strings, numbers and booleans with their types', async () => {
      const store = await open();
      const record: ChatRecord = {
        clientId: '0b6f7f5e-3f7e-4c2b-9d51-1f8e7a1c2d3e',
        token: 'nmv_usr_x',
        tokenExpiresAt: 1_767_225_600_000,
        userId: 'anon_42',
        taskId: 't',
        sessionId: '5529798706024415232',
        greeted: false,
        lastRenderId: 'render_1',
        lastVideoUrl: 'https://cdn.example/v.mp4?sig=a&b=1',
        language: 'zh-CN',
      };
      await store.updateChat('c', record);
      const back = await store.getChat('c');
      expect(back).toEqual(record);
      expect(typeof back.tokenExpiresAt).toBe('number');
      expect(back.greeted).toBe(false);
      // A numeric-looking id stays a string (no precision lost past 2^53).
      expect(back.sessionId).toBe('5529798706024415232');
    });

    it('keeps chats apart and deletes one without touching the others', async () => {
      const store = await open();
      await store.updateChat('telegram:1', { sessionId: 'a' });
      await store.updateChat('telegram:1:7', { sessionId: 'b' });
      await store.deleteChat('telegram:1');
      expect(await store.getChat('telegram:1')).toEqual({});
      expect(await store.getChat('telegram:1:7')).toEqual({ sessionId: 'b' });
    });

    it('returns a copy that does not change the stored record', async () => {
      const store = await open();
      await store.updateChat('c', { sessionId: 'a' });
      const copy = await store.getChat('c');
      copy.sessionId = 'changed';
      expect(await store.getChat('c')).toEqual({ sessionId: 'a' });
    });

    it('gives a lock to one holder at a time', async () => {
      const store = await open();
      const results = await Promise.all([1, 2, 3, 4].map(() => store.tryLock('chat:1', 10_000)));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.tryLock('chat:2', 10_000)).toBeDefined();
    });

    it('hands the lock to the next caller after release', async () => {
      const store = await open();
      const first = await store.tryLock('chat:1', 10_000);
      expect(first?.key).toBe('chat:1');
      await first!.release();
      const second = await store.tryLock('chat:1', 10_000);
      expect(second).toBeDefined();
      expect(second!.token).not.toBe(first!.token);
    });

    it('frees a lock whose holder never released it once the ttl has passed', async () => {
      const store = await open();
      expect(await store.tryLock('chat:1', 30)).toBeDefined();
      await vi.waitFor(async () => expect(await store.tryLock('chat:1', 10_000)).toBeDefined(), {
        timeout: 5_000,
        interval: 20,
      });
    });

    it('does not let an expired holder release or extend the lock someone else now holds', async () => {
      const store = await open();
      const stale = await store.tryLock('chat:1', 30);
      let current: Awaited<ReturnType<Store['tryLock']>>;
      await vi.waitFor(
        async () => {
          current = await store.tryLock('chat:1', 10_000);
          expect(current).toBeDefined();
        },
        { timeout: 5_000, interval: 20 },
      );
      await stale!.release();
      expect(await stale!.extend(10_000)).toBe(false);
      expect(await store.tryLock('chat:1', 10_000)).toBeUndefined();
      expect(await current!.extend(10_000)).toBe(true);
    });

    it('keeps an extended lock past its first ttl', async () => {
      const store = await open();
      const lock = await store.tryLock('chat:1', 200);
      expect(await lock!.extend(60_000)).toBe(true);
      // Wait until a lock with the original ttl would surely be gone.
      const probe = await store.tryLock('probe', 200);
      await vi.waitFor(async () => expect(await store.tryLock('probe', 10_000)).toBeDefined(), {
        timeout: 5_000,
        interval: 20,
      });
      expect(probe).toBeDefined();
      expect(await store.tryLock('chat:1', 10_000)).toBeUndefined();
      await lock!.release();
      expect(await store.tryLock('chat:1', 10_000)).toBeDefined();
    });

    it('says an id is new once, then a redelivery, then new again after the ttl', async () => {
      const store = await open();
      expect(await store.firstSeen('update:1', 40)).toBe(true);
      expect(await store.firstSeen('update:1', 40)).toBe(false);
      expect(await store.firstSeen('update:2', 40)).toBe(true);
      await vi.waitFor(async () => expect(await store.firstSeen('update:1', 10_000)).toBe(true), {
        timeout: 5_000,
        interval: 20,
      });
    });

    it('counts up to a limit, all counters or none, and reads them back', async () => {
      const store = await open();
      const day = Date.now() + 60_000;
      const counters = [
        { field: 'user:a', limit: 2 },
        { field: 'chat:c', limit: 3 },
        { field: 'total', limit: 0 },
      ];
      expect(await store.countUp('edits', counters, day)).toEqual({ granted: true, counts: [1, 1, 1] });
      expect(await store.countUp('edits', counters, day)).toEqual({ granted: true, counts: [2, 2, 2] });
      // user:a is at its limit: nothing moves, the counts are reported as they are.
      expect(await store.countUp('edits', counters, day)).toEqual({ granted: false, counts: [2, 2, 2] });
      // Another user in the same chat takes the chat's last unit.
      const other = [{ field: 'user:b', limit: 2 }, counters[1]!, counters[2]!];
      expect(await store.countUp('edits', other, day)).toEqual({ granted: true, counts: [1, 3, 3] });
      expect(await store.countUp('edits', other, day)).toMatchObject({ granted: false });
      expect(await store.readCounters('edits', ['user:a', 'chat:c', 'nobody'])).toEqual({
        'user:a': 2,
        'chat:c': 3,
        nobody: 0,
      });
      expect(await store.readCounters('edits')).toEqual({ 'user:a': 2, 'user:b': 1, 'chat:c': 3, total: 3 });
      expect(await store.readCounters('other bucket')).toEqual({});
    });

    it('never lets concurrent callers past a limit', async () => {
      const store = await open();
      const tries = await Promise.all(
        Array.from({ length: 20 }, () =>
          store.countUp('race', [{ field: 'user:a', limit: 5 }], Date.now() + 60_000),
        ),
      );
      expect(tries.filter((t) => t.granted)).toHaveLength(5);
      expect(await store.readCounters('race', ['user:a'])).toEqual({ 'user:a': 5 });
    });

    it('gives a unit back, never below zero', async () => {
      const store = await open();
      const counters = [{ field: 'user:a', limit: 1 }];
      await store.countUp('edits', counters, Date.now() + 60_000);
      expect((await store.countUp('edits', counters, Date.now() + 60_000)).granted).toBe(false);
      await store.countDown('edits', ['user:a', 'never-counted']);
      await store.countDown('edits', ['user:a']);
      expect(await store.readCounters('edits', ['user:a', 'never-counted'])).toEqual({
        'user:a': 0,
        'never-counted': 0,
      });
      expect((await store.countUp('edits', counters, Date.now() + 60_000)).granted).toBe(true);
    });

    it('drops a bucket once it has expired', async () => {
      const store = await open();
      await store.countUp('short', [{ field: 'user:a', limit: 1 }], Date.now() + 40);
      await vi.waitFor(async () => expect(await store.readCounters('short')).toEqual({}), {
        timeout: 5_000,
        interval: 20,
      });
      expect(
        (await store.countUp('short', [{ field: 'user:a', limit: 1 }], Date.now() + 60_000)).granted,
      ).toBe(true);
    });

    it('keeps the first value stored under a name', async () => {
      const store = await open();
      expect(await store.keepFirst('seal-check', 'first')).toBe('first');
      expect(await store.keepFirst('seal-check', 'second')).toBe('first');
      expect(await store.keepFirst('other', 'second')).toBe('second');
    });

    it('answers ping while open and fails it after close (health check)', async () => {
      const store = await makeStore();
      await expect(store.ping()).resolves.toBeUndefined();
      await store.close();
      await expect(store.ping()).rejects.toThrow();
    });

    it('refuses use after close, and closes twice without error', async () => {
      const store = await makeStore();
      await store.updateChat('c', { sessionId: 'a' });
      await store.close();
      await expect(store.close()).resolves.toBeUndefined();
      await expect(store.getChat('c')).rejects.toThrow();
    });
  });
}
