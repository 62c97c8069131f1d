import type { Message } from 'grammy/types';
import type { ChatRef } from '../../src/messages.js';

/**
 * A forum's General topic. Its messages are the chat's own: Telegram refuses `message_thread_id: 1` with
 * "message thread not found", so the General topic is answered without a thread id.
 */
const GENERAL_TOPIC_ID = 1;

/**
 * The forum topic a message belongs to, if any. message_thread_id is also set on replies in non-forum groups;
 * only a topic (other than General) makes it a conversation of its own.
 */
export function topicOf(
  message: Pick<Message, 'message_thread_id' | 'is_topic_message'>,
): string | undefined {
  const id = message.message_thread_id;
  return message.is_topic_message && id !== undefined && id !== GENERAL_TOPIC_ID ? String(id) : undefined;
}

/** Where a message goes: the chat, and the forum topic when there is one (never the General topic's id). */
export function destination(chat: ChatRef): { chatId: number; thread: { message_thread_id?: number } } {
  const threadId = Number(chat.threadId);
  return {
    chatId: Number(chat.chatId),
    thread: chat.threadId && threadId !== GENERAL_TOPIC_ID ? { message_thread_id: threadId } : {},
  };
}

/** reply_parameters that still send when the original message was deleted meanwhile. */
export function replyTo(messageId: string | undefined) {
  const id = Number(messageId);
  return messageId !== undefined && Number.isSafeInteger(id) && id > 0
    ? { reply_parameters: { message_id: id, allow_sending_without_reply: true } }
    : {};
}
