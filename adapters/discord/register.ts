import { REST, Routes } from 'discord.js';
import { commands } from './commands.js';
import { createDiscordDispatcher } from './rest-dispatcher.js';

export interface RegisterOptions {
  token: string;
  applicationId: string;
  apiRoot: string;
  /** Register in this guild only (instant, for testing); otherwise globally. */
  guildId?: string;
}

/** Replaces the application's slash commands with ours (one bulk PUT); returns how many are registered. */
export async function registerCommands(options: RegisterOptions): Promise<number> {
  const dispatcher = createDiscordDispatcher();
  const rest = new REST({ api: options.apiRoot, agent: dispatcher }).setToken(options.token);
  const route = options.guildId
    ? Routes.applicationGuildCommands(options.applicationId, options.guildId)
    : Routes.applicationCommands(options.applicationId);
  try {
    const registered = (await rest.put(route, {
      body: commands.map((command) => command.toJSON()),
    })) as unknown[];
    return registered.length;
  } finally {
    await dispatcher.close();
  }
}
