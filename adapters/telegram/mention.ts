import type { MessageEntity } from 'grammy/types';
import type { Sender } from '../../src/messages.js';

/**
 * Text that mentions (and notifies) one user, with its entity at offset 0. A user with a username gets
 * `@username`; one without gets a `text_mention` of their name, which links to their numeric id.
 * Entities instead of parse_mode: nothing in user or backend text can be taken for markup.
 */
export function mentionPrefix(sender: Sender): { text: string; entity: MessageEntity } | undefined {
  if (sender.username) {
    const text = `@${sender.username}`;
    return { text, entity: { type: 'mention', offset: 0, length: text.length } };
  }
  const id = Number(sender.id);
  // Anonymous admins and channels speak as a chat (negative id): there is no user to mention.
  if (!Number.isSafeInteger(id) || id <= 0) return undefined;
  const text = sender.displayName.trim() || 'you';
  return {
    text,
    entity: {
      type: 'text_mention',
      offset: 0,
      length: text.length,
      user: { id, is_bot: false, first_name: text },
    },
  };
}
