import type { ButtonAction } from './messages.js';

/**
 * The short key a platform carries back when a button is pressed (Telegram callback_data, Discord
 * custom_id): `a:<action>`. Never JSON, far below Telegram's 64 bytes, and the prefix keeps other
 * components from being mistaken for the bot's.
 */
const PREFIX = 'a:';

// Keyed by every ButtonAction, so adding an action to the core without listing it here fails to compile.
const KNOWN_ACTIONS = {
  export: true,
  status: true,
  cancel: true,
  new: true,
  credits: true,
  help: true,
  download: true,
} satisfies Record<ButtonAction, true>;

export function buttonKeyFor(action: ButtonAction): string {
  return `${PREFIX}${action}`;
}

/** The action behind a pressed button, or undefined for a key this bot did not make (old or forged). */
export function actionFromButtonKey(key: string | undefined): ButtonAction | undefined {
  if (!key?.startsWith(PREFIX)) return undefined;
  const action = key.slice(PREFIX.length);
  return Object.hasOwn(KNOWN_ACTIONS, action) ? (action as ButtonAction) : undefined;
}
