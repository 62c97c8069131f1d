import { type Api, GrammyError } from 'grammy';
import type { MessageEntity } from 'grammy/types';
import type {
  ChatAction,
  ChatPort,
  ChatRef,
  OutgoingVideo,
  SendOptions,
  SentMessage,
} from '../../src/messages.js';
import { splitText } from '../../src/split-text.js';
import { destination, replyTo } from './address.js';
import { EditThrottle } from './edit-throttle.js';
import { telegramLimits } from './files.js';
import { toInlineKeyboard } from './keyboard.js';
import { mentionPrefix } from './mention.js';
import { sendVideoOrLink } from './send-video.js';

export interface TelegramPortOptions {
  api: Api;
  /** The server is a `telegram-bot-api --local` one (2000 MB limits), as the operator said; default false. */
  localServer?: boolean;
  /** Least time between two edits of one message (default 3000 ms). */
  editThrottleMs?: number;
}

function isNotModified(error: unknown): boolean {
  return error instanceof GrammyError && error.description.includes('message is not modified');
}

/** The ChatPort over grammY's Bot API client. All text goes out plain, with entities, never parse_mode. */
export function createTelegramPort(options: TelegramPortOptions): ChatPort {
  const { api } = options;
  const limits = telegramLimits(options.localServer ?? false);

  const edits = new EditThrottle<{
    chat: ChatRef;
    messageId: number;
    text: string;
    buttons?: SendOptions['buttons'];
  }>(options.editThrottleMs ?? 3000, async (_key, edit) => {
    try {
      await api.editMessageText(Number(edit.chat.chatId), edit.messageId, edit.text, {
        ...(edit.buttons ? { reply_markup: toInlineKeyboard(edit.buttons) } : {}),
      });
    } catch (error) {
      // Coalesced edits can land on text the message already shows; that is success.
      if (!isNotModified(error)) throw error;
    }
  });

  async function sendText(chat: ChatRef, text: string, send: SendOptions = {}): Promise<SentMessage> {
    const { chatId, thread } = destination(chat);
    const mention = send.mention ? mentionPrefix(send.mention) : undefined;
    const full = mention ? `${mention.text} ${text}` : text;
    const pieces = splitText(full, limits.maxTextLength);
    let last: SentMessage | undefined;
    for (const [index, piece] of pieces.entries()) {
      const first = index === 0;
      const entities: MessageEntity[] = first && mention ? [mention.entity] : [];
      const sent = await api.sendMessage(chatId, piece, {
        ...thread,
        ...(entities.length ? { entities } : {}),
        ...(first ? replyTo(send.replyTo) : {}),
        ...(index === pieces.length - 1 && send.buttons
          ? { reply_markup: toInlineKeyboard(send.buttons) }
          : {}),
      });
      last = { id: String(sent.message_id) };
    }
    // splitText always returns at least one piece.
    return last as SentMessage;
  }

  const port: ChatPort = {
    platform: 'telegram',
    limits,
    sendText,
    editText(chat, messageId, text, editOptions) {
      const fitted =
        text.length > limits.maxTextLength ? `${text.slice(0, limits.maxTextLength - 1)}…` : text;
      return edits.submit(`${chat.chatId}:${messageId}`, {
        chat,
        messageId: Number(messageId),
        text: fitted,
        buttons: editOptions?.buttons,
      });
    },
    async showAction(chat: ChatRef, action: ChatAction) {
      const { chatId, thread } = destination(chat);
      await api.sendChatAction(chatId, action, thread);
    },
    async deleteMessage(chat: ChatRef, messageId: string) {
      try {
        return await api.deleteMessage(Number(chat.chatId), Number(messageId));
      } catch (error) {
        // Too old, or the bot is no admin in the group: the user is told to delete it themselves.
        if (error instanceof GrammyError && error.error_code === 400) return false;
        throw error;
      }
    },
    sendVideo(chat: ChatRef, video: OutgoingVideo, send?: SendOptions) {
      return sendVideoOrLink({
        api,
        chat,
        video,
        options: send ?? {},
        maxUploadBytes: limits.maxUploadBytes,
        sendText,
      });
    },
  };
  return port;
}
