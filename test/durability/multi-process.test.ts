/**
 * Two bot processes in Telegram webhook mode behind a "load balancer" (this test), on one Redis: any instance
 * takes any update, a redelivered update is handled once, and one chat's edits never run at the same time,
 * even when they reach different instances together.
 */
import type { Message, Update } from 'grammy/types';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { textsFor } from '../../src/texts.js';
import { type Emulator, startEmulator } from '../fakes/nemo/emulator.js';
import { type FakeTelegram, startFakeTelegram } from '../fakes/telegram/server.js';
import { postUpdate } from '../fakes/telegram/webhook-post.js';
import { freePort } from '../setup/redis-server.js';
import { deadlineIn, waitFor } from '../support/wait-for.js';
import { killBot, type RunningBot, startReadyBot } from './support/bot-process.js';

const TOKEN = '7098765432:AAmulti-process-token_0123456789abcd';
const SECRET = 'multi_process_webhook_secret';
/** A database of the test redis-server that no other test file uses. */
const DB = 47;
const CHATS = 20;
const PER_CHAT = 10;
const EDITS_PER_CHAT = 3;
const t = textsFor('en');

type Kind = 'credits' | 'status' | 'edit';
interface Sent {
  chatId: number;
  kind: Kind;
  text: string;
  update: Update;
  message: Message;
  /** Posted to both instances, as a redelivery after a timeout would be. */
  twice: boolean;
}

describe('two bot processes on one Redis, webhook mode', () => {
  let emulator: Emulator;
  let telegram: FakeTelegram;
  let redis: Redis;
  const bots: RunningBot[] = [];
  const sent: Sent[] = [];

  beforeAll(async () => {
    const redisUrl = `${inject('redisUrl')}/${DB}`;
    redis = new Redis(redisUrl);
    await redis.flushdb();
    // Edits stream for about half a second, long enough for two of one chat to overlap if nothing stops them.
    emulator = await startEmulator({
      editDelayMs: 40,
      heartbeatMs: 20,
      noTextRatio: 0,
      tokensPerIpPer7Days: 100,
      initialCredits: 1000,
    });
    telegram = await startFakeTelegram({ token: TOKEN });
    const ports = [await freePort(), await freePort()];
    const ready = deadlineIn(120_000);
    bots.push(
      ...(await Promise.all(
        ports.map((port) =>
          startReadyBot(
            {
              TELEGRAM_BOT_TOKEN: TOKEN,
              TELEGRAM_API_ROOT: telegram.apiRoot,
              TELEGRAM_WEBHOOK_URL: `http://127.0.0.1:${port}/tg`,
              TELEGRAM_WEBHOOK_SECRET: SECRET,
              REDIS_URL: redisUrl,
              NEMO_API_BASE: emulator.url,
            },
            ready,
            port,
          ),
        ),
      )),
    );
  }, 150_000); // past the readiness deadline: that error names what it waited for

  afterAll(async () => {
    await Promise.all(bots.map(killBot));
    await redis?.quit();
    await telegram?.close();
    await emulator?.close();
  });

  const urlOf = (bot: RunningBot) => `http://127.0.0.1:${bot.httpPort}/tg`;
  let nextUpdateId = 500_000;

  function compose(chatId: number, kind: Kind, text: string, twice: boolean): Sent {
    // Each private chat is its own user, as on Telegram: one user's 200 messages would be a flood.
    const from = { id: chatId, is_bot: false, first_name: `User ${chatId}` };
    const update = { ...telegram.textMessage({ chatId, text, from }), update_id: nextUpdateId++ } as Update;
    const message = update.message!;
    const item = { chatId, kind, text, update, message, twice };
    sent.push(item);
    return item;
  }

  /** Posts to instance `target`, or to both at once for a redelivered update. */
  async function deliver(item: Sent, target: number): Promise<void> {
    const targets = item.twice ? bots : [bots[target % 2]!];
    const statuses = await Promise.all(targets.map((bot) => postUpdate(urlOf(bot), SECRET, item.update)));
    expect({ update: item.update.update_id, statuses }).toEqual({
      update: item.update.update_id,
      statuses: targets.map(() => 200),
    });
  }

  const repliesTo = (item: Sent) =>
    telegram
      .callsOf('sendMessage')
      .filter(
        (c) =>
          Number(c.params.chat_id) === item.chatId &&
          (c.params.reply_parameters as { message_id?: number } | undefined)?.message_id ===
            item.message.message_id &&
          c.params.text !== t.connecting,
      );

  /** An edit is over once its "working" message says it is done (and nothing else of it is pending). */
  const editFinished = (item: Sent) => {
    const progress = repliesTo(item).find((c) => c.params.text === t.working);
    const id = (progress?.result as Message | undefined)?.message_id;
    const now = id === undefined ? undefined : telegram.message(item.chatId, id);
    return Boolean(now && 'text' in now && now.text !== t.working);
  };

  it('answers 200 updates across 20 chats, sent to either instance (some to both), each exactly once', {
    timeout: 170_000,
  }, async () => {
    const deadline = deadlineIn(150_000);
    const context = () =>
      bots
        .map(
          (bot, i) =>
            `bot ${i} stdout (end):\n${bot.process.stdout().slice(-2000)}\nstderr (end):\n${bot.process.stderr().slice(-1000)}`,
        )
        .join('\n');
    // Each chat's first two messages reach the two instances at the same moment: both want to connect the
    // chat (token, session, greeting), and it must happen once. Then the rest go out all at once.
    const chatIds = Array.from({ length: CHATS }, (_, i) => 9_100 + i);
    await Promise.all(
      chatIds.map(async (chatId, c) => {
        const opening = [
          compose(chatId, 'credits', 'credits', false),
          compose(chatId, 'status', 'status', false),
        ];
        await Promise.all(opening.map((item, i) => deliver(item, c + i)));
        await waitFor(() => opening.every((item) => repliesTo(item).length === 1), {
          deadline,
          what: `one answer to each of chat ${chatId}'s first two messages`,
          context,
        });
      }),
    );
    for (const chatId of chatIds) {
      const greetings = telegram
        .callsOf('sendMessage')
        .filter((c) => Number(c.params.chat_id) === chatId && c.params.text === t.connecting);
      expect({ chatId, greetings: greetings.length }).toEqual({ chatId, greetings: 1 });
    }
    const rest: Promise<void>[] = [];
    for (const [c, chatId] of chatIds.entries()) {
      for (let i = 2; i < PER_CHAT; i++) {
        const edit = i <= EDITS_PER_CHAT + 1;
        const kind: Kind = edit ? 'edit' : i % 2 === 0 ? 'credits' : 'status';
        const text = edit ? `add the title "chat ${chatId} edit ${i}" with music` : kind;
        // Every chat has one redelivery; the edits alternate instances, so they reach both together.
        rest.push(deliver(compose(chatId, kind, text, i === 5 + (c % 5)), c + i));
      }
    }
    await Promise.all(rest);
    expect(sent).toHaveLength(CHATS * PER_CHAT);
    expect(sent.filter((s) => s.twice)).toHaveLength(CHATS);

    const edits = sent.filter((s) => s.kind === 'edit');
    const quick = sent.filter((s) => s.kind !== 'edit');
    await waitFor(() => quick.every((s) => repliesTo(s).length > 0) && edits.every(editFinished), {
      deadline,
      what: 'an answer to every quick message and every edit finished',
      context,
    });
    // Both instances took updates (the balancer spread them): 200, plus the 20 that came twice.
    const received = await Promise.all(bots.map(updatesReceived));
    expect(received.every((n) => n > 0)).toBe(true);
    expect(received[0]! + received[1]!).toBe(CHATS * PER_CHAT + CHATS);
    for (const bot of bots) expect(bot.process.stdout()).not.toMatch(/bug while handling|queued job failed/);
    // Stopping lets any straggler (a second handling of a redelivered update) finish before counting.
    expect(await Promise.all(bots.map((bot) => bot.stop()))).toEqual([0, 0]);

    for (const item of quick)
      expect({ ...pick(item), replies: repliesTo(item).length }).toEqual({ ...pick(item), replies: 1 });
    for (const item of edits) {
      // The agent took it once: a second handling would have streamed (and charged) it again.
      const taken = [...emulator.sessions.values()]
        .flatMap((s) => s.messages)
        .filter((m) => m.text === item.text);
      const streamed = emulator.requestsTo('run-sse').filter((r) => messageOf(r.body) === item.text);
      expect({ ...pick(item), taken: taken.length, streams: streamed.length }).toEqual({
        ...pick(item),
        taken: 1,
        streams: 1,
      });
      expect(repliesTo(item).filter((c) => c.params.text === t.working)).toHaveLength(1);
    }
    // One token and one session per chat: no chat was connected twice.
    expect(emulator.requestsTo('anonymous-token')).toHaveLength(CHATS);
    expect(emulator.requestsTo('create-session')).toHaveLength(CHATS);
    expect(emulator.sessions.size).toBe(CHATS);
  });

  it("never streams two of one chat's edits at once", () => {
    for (const session of emulator.sessions.values()) {
      expect(session.messages).toHaveLength(EDITS_PER_CHAT);
      expect({ session: session.sessionId, most: emulator.mostConcurrentStreams(session.sessionId) }).toEqual(
        {
          session: session.sessionId,
          most: 1,
        },
      );
    }
  });
});

/** The instance's count of updates received (its Prometheus counter, summed over intents). */
async function updatesReceived(bot: RunningBot): Promise<number> {
  const metrics = await (await fetch(`http://127.0.0.1:${bot.httpPort}/metrics`)).text();
  return [...metrics.matchAll(/^nemo_bot_updates_total\{[^}]*\} (\d+)$/gm)].reduce(
    (sum, m) => sum + Number(m[1]),
    0,
  );
}

/** The user's words in a /run_sse request body. */
function messageOf(body: unknown): string | undefined {
  return (body as { new_message?: { parts?: { text?: string }[] } }).new_message?.parts?.[0]?.text;
}

/** What identifies an update in a failure message. */
function pick(item: Sent) {
  return { chat: item.chatId, update: item.update.update_id, kind: item.kind, twice: item.twice };
}
