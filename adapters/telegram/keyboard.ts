import { InlineKeyboard } from 'grammy';
import type { Button, ButtonAction } from '../../src/messages.js';

// A Record so that adding a ButtonAction to the core without listing it here fails to compile.
const KNOWN_ACTIONS: Record<ButtonAction, true> = {
  export: true,
  status: true,
  cancel: true,
  new: true,
  credits: true,
  help: true,
  download: true,
};
const PREFIX = 'a:';

/** callback_data for an action: a short key, far below Telegram's 64-byte limit, never JSON. */
export function callbackDataFor(action: ButtonAction): string {
  return `${PREFIX}${action}`;
}

/** The action behind a pressed button, or undefined for data this bot did not make (old or forged). */
export function actionFromCallbackData(data: string | undefined): ButtonAction | undefined {
  if (!data?.startsWith(PREFIX)) return undefined;
  const action = data.slice(PREFIX.length);
  return Object.hasOwn(KNOWN_ACTIONS, action) ? (action as ButtonAction) : undefined;
}

/** The core's rows of buttons as an inline keyboard; a button with a URL opens the link instead. */
export function toInlineKeyboard(rows: Button[][]): InlineKeyboard {
  return InlineKeyboard.from(
    rows.map((row) =>
      row.map((button) =>
        button.url
          ? InlineKeyboard.url(button.label, button.url)
          : InlineKeyboard.text(button.label, callbackDataFor(button.action)),
      ),
    ),
  );
}
