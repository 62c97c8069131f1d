import type { Message } from 'grammy/types';

/** Messages of every chat, numbered per chat as Telegram does (user and bot messages share one sequence). */
export class ChatLog {
  private counters = new Map<number, number>();
  private messages = new Map<string, Message>();

  nextMessageId(chatId: number): number {
    const id = (this.counters.get(chatId) ?? 0) + 1;
    this.counters.set(chatId, id);
    return id;
  }

  save(message: Message): Message {
    this.messages.set(`${message.chat.id}:${message.message_id}`, message);
    return message;
  }

  find(chatId: number, messageId: number): Message | undefined {
    return this.messages.get(`${chatId}:${messageId}`);
  }

  /** Removes a message (deleteMessage); false when there was none. */
  delete(chatId: number, messageId: number): boolean {
    return this.messages.delete(`${chatId}:${messageId}`);
  }
}
