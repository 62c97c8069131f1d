import {
  type APIAttachment,
  type APIChannel,
  type APIDMChannel,
  type APIGuildMember,
  type APIInteraction,
  type APIMessage,
  type APIRole,
  type APITextChannel,
  type APIThreadChannel,
  type APIUser,
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  ChannelType,
  ComponentType,
  type GuildMemberFlags,
  InteractionContextType,
  InteractionType,
  type Locale,
  MessageType,
  type RoleFlags,
} from 'discord.js';
import { snowflake } from './snowflake.js';

/** Discord's default upload limit for a guild without boosts (10 MiB). */
export const DEFAULT_ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024;
/** Every permission bit set, as the app would have as an administrator. */
const ALL_PERMISSIONS = '2251799813685247';

export interface FakeUser {
  id: string;
  username: string;
  globalName?: string;
}

/** A file a test user attaches to a slash command; the fake serves its bytes at a CDN URL. */
export interface FakeUpload {
  name: string;
  contentType: string;
  data: Buffer;
}

/** Where and by whom an interaction happens. Every field has a sensible default. */
export interface InteractionContextInput {
  user?: Partial<FakeUser>;
  /** `null` → the bot's DM with the user; default a test guild. */
  guildId?: string | null;
  /** The channel (or thread, with `threadParentId`) the interaction comes from. */
  channelId?: string;
  /** Set when `channelId` is a public thread under this parent channel. */
  threadParentId?: string;
  /** Role ids of the member (guild only). */
  roles?: string[];
  /** The member's permission bits in the channel, as a decimal string (guild only; default: all of them). */
  memberPermissions?: string;
  locale?: string;
  attachmentSizeLimit?: number;
}

export type OptionValue = string | number | boolean | FakeUpload;

export interface CommandInput extends InteractionContextInput {
  type: 'command';
  name: string;
  options?: Record<string, OptionValue>;
}

export interface ButtonInput extends InteractionContextInput {
  type: 'button';
  customId: string;
  /** The message carrying the button; a recorded bot message when given, else a made-up one. */
  message?: APIMessage;
}

export type InteractionInput = CommandInput | ButtonInput;

export const DEFAULT_USER: FakeUser = { id: '200000000000000001', username: 'alice', globalName: 'Alice' };
export const DEFAULT_GUILD_ID = '300000000000000001';
export const DEFAULT_CHANNEL_ID = '400000000000000001';

export function apiUser(user: FakeUser, bot = false): APIUser {
  return {
    id: user.id,
    username: user.username,
    global_name: user.globalName ?? null,
    discriminator: '0',
    avatar: null,
    ...(bot ? { bot: true } : {}),
  };
}

export function apiMember(
  user: APIUser,
  roles: string[],
  permissions = ALL_PERMISSIONS,
): APIGuildMember & { permissions: string } {
  return {
    user,
    roles,
    nick: null,
    avatar: null,
    joined_at: new Date(0).toISOString(),
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0 as GuildMemberFlags,
    pending: false,
    communication_disabled_until: null,
    permissions,
  };
}

/** The channel object Discord embeds in an interaction and returns from `GET /channels/:id`. */
export function apiChannel(input: {
  id: string;
  guildId: string | null;
  parentId?: string;
  thread?: boolean;
  recipient?: APIUser;
}): APIChannel {
  if (!input.guildId) {
    return {
      id: input.id,
      type: ChannelType.DM,
      name: null,
      recipients: input.recipient ? [input.recipient] : [],
      last_message_id: null,
    } satisfies APIDMChannel;
  }
  if (input.thread) {
    return {
      id: input.id,
      type: ChannelType.PublicThread,
      guild_id: input.guildId,
      parent_id: input.parentId,
      name: `thread-${input.id.slice(-4)}`,
      owner_id: DEFAULT_USER.id,
      thread_metadata: {
        archived: false,
        auto_archive_duration: 1440,
        archive_timestamp: new Date().toISOString(),
        locked: false,
      },
      member_count: 1,
      message_count: 0,
      total_message_sent: 0,
      last_message_id: null,
      nsfw: false,
      rate_limit_per_user: 0,
    } satisfies APIThreadChannel;
  }
  return {
    id: input.id,
    type: ChannelType.GuildText,
    guild_id: input.guildId,
    name: `channel-${input.id.slice(-4)}`,
    position: 0,
    permission_overwrites: [],
    parent_id: null,
    nsfw: false,
    topic: null,
    last_message_id: null,
    rate_limit_per_user: 0,
  } satisfies APITextChannel;
}

/** A role the fake guild holds, so discord.js can resolve member roles from its cache. */
export function apiRole(id: string, name: string): APIRole {
  return {
    id,
    name,
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    position: 0,
    permissions: '0',
    managed: false,
    mentionable: true,
    flags: 0 as RoleFlags,
  };
}

/** The GUILD_CREATE a bot receives for a guild it is in (sent before its first interaction there). */
export function apiGuildCreate(
  guildId: string,
  channels: APIChannel[],
  threads: APIChannel[],
  roleIds: string[],
) {
  return {
    id: guildId,
    name: `guild-${guildId.slice(-4)}`,
    icon: null,
    splash: null,
    discovery_splash: null,
    owner_id: DEFAULT_USER.id,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    roles: [apiRole(guildId, '@everyone'), ...roleIds.map((id) => apiRole(id, `role-${id.slice(-4)}`))],
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: 0,
    system_channel_id: null,
    system_channel_flags: 0,
    rules_channel_id: null,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: 0,
    preferred_locale: 'en-US',
    public_updates_channel_id: null,
    nsfw_level: 0,
    premium_progress_bar_enabled: false,
    joined_at: new Date().toISOString(),
    large: false,
    unavailable: false,
    member_count: 2,
    voice_states: [],
    members: [],
    channels,
    threads,
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

/** A message as Discord returns it from every create/edit route. */
export function apiMessage(input: {
  id?: string;
  channelId: string;
  author: APIUser;
  body: Record<string, unknown>;
  attachments: APIAttachment[];
  webhookId?: string;
  applicationId?: string;
}): APIMessage {
  const body = input.body;
  return {
    id: input.id ?? snowflake(),
    channel_id: input.channelId,
    author: input.author,
    content: typeof body['content'] === 'string' ? body['content'] : '',
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: input.attachments,
    embeds: Array.isArray(body['embeds']) ? body['embeds'] : [],
    components: Array.isArray(body['components']) ? body['components'] : [],
    pinned: false,
    type: input.webhookId ? MessageType.ChatInputCommand : MessageType.Default,
    flags: typeof body['flags'] === 'number' ? body['flags'] : 0,
    ...(input.webhookId ? { webhook_id: input.webhookId, application_id: input.applicationId } : {}),
  } as APIMessage;
}

function commandOptions(
  options: Record<string, OptionValue>,
  attachmentUrl: (upload: FakeUpload) => APIAttachment,
) {
  const resolved: Record<string, APIAttachment> = {};
  const list = Object.entries(options).map(([name, value]) => {
    if (typeof value === 'string') return { name, type: ApplicationCommandOptionType.String, value };
    if (typeof value === 'number') return { name, type: ApplicationCommandOptionType.Integer, value };
    if (typeof value === 'boolean') return { name, type: ApplicationCommandOptionType.Boolean, value };
    const attachment = attachmentUrl(value);
    resolved[attachment.id] = attachment;
    return { name, type: ApplicationCommandOptionType.Attachment, value: attachment.id };
  });
  return { list, resolved };
}

/** Builds a complete INTERACTION_CREATE payload, as the gateway delivers it. */
export function apiInteraction(input: {
  spec: InteractionInput;
  id: string;
  token: string;
  applicationId: string;
  user: APIUser;
  channel: APIChannel;
  guildId: string | null;
  roles: string[];
  attachment: (upload: FakeUpload) => APIAttachment;
  fallbackMessage: () => APIMessage;
}): APIInteraction {
  const { spec, user, guildId } = input;
  const where = guildId
    ? {
        guild_id: guildId,
        guild: { id: guildId, locale: 'en-US' as Locale, features: [] },
        guild_locale: 'en-US' as Locale,
        member: apiMember(user, input.roles, spec.memberPermissions),
        context: InteractionContextType.Guild,
        authorizing_integration_owners: { [ApplicationIntegrationType.GuildInstall]: guildId },
      }
    : {
        user,
        context: InteractionContextType.BotDM,
        authorizing_integration_owners: { [ApplicationIntegrationType.UserInstall]: user.id },
      };
  const common = {
    id: input.id,
    application_id: input.applicationId,
    token: input.token,
    version: 1 as const,
    channel: input.channel,
    channel_id: input.channel.id,
    app_permissions: ALL_PERMISSIONS,
    locale: (spec.locale ?? 'en-US') as Locale,
    entitlements: [],
    attachment_size_limit: spec.attachmentSizeLimit ?? DEFAULT_ATTACHMENT_SIZE_LIMIT,
    ...where,
  };
  if (spec.type === 'command') {
    const { list, resolved } = commandOptions(spec.options ?? {}, input.attachment);
    return {
      ...common,
      type: InteractionType.ApplicationCommand,
      data: {
        id: snowflake(),
        name: spec.name,
        type: ApplicationCommandType.ChatInput,
        ...(list.length ? { options: list } : {}),
        ...(Object.keys(resolved).length ? { resolved: { attachments: resolved } } : {}),
        ...(guildId ? { guild_id: guildId } : {}),
      },
    } as APIInteraction;
  }
  return {
    ...common,
    type: InteractionType.MessageComponent,
    message: spec.message ?? input.fallbackMessage(),
    data: { custom_id: spec.customId, component_type: ComponentType.Button },
  } as APIInteraction;
}
