import { ActionRowBuilder, ButtonBuilder, ButtonStyle } from 'discord.js';
import { buttonKeyFor } from '../../src/button-keys.js';
import type { Button } from '../../src/messages.js';

/** Discord's limits: 5 rows of 5 buttons, labels of 80 characters. */
const MAX_ROWS = 5;
const MAX_PER_ROW = 5;
const MAX_LABEL = 80;

export function buttonOf(button: Button): ButtonBuilder {
  const builder = new ButtonBuilder().setLabel(button.label.slice(0, MAX_LABEL));
  return button.url
    ? builder.setStyle(ButtonStyle.Link).setURL(button.url)
    : builder.setStyle(ButtonStyle.Secondary).setCustomId(buttonKeyFor(button.action));
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
