import type { ButtonAction, IncomingMessage } from '../messages.js';
import {
  type AccessCommand,
  type ActionKind,
  accessCommand,
  commandIntent,
  EDIT_COMMAND,
  matchKeywordIntent,
  TOKEN_SHAPE,
} from './intents.js';

/** What the bot should do with one message. */
export type Intent =
  | { kind: 'start' }
  | { kind: 'help' }
  | { kind: 'new' }
  | { kind: 'cancel' }
  | { kind: 'credits' }
  | { kind: 'state' }
  | { kind: 'export' }
  /** `then`: the caption, to send as an edit once the upload is done. */
  | { kind: 'upload'; then?: string }
  | { kind: 'edit'; text: string }
  /** /limits, /stats, /token <token>, /logout, /account: answered by the access gate. */
  | { kind: 'access'; command: AccessCommand; args: string }
  | { kind: 'ignore'; reason: 'not-addressed' | 'empty' };

const ACTION_INTENTS: Readonly<Record<ButtonAction, ActionKind>> = {
  export: 'export',
  // "Download" re-delivers the finished video; the export flow owns both.
  download: 'export',
  status: 'state',
  cancel: 'cancel',
  new: 'new',
  credits: 'credits',
  help: 'help',
};

/** `/export@MyBot 1080p` for adapters (the console) that pass commands as plain text. */
const COMMAND_TEXT = /^\/([\p{L}\p{N}_]+)(?:@\S+)?(?:\s+([\s\S]*))?$/u;

/**
 * Maps a message to an intent, in order: a pressed button; a group message not meant for the
 * bot; files (an upload, the caption to follow as an edit); a command; keywords; else an edit.
 */
export function route(message: IncomingMessage): Intent {
  if (message.action) return { kind: ACTION_INTENTS[message.action] };
  if (message.isGroup && !message.addressedToBot) return { kind: 'ignore', reason: 'not-addressed' };

  const text = message.text.trim();
  const command = message.command ?? parseCommand(text);
  // A pasted token (a caption, an edit, a typo of the command) never goes to the AI: it is handled as /token.
  const pasted = TOKEN_SHAPE.exec(text);
  if (pasted) return { kind: 'access', command: 'token', args: pasted[0] };

  if (message.attachments.length > 0) {
    const then = (command ? command.args : text).trim();
    return then ? { kind: 'upload', then } : { kind: 'upload' };
  }
  if (command) {
    const name = command.name.toLowerCase();
    const args = command.args.trim();
    const access = accessCommand(name);
    if (access) return { kind: 'access', command: access, args };
    if (name === EDIT_COMMAND) return args ? { kind: 'edit', text: args } : { kind: 'help' };
    // An unknown command gets the help, which lists the ones there are.
    return { kind: commandIntent(name) ?? 'help' };
  }
  if (!text) return { kind: 'ignore', reason: 'empty' };
  const action = matchKeywordIntent(text);
  return action ? { kind: action } : { kind: 'edit', text };
}

function parseCommand(text: string): { name: string; args: string } | undefined {
  const match = COMMAND_TEXT.exec(text);
  return match ? { name: match[1]!, args: match[2] ?? '' } : undefined;
}
