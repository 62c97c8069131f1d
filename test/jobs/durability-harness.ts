/**
 * The bot as a child process (the image's start command) against the fake Bot API, the NemoVideo emulator
 * and the test redis-server, for tests that kill it and start another. The fakes live in the test process,
 * so they outlive every bot process and remember all it did.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { inject } from 'vitest';
import { type BotProcess, startBotProcess } from '../app/process.js';
import { type Emulator, type EmulatorOptions, startEmulator } from '../fakes/nemo/emulator.js';
import { type FakeTelegram, startFakeTelegram } from '../fakes/telegram/server.js';

export const BOT_TOKEN = '7099999999:AAdurability-test_token-0123456789abc';
export const OPERATOR_TOKEN = 'nmv_usr_operator_durability_test';

/**
 * Lease and lock durations for bots that tests kill (see .env.example). A killed bot's jobs are found at the
 * next stalled check (1 s, not 5 s) once their lock lapses. The leases themselves stay near production's:
 * at a load average of 40 on 2 cores a live bot missed a 2 s renewal and lost its own jobs with 4 s locks.
 */
export const TEST_LEASES = {
  JOB_LOCK_MS: '10000',
  JOB_STALLED_CHECK_MS: '1000',
  JOB_HOLD_LEASE_MS: '9000',
  CHAT_LOCK_TTL_MS: '10000',
} as const;

export interface Durability {
  telegram: FakeTelegram;
  emulator: Emulator;
  /** The bot's job queue, read the way BullMQ stores it. */
  jobs: Queue;
  /** Starts a bot process; every one shares the fakes and Redis. */
  startBot(): BotProcess;
  close(): Promise<void>;
}

/** @param db a Redis database of this test file's own, emptied first. */
export async function startDurability(db: number, emulatorOptions: EmulatorOptions): Promise<Durability> {
  const redisUrl = `${inject('redisUrl')}/${db}`;
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  await redis.flushdb();
  const [emulator, telegram] = await Promise.all([
    // The operator's token: twenty anonymous chats from one address would hit the backend's per-IP limit.
    startEmulator({ noTextRatio: 0, operatorTokens: [OPERATOR_TOKEN], ...emulatorOptions }),
    startFakeTelegram({ token: BOT_TOKEN }),
  ]);
  const jobs = new Queue('bot-jobs', { connection: redis, prefix: 'nemo-jobs' });
  const bots: BotProcess[] = [];

  return {
    telegram,
    emulator,
    jobs,
    startBot() {
      const bot = startBotProcess({
        TELEGRAM_BOT_TOKEN: BOT_TOKEN,
        TELEGRAM_API_ROOT: telegram.apiRoot,
        // One test user across many chats within seconds: above the flood bound these tests do not measure.
        MAX_MESSAGES_PER_USER_PER_MINUTE: '10000',
        NEMO_API_BASE: emulator.url,
        NEMO_TOKEN: OPERATOR_TOKEN,
        REDIS_URL: redisUrl,
        NEMO_RENDER_POLL_MS: '500',
        NEMO_RATE_LIMIT_RETRY_MS: '200',
        ...TEST_LEASES,
        HTTP_PORT: '0',
        LOG_LEVEL: 'info',
      });
      bots.push(bot);
      return bot;
    },
    async close() {
      for (const bot of bots) {
        if (bot.child.exitCode === null && bot.child.signalCode === null) {
          bot.child.kill('SIGKILL');
          await bot.exited;
        }
      }
      await jobs.close();
      await redis.flushdb();
      redis.disconnect();
      await telegram.close();
      await emulator.close();
    },
  };
}

/** Telegram private chats 1..n of this test, with ids far from other tests'. */
export function chatIds(base: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => base + i);
}
