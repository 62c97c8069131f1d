/**
 * The measured process: `full` is the real bot (Telegram adapter → core → Redis, the durable job engine and
 * the NemoVideo client), put together as adapters/app.ts does (startApp cannot take the relay's raised
 * upload limit, so the same parts are assembled here); `bare` is the least a grammY bot can do with the same updates (reply
 * a fixed text, no router, no store, no backend). Settings come from the environment the parent sets.
 * Commands: `probe-reset` starts the measuring window, `probe-read` reads it, `open-streams` counts SSE
 * edits in flight.
 */
import { run } from '@grammyjs/runner';
import { Bot } from 'grammy';
import { createTelegramAdapter } from '../../adapters/telegram/bot.js';
import { createBot } from '../../src/bot.js';
import { createJobEngine, PlatformPorts } from '../../src/jobs/index.js';
import { createLogger } from '../../src/logger.js';
import { createMetrics, nemoObserver } from '../../src/metrics.js';
import { NemoClient } from '../../src/nemo/index.js';
import { profileFor } from '../../src/profiles.js';
import { createStore } from '../../src/store/index.js';
import { serveCommands } from '../lib/child-rpc.js';
import { startProcessProbe } from '../lib/process-probe.js';
import { MB } from '../lib/stats.js';

export const BARE_REPLY = 'ok';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`bench bot child: ${name} is not set`);
  return value;
};

const probe = startProcessProbe();
const token = env('BENCH_TELEGRAM_TOKEN');
const apiRoot = env('BENCH_TELEGRAM_API_ROOT');
const mode = env('BENCH_BOT_MODE');
// Warnings and errors only, to stderr: stdout is the channel to the parent.
const log = createLogger({ level: 'warn', destination: process.stderr, knownSecrets: [token] });

async function startFull() {
  const metrics = createMetrics();
  const store = await createStore({ redisUrl: env('BENCH_REDIS_URL'), logger: log });
  // The real skills cap uploads at 500 MB; the relay bench moves 1 GB, so its profile allows 2000 MB
  // (what a local Bot API server allows). Nothing else differs from the shipped profile.
  const profile = { ...profileFor('video-models'), maxUploadBytes: 2000 * MB };
  const nemo = new NemoClient({
    baseUrl: env('BENCH_NEMO_API_BASE'),
    skill: { source: profile.name, version: profile.version, platform: 'unknown' },
    rateLimitRetryMs: 1_000,
    renderPollMaxMs: 30_000,
    logger: log.child({ component: 'nemo' }),
    observer: nemoObserver(metrics),
  });
  const jobs = await createJobEngine({
    redisUrl: env('BENCH_REDIS_URL'),
    log: log.child({ component: 'jobs' }),
  });
  const ports = new PlatformPorts();
  const core = createBot({ nemo, store, log, profile, progressIntervalMs: 120_000, metrics, jobs, ports });
  const telegram = createTelegramAdapter({ token, apiRoot, handle: core.handle, log });
  ports.register('telegram', telegram.port);
  await telegram.start();
  await core.startJobs();
  return {
    openStreams: async () => (await metrics.openStreams.get()).values[0]?.value ?? 0,
    stop: async () => {
      const stopped = telegram.stop();
      await core.close({ leaveRunning: jobs.durable });
      await stopped;
      await store.close();
    },
  };
}

async function startBare() {
  const bot = new Bot(token, { client: { apiRoot } });
  bot.on('message:text', (ctx) =>
    ctx.reply(BARE_REPLY, { reply_parameters: { message_id: ctx.msg.message_id } }),
  );
  const runner = run(bot, { runner: { silent: true } });
  await bot.init();
  return { openStreams: async () => 0, stop: () => runner.stop() };
}

const bot = mode === 'full' ? await startFull() : await startBare();
serveCommands(
  { pid: process.pid },
  {
    'probe-reset': () => probe.reset(),
    'probe-read': () => probe.read(),
    'open-streams': () => bot.openStreams(),
  },
  () => bot.stop(),
);
