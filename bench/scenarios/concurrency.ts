/**
 * Scenario 3: many chats, each with an edit streaming from the backend at once, for a while. Every chat first
 * connects (untimed), then sends one edit; once the bot reports every stream open, the window starts.
 *
 * The emulator's edit is a generation with every tool (generate, add, music, title, trim, look): 29 gaps of
 * `editDelayMs` and 6 heartbeats of work per stream, with a heartbeat every `heartbeatMs` while a tool works.
 * The gap is chosen so each stream outlasts the window by half a minute.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ProbeReading } from '../lib/process-probe.js';
import type { BenchRedis } from '../lib/redis-server.js';
import { withStack } from '../lib/stack.js';
import { userOf } from '../lib/telegram-driver.js';

export interface ConcurrencySettings {
  chats: number;
  seconds: number;
  heartbeatMs: number;
}

export interface ConcurrencyResult {
  /** Streams open through the window: fewer than the chats when the bot holds the rest back. */
  streamsOpen: number;
  probe: ProbeReading;
}

const EDIT =
  'generate a video of a beach, add music and the title "Summer", trim it and give it a cinematic look';
const FIRST_CHAT_ID = 800_001;
const MARGIN_SECONDS = 30;
const SETTLED_AFTER_MS = 3_000;

/** Waits until every chat's stream is open, or the count stopped rising (the bot holds the rest back). */
async function settledOpenStreams(read: () => Promise<number>, wanted: number): Promise<number> {
  const deadline = performance.now() + 60_000;
  let open = 0;
  let changedAt = performance.now();
  while (performance.now() < deadline) {
    const now = await read();
    if (now >= wanted) return now;
    if (now !== open) {
      open = now;
      changedAt = performance.now();
    } else if (open > 0 && performance.now() - changedAt > SETTLED_AFTER_MS) return open;
    await sleep(100);
  }
  throw new Error(`only ${open} of ${wanted} streams opened in 60 s`);
}

export async function runConcurrency(
  redis: BenchRedis,
  settings: ConcurrencySettings,
): Promise<ConcurrencyResult> {
  await redis.flush();
  const streamMs = (settings.seconds + MARGIN_SECONDS) * 1000;
  const editDelayMs = Math.ceil((streamMs - 6 * settings.heartbeatMs) / 29);
  const emulator = { editDelayMs, heartbeatMs: settings.heartbeatMs, noTextRatio: 0 };
  return withStack({ mode: 'full', redisUrl: redis.url, emulator }, async ({ telegram, bot }) => {
    const chatIds = Array.from({ length: settings.chats }, (_, i) => FIRST_CHAT_ID + i);
    await telegram.runPhase(
      chatIds.map((chatId) => ({ chatId, text: 'credits' })),
      { answersPerUpdate: 2 },
    );
    for (const chatId of chatIds)
      telegram.fake.pushUpdate(telegram.fake.textMessage({ chatId, text: EDIT, from: userOf(chatId) }));
    const streamsOpen = await settledOpenStreams(() => bot.call<number>('open-streams'), settings.chats);
    await bot.probeReset();
    await sleep(settings.seconds * 1000);
    const probe = await bot.probeRead();
    const stillOpen = await bot.call<number>('open-streams');
    if (stillOpen < streamsOpen)
      throw new Error(`${streamsOpen - stillOpen} streams ended inside the window`);
    return { streamsOpen, probe };
  });
}
