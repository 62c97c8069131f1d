import type { ButtonInteraction, ChatInputCommandInteraction } from 'discord.js';
import { actionFromButtonKey } from '../../src/button-keys.js';
import { SPENDING_COMMANDS } from './commands.js';

/** Whether this interaction starts work that costs credits. */
export function spendsCredits(interaction: ChatInputCommandInteraction | ButtonInteraction): boolean {
  return interaction.isChatInputCommand()
    ? SPENDING_COMMANDS.has(interaction.commandName)
    : actionFromButtonKey(interaction.customId) === 'export';
}

/**
 * In a guild with a spender role configured, only members holding it may spend credits; everyone may
 * without one, and in DMs (where the user spends on their own behalf).
 */
export function maySpend(
  interaction: ChatInputCommandInteraction | ButtonInteraction,
  spenderRoleId: string | undefined,
): boolean {
  if (!spenderRoleId || !interaction.inGuild() || !spendsCredits(interaction)) return true;
  const { roles } = interaction.member;
  // A cached guild gives a GuildMember; an uncached one (e.g. a user-installed app) the raw role ids.
  return Array.isArray(roles) ? roles.includes(spenderRoleId) : roles.cache.has(spenderRoleId);
}
