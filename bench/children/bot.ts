/**
 * The measured process: `full` is the real bot as `npm start` runs it (startApp: Telegram adapter → core →
 * Redis, the durable job engine, the NemoVideo client, the HTTP server); `bare` is the least a grammY bot can do with the same updates (reply
 * a fixed text, no router, no store, no backend). Settings come from the environment the parent sets.
 * Commands: `probe-reset` starts the measuring window, `probe-read` reads it, `open-streams` counts SSE
 * edits in flight.
 */
import { run } from '@grammyjs/runner';
import { Bot } from 'grammy';
import { startApp } from '../../adapters/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { profileFor } from '../../src/profiles.js';
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
  // The real composition root. The shipped skills cap uploads at 500 MB; the relay bench moves 1 GB, so
  // its profile allows 2000 MB (what a local Bot API server allows). Nothing else differs.
  const profile = { ...profileFor('video-models'), maxUploadBytes: 2000 * MB };
  const config = loadConfig({
    TELEGRAM_BOT_TOKEN: token,
    TELEGRAM_API_ROOT: apiRoot,
    // The bench's fake serves files of any size (local mode, or cloud mode with its limit raised): say so,
    // as an operator of a local Bot API server does, or the 1 GB relay clip is refused at 20 MB.
    TELEGRAM_LOCAL_BOT_API: 'true',
    REDIS_URL: env('BENCH_REDIS_URL'),
    NEMO_API_BASE: env('BENCH_NEMO_API_BASE'),
    NEMO_RATE_LIMIT_RETRY_MS: '1000',
    // The pipeline sends 20 messages per chat in a few seconds, faster than any person: the flood bound would
    // measure itself, not the pipeline.
    MAX_MESSAGES_PER_USER_PER_MINUTE: '1000000',
    HTTP_PORT: '0',
  });
  const app = await startApp(config, { log, profile });
  return {
    openStreams: async () => (await app.metrics.openStreams.get()).values[0]?.value ?? 0,
    stop: () => app.stop(),
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
