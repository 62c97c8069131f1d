import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Connections } from '../../src/conversation/connection.js';
import { createLogger } from '../../src/logger.js';
import { NemoClient } from '../../src/nemo/index.js';
import { createStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/store.js';
import { type Emulator, startEmulator } from '../fakes/nemo/emulator.js';

const log = createLogger({ level: 'silent' });
let emulator: Emulator;
let store: Store;
let nemo: NemoClient;

beforeAll(async () => {
  emulator = await startEmulator();
  store = await createStore({ redisUrl: inject('redisUrl'), keyPrefix: `conn:${randomUUID()}:` });
  nemo = new NemoClient({
    baseUrl: emulator.url,
    skill: { source: 'video-models', version: '1.0.0', platform: 'unknown' },
    rateLimitRetryMs: 10,
    renderPollMaxMs: 50,
  });
});
afterAll(async () => {
  await store.close();
  await emulator.close();
});

const never = async () => undefined;

describe('ChatConnection', () => {
  it('creates one token and one session for concurrent first calls of a chat', async () => {
    const clock = { now: () => Date.now() };
    const connections = new Connections({ nemo, store, log, clock });
    const a = connections.for('test:concurrent', 'en', never);
    const b = connections.for('test:concurrent', 'en', never);
    const [s1, s2] = await Promise.all([a.sessionId(), b.sessionId()]);
    expect(s1).toBe(s2);
    const record = await store.getChat('test:concurrent');
    expect(
      emulator.requests.filter(
        (r) => r.endpoint === 'anonymous-token' && r.headers['x-client-id'] === record.clientId,
      ),
    ).toHaveLength(1);
    expect(emulator.sessions.get(s1)?.language).toBe('en');
    // The token is kept in the store only, and reused.
    expect(await a.token()).toBe(record.token);
  });

  it('sets a chat up once when two processes on one Redis race for it', async () => {
    const clock = { now: () => Date.now() };
    const prefix = `conn-race:${randomUUID()}:`;
    // Two stores on two Redis connections: as two bot processes would be.
    const stores = await Promise.all(
      [0, 1].map(() => createStore({ redisUrl: inject('redisUrl'), keyPrefix: prefix })),
    );
    try {
      const [first, second] = stores.map((s) => new Connections({ nemo, store: s, log, clock }));
      const chat = 'test:two-processes';
      const tokensBefore = emulator.requestsTo('anonymous-token').length;
      const sessionsBefore = emulator.requestsTo('create-session').length;
      const [s1, s2] = await Promise.all([
        first!.for(chat, 'en', never).sessionId(),
        second!.for(chat, 'en', never).sessionId(),
      ]);
      expect(s1).toBe(s2);
      expect(emulator.requestsTo('anonymous-token').length - tokensBefore).toBe(1);
      expect(emulator.requestsTo('create-session').length - sessionsBefore).toBe(1);

      // Both hear 1002 for the same lost session: one new session, and only one of them tells the user.
      let told = 0;
      const tell = async () => {
        told += 1;
      };
      const [r1, r2] = await Promise.all([
        first!.for(chat, 'en', tell).renewSession(),
        second!.for(chat, 'en', tell).renewSession(),
      ]);
      expect(r1).toBe(r2);
      expect(r1).not.toBe(s1);
      expect(told).toBe(1);
      expect(emulator.requestsTo('create-session').length - sessionsBefore).toBe(2);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('does not replace a token another process stored after this connection read the record', async () => {
    const clock = { now: () => Date.now() };
    const chat = `test:late-${randomUUID()}`;
    const here = new Connections({ nemo, store, log, clock }).for(chat, 'en', never);
    const elsewhere = new Connections({ nemo, store, log, clock }).for(chat, 'en', never);
    expect(await here.record()).toEqual({}); // read before the chat was set up
    const sessionId = await elsewhere.sessionId();
    const { token } = await store.getChat(chat);
    const tokensBefore = emulator.requestsTo('anonymous-token').length;
    expect(await here.token()).toBe(token);
    expect(await here.sessionId()).toBe(sessionId);
    expect(emulator.requestsTo('anonymous-token')).toHaveLength(tokensBefore);
  });

  it('renews a token that is about to expire', async () => {
    let now = Date.now();
    const connections = new Connections({ nemo, store, log, clock: { now: () => now } });
    const conn = connections.for('test:expiry', 'en', never);
    const first = await conn.token();
    const { tokenExpiresAt } = await store.getChat('test:expiry');
    now = tokenExpiresAt! - 1000;
    const second = await conn.token();
    expect(second).not.toBe(first);
  });

  it('uses the operator token for every chat and never asks for an anonymous one', async () => {
    const before = emulator.requestsTo('anonymous-token').length;
    const connections = new Connections({
      nemo,
      store,
      log,
      clock: { now: () => Date.now() },
      operatorToken: 'nmv_usr_op',
    });
    const conn = connections.for('test:operator', 'zh-CN', never);
    expect(await conn.token()).toBe('nmv_usr_op');
    expect(await conn.refreshToken()).toBe('nmv_usr_op');
    expect(conn.registered).toBe(true);
    expect(emulator.requestsTo('anonymous-token')).toHaveLength(before);
    expect((await store.getChat('test:operator')).token).toBeUndefined();
  });

  it('renewSession makes a new session and tells the chat; startNewSession does not', async () => {
    let told = 0;
    const connections = new Connections({ nemo, store, log, clock: { now: () => Date.now() } });
    const conn = connections.for('test:renew', 'en', async () => {
      told++;
    });
    const first = await conn.sessionId();
    const renewed = await conn.renewSession();
    const fresh = await conn.startNewSession();
    expect(new Set([first, renewed, fresh]).size).toBe(3);
    expect(told).toBe(1);
    expect((await store.getChat('test:renew')).sessionId).toBe(fresh);
  });
});
