/**
 * Bot processes for the durability tests: the image's start command (`node dist/adapters/main.js`)
 * with only the environment a test gives, ready once /healthz says every part is up.
 */
import { type BotProcess, startBotProcess, watching } from '../../app/process.js';
import { freePort } from '../../setup/redis-server.js';
import { type Deadline, waitFor } from '../../support/wait-for.js';

export interface RunningBot {
  process: BotProcess;
  httpPort: number;
  /** SIGTERM, then the exit code (0 after a clean shutdown). */
  stop(): Promise<number | null>;
}

/** Starts a bot with `env` plus its own HTTP_PORT (or the one given) and waits until /healthz is ok. */
export async function startReadyBot(
  env: Record<string, string>,
  deadline: Deadline,
  httpPort?: number,
): Promise<RunningBot> {
  const port = httpPort ?? (await freePort());
  const bot = startBotProcess({
    LOG_LEVEL: 'warn',
    // The fake's messages all come from one test user, across up to 20 chats within seconds: above the
    // per-user flood bound, which these tests do not measure (test/faults/bounds.test.ts does).
    MAX_MESSAGES_PER_USER_PER_MINUTE: '10000',
    ...env,
    HTTP_PORT: String(port),
  });
  await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200, {
    deadline,
    what: `the bot on port ${port} to be ready (/healthz 200)`,
    ...watching(bot),
  });
  return {
    process: bot,
    httpPort: port,
    stop: async () => {
      if (bot.child.exitCode === null) bot.child.kill('SIGTERM');
      return bot.exited;
    },
  };
}

/** Kills a bot that a failed test left running. */
export async function killBot(bot: RunningBot | undefined): Promise<void> {
  if (!bot || bot.process.child.exitCode !== null) return;
  bot.process.child.kill('SIGKILL');
  await bot.process.exited;
}
