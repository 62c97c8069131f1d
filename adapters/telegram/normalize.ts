import type { CallbackQuery, Message, MessageEntity, Update, UserFromGetMe } from 'grammy/types';
import { actionFromButtonKey } from '../../src/button-keys.js';
import type { Attachment, AttachmentKind, ChatRef, IncomingMessage, Sender } from '../../src/messages.js';
import { topicOf } from './address.js';
import type { OpenTelegramFile } from './files.js';

export interface NormalizeDeps {
  /** The bot itself (from getMe): its id and username decide what is addressed to it. */
  me: UserFromGetMe;
  openFile: OpenTelegramFile;
  now?: () => number;
  /** Whether a user administers a group (getChatAdministrators, cached); without it nobody does. */
  isChatAdmin?: (chatId: number, userId: number) => Promise<boolean>;
}

/** Asked only when a rule needs it. A group's anonymous admin posts as the group itself. */
function groupAdminCheck(
  chat: { id: number; type: string },
  sender: Pick<Message, 'from' | 'sender_chat'>,
  deps: NormalizeDeps,
): Pick<IncomingMessage, 'senderIsGroupAdmin'> {
  if (chat.type === 'private') return {};
  return {
    senderIsGroupAdmin: async () => {
      if (sender.sender_chat?.id === chat.id) return true;
      if (!sender.from || !deps.isChatAdmin) return false;
      return deps.isChatAdmin(chat.id, sender.from.id);
    },
  };
}

/** One message of an update, remembered with the update it came in (an album is several of these). */
export interface MessagePart {
  updateId: number;
  message: Message;
}

const EXTENSION_BY_MIME: Record<string, string> = {
  'video/mp4': 'mp4',
  'video/quicktime': 'mov',
  'video/webm': 'webm',
  'video/x-matroska': 'mkv',
  'video/x-msvideo': 'avi',
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'audio/mpeg': 'mp3',
  'audio/ogg': 'ogg',
  'audio/wav': 'wav',
  'audio/x-wav': 'wav',
  'audio/mp4': 'm4a',
  'audio/x-m4a': 'm4a',
  'audio/aac': 'aac',
  'application/pdf': 'pdf',
};
// Telegram omits mime_type for these; their format is fixed by the platform.
const IMPLIED_MIME: Partial<Record<AttachmentKind, string>> = {
  photo: 'image/jpeg',
  video_note: 'video/mp4',
  voice: 'audio/ogg',
};
const FALLBACK_EXTENSION: Record<AttachmentKind, string> = {
  photo: 'jpg',
  video: 'mp4',
  video_note: 'mp4',
  animation: 'mp4',
  voice: 'ogg',
  audio: 'mp3',
  document: 'bin',
};

interface TelegramFileRef {
  file_id: string;
  file_size?: number;
  file_name?: string;
  mime_type?: string;
}

function attachment(kind: AttachmentKind, file: TelegramFileRef, openFile: OpenTelegramFile): Attachment {
  const mimeType = file.mime_type ?? IMPLIED_MIME[kind];
  const extension = (mimeType && EXTENSION_BY_MIME[mimeType]) ?? FALLBACK_EXTENSION[kind];
  return {
    kind,
    name: file.file_name ?? `${kind}.${extension}`,
    mimeType,
    size: file.file_size,
    open: (signal) => openFile(file.file_id, signal),
  };
}

/** The files of one message. A GIF comes as both `animation` and `document`: it counts once. */
export function attachmentsOf(message: Message, openFile: OpenTelegramFile): Attachment[] {
  const found: Attachment[] = [];
  if (message.photo?.length) {
    const largest = message.photo.reduce((a, b) => (b.width * b.height > a.width * a.height ? b : a));
    found.push(attachment('photo', largest, openFile));
  }
  if (message.video) found.push(attachment('video', message.video, openFile));
  if (message.video_note) found.push(attachment('video_note', message.video_note, openFile));
  if (message.animation) found.push(attachment('animation', message.animation, openFile));
  else if (message.document) found.push(attachment('document', message.document, openFile));
  if (message.audio) found.push(attachment('audio', message.audio, openFile));
  if (message.voice) found.push(attachment('voice', message.voice, openFile));
  return found;
}

interface ReadText {
  text: string;
  command?: { name: string; args: string };
  mentioned: boolean;
}

/** Removes `[start, end)` and the separator after it when the mention began the text or a word. */
function cut(text: string, start: number, end: number): string {
  const before = text.slice(0, start);
  let after = text.slice(end);
  if (before === '' || /\s$/.test(before)) after = after.replace(/^[,:]?[ \t]*/, '');
  return before + after;
}

/** Finds a command and mentions of this bot in the entities, and strips the bot's own name from the text. */
export function readText(raw: string, entities: MessageEntity[] | undefined, me: UserFromGetMe): ReadText {
  const username = me.username.toLowerCase();
  const cuts: [number, number][] = [];
  let mentioned = false;
  let commandName: string | undefined;
  let commandLength = 0;
  for (const entity of entities ?? []) {
    const end = entity.offset + entity.length;
    const slice = raw.slice(entity.offset, end);
    if (entity.type === 'bot_command' && entity.offset === 0) {
      const [name = '', target] = slice.slice(1).split('@');
      if (target !== undefined && target.toLowerCase() !== username) continue; // another bot's command
      commandName = name;
      commandLength = 1 + name.length;
      if (target !== undefined) cuts.push([commandLength, end]);
    } else if (entity.type === 'mention' && slice.toLowerCase() === `@${username}`) {
      mentioned = true;
      cuts.push([entity.offset, end]);
    } else if (entity.type === 'text_mention' && entity.user.id === me.id) {
      mentioned = true;
      cuts.push([entity.offset, end]);
    }
  }
  // Cut from the end so earlier offsets stay valid.
  let text = raw;
  for (const [start, end] of cuts.sort((a, b) => b[0] - a[0])) text = cut(text, start, end);
  text = text.trim();
  const command =
    commandName === undefined
      ? undefined
      : { name: commandName.toLowerCase(), args: text.slice(commandLength).trim() };
  return { text, command, mentioned };
}

function senderOf(message: Pick<Message, 'from' | 'sender_chat'>): Sender {
  const { from } = message;
  if (from) {
    const displayName = [from.first_name, from.last_name].filter(Boolean).join(' ');
    return { id: String(from.id), displayName, username: from.username };
  }
  // Anonymous group admins and channels post as a chat.
  const chat = message.sender_chat;
  return { id: String(chat?.id ?? 0), displayName: (chat && 'title' in chat && chat.title) || 'Anonymous' };
}

function chatRefOf(message: Pick<Message, 'chat' | 'message_thread_id' | 'is_topic_message'>): ChatRef {
  const threadId = topicOf(message);
  return { platform: 'telegram', chatId: String(message.chat.id), ...(threadId ? { threadId } : {}) };
}

function isReplyToBot(message: Message, me: UserFromGetMe): boolean {
  const replied = message.reply_to_message;
  // In a forum topic every message "replies" to the topic's creation message; that is not a reply to us.
  return replied !== undefined && replied.forum_topic_created === undefined && replied.from?.id === me.id;
}

/** One message (text, caption and files) as the core sees it. */
export function normalizeMessage(part: MessagePart, deps: NormalizeDeps): IncomingMessage {
  const { message } = part;
  const isGroup = message.chat.type !== 'private';
  const read = readText(
    message.text ?? message.caption ?? '',
    message.entities ?? message.caption_entities,
    deps.me,
  );
  return {
    id: String(message.message_id),
    updateId: `telegram:${part.updateId}`,
    chat: chatRefOf(message),
    sender: senderOf(message),
    text: read.text,
    ...(read.command ? { command: read.command } : {}),
    attachments: attachmentsOf(message, deps.openFile),
    isGroup,
    addressedToBot:
      !isGroup || read.command !== undefined || read.mentioned || isReplyToBot(message, deps.me),
    language: message.from?.language_code,
    receivedAt: (deps.now ?? Date.now)(),
    ...groupAdminCheck(message.chat, message, deps),
  };
}

/** An album (updates sharing media_group_id) as one message: every file, and the caption whichever part has. */
export function normalizeAlbum(parts: MessagePart[], deps: NormalizeDeps): IncomingMessage {
  const ordered = [...parts].sort((a, b) => a.message.message_id - b.message.message_id);
  const first = ordered[0];
  if (!first) throw new Error('normalizeAlbum needs at least one message');
  const captioned = ordered.find((p) => p.message.caption) ?? first;
  return {
    ...normalizeMessage(captioned, deps),
    id: String(first.message.message_id),
    updateId: `telegram:${first.updateId}`,
    attachments: ordered.flatMap((p) => attachmentsOf(p.message, deps.openFile)),
  };
}

/** A pressed inline button as an action in the chat of the message that carries it; unknown data → undefined. */
export function normalizeCallbackQuery(
  updateId: number,
  query: CallbackQuery,
  deps: NormalizeDeps,
): IncomingMessage | undefined {
  const action = actionFromButtonKey(query.data);
  const carrier = query.message;
  if (!action || !carrier) return undefined;
  const chat =
    carrier.date === 0
      ? { platform: 'telegram' as const, chatId: String(carrier.chat.id) } // too old to read: no topic known
      : chatRefOf(carrier as Message);
  return {
    // The id of the message with the button, so a reply lands next to it.
    id: String(carrier.message_id),
    updateId: `telegram:${updateId}`,
    chat,
    sender: senderOf({ from: query.from }),
    text: '',
    action,
    attachments: [],
    isGroup: carrier.chat.type !== 'private',
    addressedToBot: true,
    language: query.from.language_code,
    receivedAt: (deps.now ?? Date.now)(),
    ...groupAdminCheck(carrier.chat, { from: query.from }, deps),
  };
}

/** A message or button update as an IncomingMessage; other kinds of updates → undefined. */
export function normalizeUpdate(update: Update, deps: NormalizeDeps): IncomingMessage | undefined {
  if (update.message) return normalizeMessage({ updateId: update.update_id, message: update.message }, deps);
  if (update.callback_query) return normalizeCallbackQuery(update.update_id, update.callback_query, deps);
  return undefined;
}
