import { type ButtonInteraction, type ChatInputCommandInteraction, PermissionFlagsBits } from 'discord.js';

/**
 * Whether the member counts as the guild's admin for GROUP_SPENDERS: Manage Server, or the spender role
 * (DISCORD_SPENDER_ROLE_ID). The core decides what that allows; this only states the fact.
 */
export function isGuildAdmin(
  interaction: ChatInputCommandInteraction | ButtonInteraction,
  spenderRoleId: string | undefined,
): boolean {
  if (!interaction.inGuild()) return false;
  if (interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) return true;
  if (!spenderRoleId) return false;
  const { roles } = interaction.member;
  // A cached guild gives a GuildMember; an uncached one (e.g. a user-installed app) the raw role ids.
  return Array.isArray(roles) ? roles.includes(spenderRoleId) : roles.cache.has(spenderRoleId);
}
