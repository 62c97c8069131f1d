/**
 * Who may use the bot and who may spend in a group, from the configuration alone. The platform facts it
 * needs (is the sender a group admin) come with the normalized message, so this imports no SDK.
 */
import type { AccessConfig, GroupSpenders } from '../config.js';
import type { IncomingMessage } from '../messages.js';

/** `telegram:123`: how ALLOWED_USERS, ADMIN_USERS and the budgets name a user. */
export function userIdentity(message: Pick<IncomingMessage, 'chat' | 'sender'>): string {
  return `${message.chat.platform}:${message.sender.id}`;
}

/** `telegram:-100123` or `discord:<guild id>`: how ALLOWED_CHATS names a chat. */
export function chatIdentity(message: Pick<IncomingMessage, 'chat' | 'communityId'>): string {
  return `${message.chat.platform}:${message.communityId ?? message.chat.chatId}`;
}

/** The access settings with nothing restricted: what a bot without ALLOWED_* / ADMIN_USERS / limits does. */
export const OPEN_ACCESS: AccessConfig = {
  admins: new Set(),
  groupSpenders: 'everyone',
  groupSpendersOn: {},
  discordSpenderRole: false,
  userDailyEdits: 0,
  chatDailyEdits: 0,
};

export class AccessPolicy {
  constructor(readonly config: AccessConfig) {}

  isAdmin(message: Pick<IncomingMessage, 'chat' | 'sender'>): boolean {
    return this.config.admins.has(userIdentity(message));
  }

  /** Admins always; else anyone when no list is set, or whoever either list names. */
  mayUse(message: IncomingMessage): boolean {
    // The console is the operator's own terminal.
    if (message.chat.platform === 'console' || this.isAdmin(message)) return true;
    const { allowedUsers, allowedChats } = this.config;
    if (!allowedUsers && !allowedChats) return true;
    return Boolean(allowedUsers?.has(userIdentity(message)) || allowedChats?.has(chatIdentity(message)));
  }

  groupSpendersOn(message: Pick<IncomingMessage, 'chat'>): GroupSpenders {
    const { platform } = message.chat;
    const own =
      platform === 'telegram' || platform === 'discord' ? this.config.groupSpendersOn[platform] : undefined;
    return own ?? this.config.groupSpenders;
  }

  /** In a private chat anyone allowed in may spend; in a group, per GROUP_SPENDERS. */
  async maySpendHere(message: IncomingMessage): Promise<boolean> {
    if (!message.isGroup || this.isAdmin(message)) return true;
    if (this.groupSpendersOn(message) === 'everyone') return true;
    return (await message.senderIsGroupAdmin?.()) ?? false;
  }

  /** Whether the refusal in a group should name the Discord spender role too. */
  spenderRoleNamed(message: Pick<IncomingMessage, 'chat'>): boolean {
    return message.chat.platform === 'discord' && this.config.discordSpenderRole;
  }
}
