/**
 * Both platform normalizers on generated input. Telegram: updates of every shape the Bot API types allow
 * (private chats, groups, forum topics, anonymous admins, entities at any offset, every kind of file with
 * any name and MIME type, buttons with forged data, albums). Discord: real discord.js interactions built
 * from generated INTERACTION_CREATE payloads through discord.js's own handler (DMs, guilds, threads, any
 * command name and options, attachments, foreign custom ids). The invariant: a well-formed IncomingMessage
 * or `undefined`; for Discord, a command without an option it requires is discord.js's typed error, which
 * the adapter's edge catches.
 */
import { Readable } from 'node:stream';
import {
  type APIAttachment,
  type APIInteraction,
  Client,
  DiscordjsErrorCodes,
  Events,
  type Interaction,
} from 'discord.js';
import fc from 'fast-check';
import type { Update, UserFromGetMe } from 'grammy/types';
import { afterAll, describe, expect, it } from 'vitest';
import { normalizeButton, normalizeCommand } from '../../adapters/discord/normalize.js';
import { normalizeAlbum, normalizeUpdate } from '../../adapters/telegram/normalize.js';
import type { IncomingMessage } from '../../src/messages.js';
import {
  apiChannel,
  apiInteraction,
  apiMessage,
  apiUser,
  type InteractionInput,
  type OptionValue,
} from '../fakes/discord/payloads.js';
import { recordProperty } from '../support/fault-results.js';
import { check } from '../support/property.js';

const KINDS = new Set(['video', 'photo', 'audio', 'voice', 'document', 'animation', 'video_note']);
const ACTIONS = new Set(['export', 'status', 'cancel', 'new', 'credits', 'help', 'download']);

function expectWellFormed(m: IncomingMessage, platform: 'telegram' | 'discord'): void {
  expect(typeof m.id).toBe('string');
  expect(m.updateId?.startsWith(`${platform}:`)).toBe(true);
  expect(m.chat.platform).toBe(platform);
  expect(m.chat.chatId).not.toBe('');
  if (m.chat.threadId !== undefined) expect(m.chat.threadId).not.toBe('');
  expect(typeof m.sender.id).toBe('string');
  expect(typeof m.sender.displayName).toBe('string');
  expect(typeof m.text).toBe('string');
  expect(typeof m.isGroup).toBe('boolean');
  expect(typeof m.addressedToBot).toBe('boolean');
  if (!m.isGroup) expect(m.addressedToBot).toBe(true);
  if (m.action !== undefined) expect(ACTIONS.has(m.action)).toBe(true);
  if (m.command) {
    expect(typeof m.command.name).toBe('string');
    expect(typeof m.command.args).toBe('string');
  }
  for (const a of m.attachments) {
    expect(KINDS.has(a.kind)).toBe(true);
    expect(typeof a.name).toBe('string');
    expect(typeof a.open).toBe('function');
    if (a.size !== undefined) expect(typeof a.size).toBe('number');
  }
}

// ---------------------------------------------------------------------------------------------
// Telegram

const ME = {
  id: 999,
  is_bot: true,
  first_name: 'Video Bot',
  username: 'VideoBot',
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
} as UserFromGetMe;

const anyText = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc
    .array(
      fc.constantFrom(
        '/export',
        '/edit',
        '@VideoBot',
        '@videobot',
        '@other',
        '/start@VideoBot',
        'hi',
        ' ',
        '\n',
      ),
      {
        maxLength: 6,
      },
    )
    .map((w) => w.join(' ')),
);
const tgUser = fc.record(
  {
    id: fc.oneof(fc.constant(ME.id), fc.integer({ min: 1, max: 2 ** 40 })),
    is_bot: fc.boolean(),
    first_name: fc.string({ maxLength: 20 }),
    last_name: fc.string({ maxLength: 20 }),
    username: fc.string({ maxLength: 20 }),
    language_code: fc.constantFrom('en', 'zh-hans', 'zh-CN', '', 'xx-invalid'),
  },
  { requiredKeys: ['id', 'is_bot', 'first_name'] },
);
const tgChat = fc.oneof(
  fc.record({
    id: fc.integer({ min: 1, max: 2 ** 40 }),
    type: fc.constant('private' as const),
    first_name: fc.string(),
  }),
  fc.record({
    id: fc.integer({ min: -(2 ** 45), max: -1 }),
    type: fc.constantFrom('group' as const, 'supergroup' as const, 'channel' as const),
    title: fc.string(),
  }),
);
const entity = fc.oneof(
  fc.record({
    type: fc.constantFrom('bot_command', 'mention', 'bold', 'url', 'hashtag'),
    offset: fc.nat({ max: 80 }),
    length: fc.nat({ max: 80 }),
  }),
  fc.record({
    type: fc.constant('text_mention'),
    offset: fc.nat({ max: 80 }),
    length: fc.nat({ max: 80 }),
    user: tgUser,
  }),
);
const fileName = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom('../../x.mp4', '', '\u202egpj.mp4', 'a'.repeat(300)),
);
const mime = fc.oneof(
  fc.constantFrom('video/mp4', 'image/gif', 'audio/mpeg', 'application/pdf', 'text/html'),
  fc.string({ maxLength: 20 }),
);
const file = fc.record(
  {
    file_id: fc.string({ minLength: 1, maxLength: 20 }),
    file_unique_id: fc.string({ minLength: 1, maxLength: 10 }),
    file_size: fc.nat(),
    file_name: fileName,
    mime_type: mime,
    width: fc.nat({ max: 4000 }),
    height: fc.nat({ max: 4000 }),
    duration: fc.nat(),
    length: fc.nat(),
  },
  { requiredKeys: ['file_id', 'file_unique_id', 'width', 'height', 'duration', 'length'] },
);
const message = fc.record(
  {
    message_id: fc.nat(),
    date: fc.nat(),
    chat: tgChat,
    from: tgUser,
    sender_chat: tgChat,
    text: anyText,
    caption: anyText,
    entities: fc.array(entity, { maxLength: 4 }),
    caption_entities: fc.array(entity, { maxLength: 4 }),
    message_thread_id: fc.nat(),
    is_topic_message: fc.boolean(),
    media_group_id: fc.string({ maxLength: 5 }),
    reply_to_message: fc.record(
      {
        message_id: fc.nat(),
        date: fc.nat(),
        chat: tgChat,
        from: tgUser,
        forum_topic_created: fc.record({ name: fc.string(), icon_color: fc.nat() }),
      },
      { requiredKeys: ['message_id', 'date', 'chat'] },
    ),
    photo: fc.array(file, { maxLength: 3 }),
    video: file,
    video_note: file,
    animation: file,
    document: file,
    audio: file,
    voice: file,
  },
  { requiredKeys: ['message_id', 'date', 'chat'] },
);
const callbackQuery = fc.record(
  {
    id: fc.string(),
    from: tgUser,
    chat_instance: fc.string(),
    data: fc.oneof(
      fc.constantFrom('a:export', 'a:status', 'a:download', 'a:', 'a:__proto__', 'a:toString'),
      fc.string(),
    ),
    message: fc.record({ message_id: fc.nat(), date: fc.constantFrom(0, 1_700_000_000), chat: tgChat }),
  },
  { requiredKeys: ['id', 'from', 'chat_instance'] },
);
const update = fc.record(
  {
    update_id: fc.nat(),
    message,
    callback_query: callbackQuery,
    edited_message: message,
  },
  { requiredKeys: ['update_id'] },
) as unknown as fc.Arbitrary<Update>;

const deps = {
  me: ME,
  openFile: async () => Readable.from([]),
  now: () => 0,
};

describe('the Telegram normalizer on generated updates', () => {
  it('gives a well-formed message or nothing, never throwing', () => {
    const runs = check(
      fc.property(update, (u) => {
        const m = normalizeUpdate(u, deps);
        if (m === undefined) return;
        expectWellFormed(m, 'telegram');
        if (m.command) expect(m.command.name).toBe(m.command.name.toLowerCase());
      }),
      4000,
    );
    recordProperty('Telegram normalizer: generated updates', runs);
  });

  it('joins any album into one message with every file', () => {
    const runs = check(
      fc.property(
        fc.array(fc.record({ updateId: fc.nat(), message }), { minLength: 1, maxLength: 5 }),
        (parts) => {
          const m = normalizeAlbum(parts as never, deps);
          expectWellFormed(m, 'telegram');
          expect(String(Math.min(...parts.map((p) => p.message.message_id)))).toBe(m.id);
        },
      ),
      1000,
    );
    recordProperty('Telegram normalizer: generated albums', runs);
  });
});

// ---------------------------------------------------------------------------------------------
// Discord

const client = new Client({ intents: [] });
afterAll(async () => {
  await client.destroy();
});

/** Runs a payload through discord.js's own INTERACTION_CREATE handler and returns the interaction it made. */
function interactionFrom(payload: APIInteraction): Interaction | undefined {
  let made: Interaction | undefined;
  const listener = (interaction: Interaction) => {
    made = interaction;
  };
  client.once(Events.InteractionCreate, listener);
  (
    client as unknown as { actions: { InteractionCreate: { handle(d: unknown): void } } }
  ).actions.InteractionCreate.handle(payload);
  client.off(Events.InteractionCreate, listener);
  return made;
}

const snowflake = fc.bigInt({ min: 100000000000000000n, max: 10000000000000000000n }).map(String);
const upload = fc.record({
  name: fileName,
  contentType: mime,
  data: fc.constant(Buffer.alloc(0)),
});
const optionValue: fc.Arbitrary<OptionValue> = fc.oneof(anyText, fc.integer(), fc.boolean(), upload);
const commandName = fc.oneof(
  fc.constantFrom('video', 'edit', 'upload', 'credits', 'status', 'export', 'new', 'cancel', 'help'),
  fc.string({ maxLength: 32 }),
);
const where = fc.record({
  user: fc.record({
    id: snowflake,
    username: fc.string({ maxLength: 32 }),
    globalName: fc.string({ maxLength: 32 }),
  }),
  guildId: fc.option(snowflake, { nil: null }),
  channelId: snowflake,
  threadParentId: fc.option(snowflake, { nil: undefined }),
  locale: fc.constantFrom('en-US', 'zh-CN', 'zh-TW', 'fr', 'xx'),
});
const spec: fc.Arbitrary<InteractionInput> = fc.oneof(
  fc
    .record({
      where,
      name: commandName,
      options: fc.dictionary(
        fc.constantFrom('prompt', 'text', 'file', 'file2', 'file3', 'other'),
        optionValue,
        { maxKeys: 4 },
      ),
    })
    .map(({ where, name, options }) => ({ type: 'command' as const, ...where, name, options })),
  fc
    .record({
      where,
      customId: fc.oneof(
        fc.constantFrom('a:export', 'a:status', 'a:new', 'a:bogus', 'a:constructor'),
        fc.string({ maxLength: 100 }),
      ),
    })
    .map(({ where, customId }) => ({ type: 'button' as const, ...where, customId })),
);

let attachmentSeq = 0;
function payloadOf(s: InteractionInput, id: string): APIInteraction {
  const user = apiUser({ id: s.user!.id!, username: s.user!.username!, globalName: s.user!.globalName });
  const guildId = s.guildId ?? null;
  const thread = Boolean(guildId && s.threadParentId);
  const channel = apiChannel({
    id: s.channelId!,
    guildId,
    ...(thread ? { parentId: s.threadParentId!, thread: true } : {}),
    recipient: user,
  });
  return apiInteraction({
    spec: s,
    id,
    token: 'interaction-token',
    applicationId: '100000000000000001',
    user,
    channel,
    guildId,
    roles: [],
    attachment: (upload): APIAttachment => ({
      id: String(1000000000000000000n + BigInt(++attachmentSeq)),
      filename: upload.name,
      size: upload.data.length,
      url: `http://127.0.0.1:9/attachments/${attachmentSeq}`,
      proxy_url: `http://127.0.0.1:9/attachments/${attachmentSeq}`,
      content_type: upload.contentType,
    }),
    fallbackMessage: () =>
      apiMessage({
        channelId: s.channelId!,
        author: apiUser({ id: '100000000000000001', username: 'bot' }, true),
        body: {},
        attachments: [],
      }),
  });
}

describe('the Discord normalizer on generated interactions', () => {
  it('gives a well-formed message, nothing for a foreign button, or discord.js’s typed error', () => {
    let typedErrors = 0;
    const runs = check(
      fc.property(spec, snowflake, (s, id) => {
        const interaction = interactionFrom(payloadOf(s, id));
        expect(interaction).toBeDefined();
        let m: IncomingMessage | undefined;
        try {
          if (interaction!.isButton()) m = normalizeButton(interaction, 0);
          else if (interaction!.isChatInputCommand()) m = normalizeCommand(interaction, 0);
          else throw new Error('an unexpected kind of interaction');
        } catch (error) {
          // The options a command requires, missing or of another type: discord.js's own typed error.
          const code = (error as { code?: string }).code;
          expect([
            DiscordjsErrorCodes.CommandInteractionOptionNotFound,
            DiscordjsErrorCodes.CommandInteractionOptionType,
            DiscordjsErrorCodes.CommandInteractionOptionEmpty,
          ]).toContain(code);
          typedErrors++;
          return;
        }
        if (m === undefined) {
          expect(s.type).toBe('button');
          return;
        }
        expectWellFormed(m, 'discord');
        expect(m.isGroup).toBe(s.guildId !== null);
        // A thread discord.js has cached is a conversation inside its parent; an uncached one stands alone.
        expect([s.channelId, s.threadParentId]).toContain(m.chat.chatId);
      }),
      2000,
    );
    expect(typedErrors).toBeGreaterThan(0);
    recordProperty('Discord normalizer: generated interactions', runs);
  });
});
