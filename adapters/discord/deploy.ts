/** `npm run discord:deploy`: registers the slash commands, in DISCORD_GUILD_ID or globally. */
import { loadConfig } from '../../src/config.js';
import { describeError } from './errors.js';
import { registerCommands } from './register.js';

try {
  const { discord } = loadConfig(process.env);
  if (!discord)
    throw new Error('DISCORD_BOT_TOKEN and DISCORD_APPLICATION_ID must be set to deploy commands');
  const count = await registerCommands(discord);
  console.log(
    `Registered ${count} slash commands ${discord.guildId ? `in guild ${discord.guildId}` : 'globally'}.`,
  );
} catch (error) {
  const { message, code, status } = describeError(error);
  console.error(
    `Could not register the commands: ${message ?? `HTTP ${status}`}${code ? ` (Discord code ${code})` : ''}`,
  );
  process.exitCode = 1;
}
