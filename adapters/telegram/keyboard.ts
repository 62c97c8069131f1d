import { InlineKeyboard } from 'grammy';
import { buttonKeyFor } from '../../src/button-keys.js';
import type { Button } from '../../src/messages.js';

/** The core's rows of buttons as an inline keyboard; a button with a URL opens the link instead. */
export function toInlineKeyboard(rows: Button[][]): InlineKeyboard {
  return InlineKeyboard.from(
    rows.map((row) =>
      row.map((button) =>
        button.url
          ? InlineKeyboard.url(button.label, button.url)
          : InlineKeyboard.text(button.label, buttonKeyFor(button.action)),
      ),
    ),
  );
}
