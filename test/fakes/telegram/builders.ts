import type { CallbackQuery, Chat, Message, MessageEntity, Update, User } from 'grammy/types';
import type { ChatLog } from './chat-log.js';

export type ChatType = 'private' | 'group' | 'supergroup';
export type FileKind = 'video' | 'video_note' | 'animation' | 'document' | 'photo' | 'audio' | 'voice';

/** A file the test registered with the fake; `fileMessage` refers to it by this. */
export interface RegisteredFile {
  file_id: string;
  file_unique_id: string;
  file_size: number;
  /** Where the fake reads the bytes from. */
  localPath: string;
}

export const defaultUser: User = {
  id: 1001,
  is_bot: false,
  first_name: 'Ada',
  last_name: 'Lovelace',
  username: 'ada',
  language_code: 'en',
};

interface Common {
  chatId: number;
  from?: User;
  chatType?: ChatType;
  /** Forum topic: sets `message_thread_id` and `is_topic_message` (and makes the chat a forum). */
  threadId?: number;
  /** The chat is a forum; without `threadId` the message is in its General topic. */
  forum?: boolean;
  /** A message id in the same chat (looked up in the log) or a message object. */
  replyTo?: number | Message;
}

export interface TextMessageInput extends Common {
  text: string;
}

export interface FileMessageInput extends Common {
  kind: FileKind;
  file: RegisteredFile;
  caption?: string;
  fileName?: string;
  mimeType?: string;
  mediaGroupId?: string;
}

/** Entities the real server detects in plain text: a leading bot command and @username mentions. */
export function detectEntities(text: string): MessageEntity[] {
  const entities: MessageEntity[] = [];
  const command = /^\/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]{3,32})?/.exec(text);
  if (command) entities.push({ type: 'bot_command', offset: 0, length: command[0].length });
  for (const match of text.matchAll(/(?<![\w@/])@[A-Za-z0-9_]{4,32}/g)) {
    entities.push({ type: 'mention', offset: match.index, length: match[0].length });
  }
  return entities;
}

function chatOf(input: Common): Chat {
  const type = input.chatType ?? (input.chatId > 0 ? 'private' : 'supergroup');
  if (type === 'private') {
    const from = input.from ?? defaultUser;
    return { id: input.chatId, type, first_name: from.first_name, username: from.username } as Chat;
  }
  return {
    id: input.chatId,
    type,
    title: 'Test group',
    ...(input.threadId || input.forum ? { is_forum: true } : {}),
  } as Chat;
}

function baseMessage(log: ChatLog, input: Common): Message {
  const chat = chatOf(input);
  const message = {
    message_id: log.nextMessageId(input.chatId),
    date: Math.floor(Date.now() / 1000),
    chat,
    from: input.from ?? defaultUser,
  } as Message;
  if (input.threadId) Object.assign(message, { message_thread_id: input.threadId, is_topic_message: true });
  if (input.replyTo !== undefined) {
    const replied = typeof input.replyTo === 'number' ? log.find(input.chatId, input.replyTo) : input.replyTo;
    if (!replied)
      throw new Error(`fake telegram: no message ${String(input.replyTo)} in chat ${input.chatId}`);
    Object.assign(message, { reply_to_message: replied });
  }
  return message;
}

export function buildTextMessage(log: ChatLog, input: TextMessageInput): Omit<Update, 'update_id'> {
  const message = baseMessage(log, input);
  const entities = detectEntities(input.text);
  Object.assign(message, { text: input.text, ...(entities.length ? { entities } : {}) });
  return { message: log.save(message) } as Omit<Update, 'update_id'>;
}

const defaultMime: Record<FileKind, string | undefined> = {
  video: 'video/mp4',
  video_note: undefined,
  animation: 'video/mp4',
  document: 'application/octet-stream',
  photo: undefined,
  audio: 'audio/mpeg',
  voice: 'audio/ogg',
};

export function buildFileMessage(log: ChatLog, input: FileMessageInput): Omit<Update, 'update_id'> {
  const message = baseMessage(log, input);
  const { file } = input;
  const ref = { file_id: file.file_id, file_unique_id: file.file_unique_id, file_size: file.file_size };
  const mime_type = input.mimeType ?? defaultMime[input.kind];
  const named = {
    ...ref,
    ...(input.fileName ? { file_name: input.fileName } : {}),
    ...(mime_type ? { mime_type } : {}),
  };
  switch (input.kind) {
    case 'photo':
      // Telegram sends several sizes, smallest first; only the largest is the original.
      Object.assign(message, {
        photo: [
          {
            file_id: `${file.file_id}_thumb`,
            file_unique_id: `${file.file_unique_id}_t`,
            width: 90,
            height: 60,
            file_size: 1200,
          },
          { ...ref, width: 1280, height: 853 },
        ],
      });
      break;
    case 'video':
      Object.assign(message, { video: { ...named, width: 1920, height: 1080, duration: 2 } });
      break;
    case 'video_note':
      Object.assign(message, { video_note: { ...ref, length: 240, duration: 2 } });
      break;
    case 'animation':
      // The real server sends a GIF as both `animation` and `document`.
      Object.assign(message, {
        animation: { ...named, width: 320, height: 240, duration: 2 },
        document: named,
      });
      break;
    case 'document':
      Object.assign(message, { document: named });
      break;
    case 'audio':
      Object.assign(message, { audio: { ...named, duration: 2 } });
      break;
    case 'voice':
      Object.assign(message, { voice: { ...ref, ...(mime_type ? { mime_type } : {}), duration: 2 } });
      break;
  }
  if (input.caption !== undefined) {
    const caption_entities = detectEntities(input.caption);
    Object.assign(message, {
      caption: input.caption,
      ...(caption_entities.length ? { caption_entities } : {}),
    });
  }
  if (input.mediaGroupId) Object.assign(message, { media_group_id: input.mediaGroupId });
  return { message: log.save(message) } as Omit<Update, 'update_id'>;
}

export interface CallbackQueryInput {
  /** The message carrying the button (usually one the bot sent). */
  message: Message;
  data: string;
  from?: User;
}

let callbackCounter = 0;
export function buildCallbackQuery(input: CallbackQueryInput): Omit<Update, 'update_id'> {
  callbackCounter += 1;
  const query: CallbackQuery = {
    id: `${Date.now()}${callbackCounter}`,
    from: input.from ?? defaultUser,
    chat_instance: `ci${input.message.chat.id}`,
    message: input.message,
    data: input.data,
  } as CallbackQuery;
  return { callback_query: query };
}
