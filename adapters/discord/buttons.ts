import { ActionRowBuilder, ButtonBuilder, ButtonStyle } from 'discord.js';
import type { Button, ButtonAction } from '../../src/messages.js';

/** Custom ids of the bot's buttons are `a:<action>`, so other components can never be mistaken for ours. */
const ACTION_PREFIX = 'a:';
/** Discord's limits: 5 rows of 5 buttons, labels of 80 characters. */
const MAX_ROWS = 5;
const MAX_PER_ROW = 5;
const MAX_LABEL = 80;

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

/** The action a custom id names, or undefined when it is not one of the bot's buttons. */
export function actionOf(customId: string): ButtonAction | undefined {
  if (!customId.startsWith(ACTION_PREFIX)) return undefined;
  const action = customId.slice(ACTION_PREFIX.length);
  return Object.hasOwn(KNOWN_ACTIONS, action) ? (action as ButtonAction) : undefined;
}

export function buttonOf(button: Button): ButtonBuilder {
  const builder = new ButtonBuilder().setLabel(button.label.slice(0, MAX_LABEL));
  return button.url
    ? builder.setStyle(ButtonStyle.Link).setURL(button.url)
    : builder.setStyle(ButtonStyle.Secondary).setCustomId(`${ACTION_PREFIX}${button.action}`);
}

/** The core's button grid as Discord action rows, cut to what Discord accepts. */
export function rowsOf(buttons: Button[][], maxRows = MAX_ROWS): ActionRowBuilder<ButtonBuilder>[] {
  return buttons
    .filter((row) => row.length > 0)
    .slice(0, maxRows)
    .map((row) =>
      new ActionRowBuilder<ButtonBuilder>().addComponents(row.slice(0, MAX_PER_ROW).map(buttonOf)),
    );
}
