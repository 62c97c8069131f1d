/** Starts the processes one bench run needs and stops them all, whatever failed in between. */
import { type Child, startChild } from './child-rpc.js';
import type { ProbeReading } from './process-probe.js';
import { startTelegramDriver, type TelegramDriver } from './telegram-driver.js';

export type BotMode = 'full' | 'bare';

export interface BotChild extends Child<{ pid: number }> {
  probeReset(): Promise<void>;
  probeRead(): Promise<ProbeReading>;
}

export interface Stack {
  telegram: TelegramDriver;
  emulator: Child<{ url: string }>;
  bot: BotChild;
}

/** Emulator options every scenario shares: enough anonymous tokens and credits for thousands of chats. */
const EMULATOR_BASE = { tokensPerIpPer7Days: 1_000_000_000, initialCredits: 1_000_000_000 };

export async function withStack<T>(
  setup: { mode: BotMode; redisUrl: string; local?: boolean; emulator?: Record<string, unknown> },
  work: (stack: Stack) => Promise<T>,
): Promise<T> {
  const started: Array<() => Promise<void>> = [];
  try {
    const telegram = await startTelegramDriver({ local: setup.local ?? false });
    started.push(() => telegram.close());
    const emulator = await startChild<{ url: string }>('children/emulator.ts', {
      BENCH_EMULATOR_OPTIONS: JSON.stringify({ ...EMULATOR_BASE, ...setup.emulator }),
    });
    started.push(() => emulator.stop());
    const child = await startChild<{ pid: number }>('children/bot.ts', {
      BENCH_BOT_MODE: setup.mode,
      BENCH_TELEGRAM_TOKEN: telegram.token,
      BENCH_TELEGRAM_API_ROOT: telegram.apiRoot,
      BENCH_NEMO_API_BASE: emulator.ready.url,
      BENCH_REDIS_URL: setup.redisUrl,
    });
    started.push(() => child.kill());
    const bot: BotChild = {
      ...child,
      probeReset: () => child.call('probe-reset'),
      probeRead: () => child.call<ProbeReading>('probe-read'),
    };
    return await work({ telegram, emulator, bot });
  } finally {
    // The bot first (it would see its servers vanish), then the servers.
    for (const stop of started.reverse()) await stop().catch(() => undefined);
  }
}
