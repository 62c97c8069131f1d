/**
 * Scenario 1 and 4: text updates through the real adapter, core and Redis against a bare grammY bot answering
 * the same updates through the same fake Bot API; and the Redis round trips each handled message costs.
 *
 * Per mode: every chat first says "credits" once (the first contact: token, session, greeting; untimed, its
 * Redis commands counted), then once more (steady state, counted), then the timed burst of `updates` spread
 * round-robin over the chats, then a paced phase for latency (a burst measures queueing, not what one message
 * costs).
 */
import { DEFAULT_KEY_PREFIX } from '../../src/store/redis.js';
import type { ProbeReading } from '../lib/process-probe.js';
import type { BenchRedis } from '../lib/redis-server.js';
import { type BotMode, withStack } from '../lib/stack.js';
import { percentile } from '../lib/stats.js';

export interface PipelineSettings {
  chats: number;
  updates: number;
  latencyUpdates: number;
  latencyRatePerSec: number;
}

export interface PipelineModeResult {
  updatesPerSec: number;
  burstP50Ms: number;
  burstP99Ms: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  /** The bot process during the burst. */
  probe: ProbeReading;
  /** Full mode only: Redis round trips per message. */
  roundTrips?: {
    firstMessage: number;
    steady: number;
    firstByCommand: Record<string, number>;
    steadyByCommand: Record<string, number>;
  };
}

const TEXT = 'credits';
const FIRST_CHAT_ID = 700_001;

async function countWhile(redis: BenchRedis, work: () => Promise<unknown>) {
  const counter = await redis.countCommands(DEFAULT_KEY_PREFIX);
  await work();
  // MONITOR lines trail the replies a little.
  await new Promise((resolve) => setTimeout(resolve, 300));
  return Object.fromEntries(await counter.stop()) as Record<string, number>;
}

const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

export async function runPipelineMode(
  mode: BotMode,
  redis: BenchRedis,
  settings: PipelineSettings,
): Promise<PipelineModeResult> {
  await redis.flush();
  return withStack({ mode, redisUrl: redis.url }, async ({ telegram, bot }) => {
    const chatIds = Array.from({ length: settings.chats }, (_, i) => FIRST_CHAT_ID + i);
    const once = chatIds.map((chatId) => ({ chatId, text: TEXT }));
    const full = mode === 'full';

    const firstByCommand = await countWhile(redis, () =>
      telegram.runPhase(once, { answersPerUpdate: full ? 2 : 1 }),
    );
    const steadyByCommand = await countWhile(redis, () => telegram.runPhase(once));

    const burst = Array.from({ length: settings.updates }, (_, i) => ({
      chatId: chatIds[i % chatIds.length]!,
      text: TEXT,
    }));
    await bot.probeReset();
    const timed = await telegram.runPhase(burst);
    const probe = await bot.probeRead();

    const paced = Array.from({ length: settings.latencyUpdates }, (_, i) => ({
      chatId: chatIds[i % chatIds.length]!,
      text: TEXT,
    }));
    const latency = await telegram.runPhase(paced, { ratePerSec: settings.latencyRatePerSec });

    return {
      updatesPerSec: settings.updates / timed.seconds,
      burstP50Ms: percentile(timed.latenciesMs, 50),
      burstP99Ms: percentile(timed.latenciesMs, 99),
      latencyP50Ms: percentile(latency.latenciesMs, 50),
      latencyP99Ms: percentile(latency.latenciesMs, 99),
      probe,
      ...(full
        ? {
            roundTrips: {
              firstMessage: sum(firstByCommand) / settings.chats,
              steady: sum(steadyByCommand) / settings.chats,
              firstByCommand,
              steadyByCommand,
            },
          }
        : {}),
    };
  });
}
