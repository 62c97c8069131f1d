/**
 * `npm start`: reads the environment once, starts the bot, and shuts it down cleanly on SIGTERM/SIGINT.
 * A bad configuration stops start-up with one line naming the variable.
 */
import { ConfigError, loadConfig } from '../src/config.js';
import { scrubSecrets } from '../src/logger.js';
import { startApp } from './app.js';
import { stdinKind } from './console/stdin-kind.js';

/** Said instead of exiting 0 with nothing to do, which a container restart policy turns into a silent loop. */
const NOTHING_TO_SERVE =
  'Configuration error: no platform token is set and stdin is not a terminal or a pipe, so there is no chat to serve; set TELEGRAM_BOT_TOKEN, or DISCORD_BOT_TOKEN and DISCORD_APPLICATION_ID (or run npm start in a terminal, or pipe messages into it)';

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig(process.env);
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`Configuration error: ${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
if (!config.telegram && !config.discord && stdinKind(0) === 'nothing') {
  process.stderr.write(`${NOTHING_TO_SERVE}\n`);
  process.exit(1);
}

// A crash in one chat must never take the bot down: report and carry on.
process.on('unhandledRejection', (reason) => {
  process.stderr.write(`unhandled rejection: ${scrubSecrets(String((reason as Error)?.stack ?? reason))}\n`);
});

const app = await startApp(config).catch((error: unknown) => {
  // Some settings can only be checked against the store (TOKEN_ENCRYPTION_KEY): still one line, no start.
  if (error instanceof ConfigError) {
    process.stderr.write(`Configuration error: ${error.message}\n`);
    process.exit(1);
  }
  throw error;
});
let exiting = false;
const shutdown = async (signal: string) => {
  if (exiting) return;
  exiting = true;
  process.stderr.write(`${signal}: shutting down\n`);
  const force = setTimeout(() => process.exit(1), 20_000);
  force.unref();
  await app.stop();
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

await app.finished;
await app.stop();
process.exit(0);
