import type {
  ButtonInteraction,
  ChatInputCommandInteraction,
  Attachment as DiscordAttachment,
} from 'discord.js';
import { actionFromButtonKey } from '../../src/button-keys.js';
import type { Attachment, AttachmentKind, ChatRef, IncomingMessage, Sender } from '../../src/messages.js';
import { VIDEO_FILE_OPTIONS } from './commands.js';
import { download } from './download.js';
import { isGuildAdmin } from './permissions.js';

type Interaction = ChatInputCommandInteraction | ButtonInteraction;

function kindOf(contentType: string | null, name: string): AttachmentKind {
  const type = contentType ?? '';
  if (type === 'image/gif') return 'animation';
  if (type.startsWith('video/') || /\.(mp4|mov|webm|mkv|avi)$/i.test(name)) return 'video';
  if (type.startsWith('image/') || /\.(jpe?g|png|webp)$/i.test(name)) return 'photo';
  if (type.startsWith('audio/') || /\.(mp3|wav|m4a|aac|ogg)$/i.test(name)) return 'audio';
  return 'document';
}

/**
 * Name, type and size come from the interaction itself, so the core can refuse a file before a byte
 * is fetched; `open()` streams from the CDN, whose signed URLs expire in about a day.
 */
export function attachmentOf(file: DiscordAttachment): Attachment {
  return {
    kind: kindOf(file.contentType, file.name),
    name: file.name,
    mimeType: file.contentType ?? undefined,
    size: file.size,
    open: async (signal) => (await download(file.url, signal)).body,
  };
}

/** A thread is its own conversation inside its parent channel; a DM is its DM channel. */
export function chatOf(interaction: Interaction): ChatRef {
  const channel = interaction.channel;
  if (channel?.isThread() && channel.parentId) {
    return { platform: 'discord', chatId: channel.parentId, threadId: channel.id };
  }
  // Interactions from guilds and DMs always carry a channel id; the user id only guards the type.
  return { platform: 'discord', chatId: interaction.channelId ?? interaction.user.id };
}

export function senderOf(interaction: Interaction): Sender {
  const { user, member } = interaction;
  // A cached GuildMember knows its display name; a raw API member (uncached guild) only its nick.
  const memberName = member && 'displayName' in member ? member.displayName : member?.nick;
  return { id: user.id, displayName: memberName ?? user.displayName, username: user.username };
}

/** What the core may need to know about who is asking; the facts are all in the interaction. */
export interface NormalizeOptions {
  /** DISCORD_SPENDER_ROLE_ID: its holders count as the guild's admins. */
  spenderRoleId?: string;
}

function base(interaction: Interaction, receivedAt: number, options: NormalizeOptions) {
  const guildAdmin = isGuildAdmin(interaction, options.spenderRoleId);
  return {
    id: interaction.id,
    updateId: `discord:${interaction.id}`,
    chat: chatOf(interaction),
    sender: senderOf(interaction),
    isGroup: interaction.inGuild(),
    // Every interaction is addressed to the bot: Discord only sends the app its own commands and buttons.
    addressedToBot: true,
    language: interaction.locale,
    receivedAt,
    ...(interaction.guildId ? { communityId: interaction.guildId } : {}),
    senderIsGroupAdmin: async () => guildAdmin,
  };
}

/** `/video` and `/edit` become text (plus files), `/upload` files, every other command a command. */
export function normalizeCommand(
  interaction: ChatInputCommandInteraction,
  receivedAt: number,
  normalize: NormalizeOptions = {},
): IncomingMessage {
  const { options, commandName } = interaction;
  const message = { ...base(interaction, receivedAt, normalize), text: '', attachments: [] as Attachment[] };
  switch (commandName) {
    case 'video':
      message.text = options.getString('prompt', true);
      message.attachments = VIDEO_FILE_OPTIONS.flatMap((name) => options.getAttachment(name) ?? []).map(
        attachmentOf,
      );
      return message;
    case 'edit':
      message.text = options.getString('text', true);
      return message;
    case 'upload':
      message.attachments = [attachmentOf(options.getAttachment('file', true))];
      return message;
    case 'token':
      // An option, never text: Discord shows nobody the option of an ephemeral command.
      return { ...message, command: { name: commandName, args: options.getString('token') ?? '' } };
    default:
      return { ...message, command: { name: commandName, args: '' } };
  }
}

/** A press of one of the bot's buttons, or undefined for a component that is not the bot's. */
export function normalizeButton(
  interaction: ButtonInteraction,
  receivedAt: number,
  normalize: NormalizeOptions = {},
): IncomingMessage | undefined {
  const action = actionFromButtonKey(interaction.customId);
  if (!action) return undefined;
  return { ...base(interaction, receivedAt, normalize), text: '', action, attachments: [] };
}
