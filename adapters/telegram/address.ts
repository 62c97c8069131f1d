import type { ChatRef } from '../../src/messages.js';

/** Where a message goes: the chat, and the forum topic when there is one. */
export function destination(chat: ChatRef): { chatId: number; thread: { message_thread_id?: number } } {
  return {
    chatId: Number(chat.chatId),
    thread: chat.threadId ? { message_thread_id: Number(chat.threadId) } : {},
  };
}

/** reply_parameters that still send when the original message was deleted meanwhile. */
export function replyTo(messageId: string | undefined) {
  const id = Number(messageId);
  return messageId !== undefined && Number.isSafeInteger(id) && id > 0
    ? { reply_parameters: { message_id: id, allow_sending_without_reply: true } }
    : {};
}
