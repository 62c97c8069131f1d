import type { BotCommand } from 'grammy/types';

/** The menu Telegram shows next to the input field (setMyCommands). */
export const BOT_COMMANDS: BotCommand[] = [
  { command: 'start', description: 'Start and see what I can do' },
  { command: 'help', description: 'How to use this bot' },
  { command: 'credits', description: 'Show your remaining credits' },
  { command: 'status', description: 'Show the current timeline' },
  { command: 'export', description: 'Render and send the video' },
  { command: 'new', description: 'Start a new project' },
  { command: 'cancel', description: 'Cancel the running render' },
  { command: 'limits', description: 'Show your edits today and the daily limits' },
  { command: 'account', description: 'Move this work into a registered account' },
  { command: 'token', description: 'Use your own NemoVideo token (private chat only)' },
  { command: 'logout', description: 'Forget your own token' },
];
