/**
 * The fake Bot API as the bench's load generator: it queues users' updates, notes when getUpdates hands each
 * one to the bot ("served") and when the bot's answer arrives ("received"), in this process's clock. An
 * answer is a sendMessage that replies to the user's message, as both the real and the bare bot do.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { User } from 'grammy/types';
import { type FakeTelegram, type RecordedCall, startFakeTelegram } from '../../test/fakes/telegram/server.js';
import { MB } from './stats.js';

export const BENCH_TOKEN = '123456789:AAbenchbenchbenchbenchbenchbenchbench';

export interface PhaseResult {
  /** From the first update pushed to the last answer received. */
  seconds: number;
  /** Served → last expected answer, per update, in ms. */
  latenciesMs: number[];
}

export interface PhaseOptions {
  /** Updates per second, pushed on a schedule; all at once when omitted. */
  ratePerSec?: number;
  /** How many answers each update gets (a chat's first message: "connecting" and then the answer). */
  answersPerUpdate?: number;
  /** Fail when no answer arrived for this long. */
  stallMs?: number;
}

interface Pending {
  updateId: number;
  answersLeft: number;
  done(atMs: number): void;
}

export async function startTelegramDriver(options: { local?: boolean } = {}) {
  const servedAt = new Map<number, number>();
  const pending = new Map<string, Pending>();
  const watchers = new Set<(call: RecordedCall, atMs: number) => void>();
  let lastAnswerAt = 0;

  const fake: FakeTelegram = await startFakeTelegram({
    token: BENCH_TOKEN,
    local: options.local ?? false,
    // Cloud-style HTTP downloads of any size: the relay bench moves a gigabyte through the file endpoint.
    cloudDownloadLimitBytes: 4096 * MB,
    onUpdatesServed: (batch) => {
      const now = performance.now();
      for (const update of batch) if (!servedAt.has(update.update_id)) servedAt.set(update.update_id, now);
    },
    onCall: (call) => {
      const now = performance.now();
      for (const watch of watchers) watch(call, now);
      if (call.method !== 'sendMessage') return;
      const replied = (call.params.reply_parameters as { message_id?: number } | undefined)?.message_id;
      const key = `${call.params.chat_id}:${replied}`;
      const waiting = pending.get(key);
      if (!waiting) return;
      lastAnswerAt = now;
      waiting.answersLeft -= 1;
      if (waiting.answersLeft > 0) return;
      pending.delete(key);
      waiting.done(now);
    },
  });

  /** Sends `texts[i]` in chat `chatIds[i]` for every i and waits for every answer. */
  async function runPhase(
    messages: ReadonlyArray<{ chatId: number; text: string }>,
    phase: PhaseOptions = {},
  ): Promise<PhaseResult> {
    const latenciesMs: number[] = [];
    const answered: Promise<void>[] = [];
    const updates = messages.map(({ chatId, text }) => {
      const update = fake.textMessage({ chatId, text, from: userOf(chatId) });
      const message = (update as { message: { message_id: number } }).message;
      return { chatId, messageId: message.message_id, update };
    });
    const push = (item: (typeof updates)[number]) => {
      const pushed = fake.pushUpdate(item.update);
      answered.push(
        new Promise<void>((resolve) => {
          pending.set(`${item.chatId}:${item.messageId}`, {
            updateId: pushed.update_id,
            answersLeft: phase.answersPerUpdate ?? 1,
            done: (atMs) => {
              latenciesMs.push(atMs - (servedAt.get(pushed.update_id) ?? atMs));
              servedAt.delete(pushed.update_id);
              resolve();
            },
          });
        }),
      );
    };

    const startedAt = performance.now();
    lastAnswerAt = startedAt;
    const stallMs = phase.stallMs ?? 60_000;
    const stalled = (async () => {
      while (pending.size > 0 || answered.length < updates.length) {
        await sleep(500);
        if (performance.now() - lastAnswerAt > stallMs)
          throw new Error(`no answer for ${stallMs / 1000} s; ${pending.size} updates unanswered`);
      }
    })();
    if (phase.ratePerSec === undefined) {
      for (const item of updates) push(item);
    } else {
      // Open loop: each update goes out at its scheduled time whether or not earlier ones were answered.
      for (let i = 0; i < updates.length; ) {
        const due = Math.floor(((performance.now() - startedAt) / 1000) * phase.ratePerSec) + 1;
        for (; i < Math.min(due, updates.length); i++) push(updates[i]!);
        await sleep(1);
      }
    }
    await Promise.race([Promise.all(answered), stalled]);
    return { seconds: (performance.now() - startedAt) / 1000, latenciesMs };
  }

  /** Resolves with the first call from now on that matches. */
  function nextCall(
    match: (call: RecordedCall) => boolean,
    timeoutMs: number,
  ): Promise<{ call: RecordedCall; atMs: number }> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        watchers.delete(watch);
        reject(new Error(`fake telegram: no matching call in ${timeoutMs / 1000} s`));
      }, timeoutMs);
      const watch = (call: RecordedCall, atMs: number) => {
        if (!match(call)) return;
        clearTimeout(timer);
        watchers.delete(watch);
        resolve({ call, atMs });
      };
      watchers.add(watch);
    });
  }

  return {
    fake,
    apiRoot: fake.apiRoot,
    token: BENCH_TOKEN,
    runPhase,
    nextCall,
    servedAt: (updateId: number) => servedAt.get(updateId),
    close: () => fake.close(),
  };
}

export type TelegramDriver = Awaited<ReturnType<typeof startTelegramDriver>>;

/** Each private chat is its own user, as on Telegram (the chat id is the user's id). */
export function userOf(chatId: number): User {
  return { id: chatId, is_bot: false, first_name: `User ${chatId}`, language_code: 'en' };
}
