/**
 * Redis restarts under a running bot (its own redis-server, append-only file, as docker-compose runs it): the
 * chat keeps its token and session, a message sent while Redis is down is answered once it is back, and an
 * export whose render spans the restart is still delivered.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Message, Update } from 'grammy/types';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textsFor } from '../../src/texts.js';
import { watching } from '../app/process.js';
import { type Emulator, startEmulator } from '../fakes/nemo/emulator.js';
import { type FakeTelegram, startFakeTelegram } from '../fakes/telegram/server.js';
import { deadlineIn, waitFor } from '../support/wait-for.js';
import { killBot, type RunningBot, startReadyBot } from './support/bot-process.js';
import { type OwnRedis, startOwnRedis } from './support/redis-server.js';

const TOKEN = '7011223344:AArestart-token_0123456789abcdefghij';
const CHAT = 4242;
const t = textsFor('en');

describe('a Redis restart under a running bot', () => {
  let dir: string;
  let redis: OwnRedis;
  let emulator: Emulator;
  let telegram: FakeTelegram;
  let bot: RunningBot | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'redis-restart-'));
    redis = await startOwnRedis(dir);
    emulator = await startEmulator({ renderStepMs: 100, editDelayMs: 10, heartbeatMs: 20, noTextRatio: 0 });
    telegram = await startFakeTelegram({ token: TOKEN });
    bot = await startReadyBot(
      {
        TELEGRAM_BOT_TOKEN: TOKEN,
        TELEGRAM_API_ROOT: telegram.apiRoot,
        REDIS_URL: redis.url,
        NEMO_API_BASE: emulator.url,
        NEMO_RENDER_POLL_MS: '200',
      },
      deadlineIn(120_000),
    );
  }, 150_000); // past the readiness deadline: that error names what it waited for

  afterAll(async () => {
    await killBot(bot);
    await telegram?.close();
    await emulator?.close();
    await redis?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const send = (text: string): Update => telegram.pushUpdate(telegram.textMessage({ chatId: CHAT, text }));
  const repliesTo = (update: Update) =>
    telegram
      .callsOf('sendMessage')
      .filter(
        (c) =>
          (c.params.reply_parameters as { message_id?: number } | undefined)?.message_id ===
            update.message?.message_id && c.params.text !== t.connecting,
      );
  async function withRedis<T>(use: (raw: Redis) => Promise<T>): Promise<T> {
    const raw = new Redis(redis.url);
    try {
      return await use(raw);
    } finally {
      raw.disconnect();
    }
  }
  /** The chat's record as Redis holds it (fields are JSON). */
  const chatRecord = () =>
    withRedis(async (raw) => {
      const hash = await raw.hgetall(`nemo:chat:telegram:${CHAT}`);
      return Object.fromEntries(Object.entries(hash).map(([k, v]) => [k, JSON.parse(v)])) as Record<
        string,
        unknown
      >;
    });

  it('keeps the token, the session and the export in flight; a message sent while Redis is down is answered', {
    timeout: 170_000,
  }, async () => {
    const deadline = deadlineIn(150_000);
    /** Every wait of this test shares its one deadline. */
    const until = (condition: () => boolean, what: string) =>
      waitFor(condition, { deadline, what, ...watching(bot!.process) });
    const first = send('credits');
    await until(() => repliesTo(first).length === 1, 'the first answer');
    const edit = send('add the title "Survivor"');
    await until(() => {
      const progress = repliesTo(edit).find((c) => c.params.text === t.working);
      const id = (progress?.result as Message | undefined)?.message_id;
      const now = id === undefined ? undefined : telegram.message(CHAT, id);
      return Boolean(now && 'text' in now && now.text !== t.working);
    }, 'the edit');
    const before = await chatRecord();
    expect(before.token).toEqual(expect.any(String));
    expect(before.sessionId).toEqual(expect.any(String));

    // The render stays running until released: it is in flight across the whole restart.
    emulator.holdRenders();
    const exported = send('export');
    await until(() => emulator.requestsTo('render-start').length === 1, 'the render to start');
    const renderId = [...emulator.renders.keys()][0]!;
    expect(emulator.renders.get(renderId)!.status).not.toBe('completed');

    await redis.stop();
    // Sent while Redis is down: its dedup mark and chat lookup wait in the client's queue until Redis is back.
    const whileDown = send('credits');
    await until(() => pollsServed(telegram).includes(whileDown.update_id), 'the bot to take the update');
    await redis.start();
    emulator.releaseRenders();

    await until(() => telegram.callsOf('sendVideo').length > 0, 'the video');
    await until(() => repliesTo(whileDown).length > 0, 'the answer to the message sent while Redis was down');

    // The render was not started twice and its video reached the chat once, in reply to the export.
    expect(emulator.requestsTo('render-start')).toHaveLength(1);
    const videos = telegram.callsOf('sendVideo');
    expect(videos).toHaveLength(1);
    expect((videos[0]!.params.reply_parameters as { message_id: number }).message_id).toBe(
      exported.message!.message_id,
    );
    expect(emulator.renders.get(renderId)!.status).toBe('completed');
    expect(repliesTo(whileDown)).toHaveLength(1);
    // Its dedup mark, written while Redis was down, was resent once it came back and landed.
    expect(await withRedis((raw) => raw.exists(`nemo:seen:update:telegram:${whileDown.update_id}`))).toBe(1);

    // Same token and session after the restart, and nothing new was asked of the backend for them.
    const after = await chatRecord();
    expect({ token: after.token, sessionId: after.sessionId }).toEqual({
      token: before.token,
      sessionId: before.sessionId,
    });
    expect(after.lastVideoUrl).toEqual(expect.any(String));
    const next = send('credits');
    await until(() => repliesTo(next).length === 1, 'the answer after the restart');
    expect(emulator.requestsTo('anonymous-token')).toHaveLength(1);
    expect(emulator.requestsTo('create-session')).toHaveLength(1);
    // Every backend call after the restart used the chat's one token.
    const tokens = new Set(emulator.requests.map((r) => r.headers.authorization).filter(Boolean));
    expect([...tokens]).toEqual([`Bearer ${before.token}`]);

    expect(bot!.process.stdout()).not.toMatch(/bug while handling|queued job failed/);
    expect(await bot!.stop()).toBe(0);
  });
});

/** Ids of the updates getUpdates has handed to the bot so far. */
function pollsServed(telegram: FakeTelegram): number[] {
  return telegram
    .callsOf('getUpdates')
    .flatMap((c) => (Array.isArray(c.result) ? (c.result as Update[]) : []))
    .map((u) => u.update_id);
}
