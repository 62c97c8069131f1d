/**
 * The message bodies both Discord ports send (the interaction's webhook and the channel fallback): text
 * split to Discord's length with the requester's mention on the first piece, and videos as a file or a
 * link. Every body pings at most the requester, whatever the text says (`@everyone`, roles).
 */
import { type BaseMessageOptions, type MessageMentionOptions, userMention } from 'discord.js';
import type { Button, OutgoingVideo, Sender, SendOptions } from '../../src/messages.js';
import { splitText } from '../../src/split-text.js';
import { rowsOf } from './buttons.js';

export const MAX_TEXT_LENGTH = 2000;
/** Discord allows five rows of components on a message. */
const MAX_ROWS = 5;

export function mentionsFor(requester: Sender | undefined): MessageMentionOptions {
  return { parse: [], users: requester ? [requester.id] : [], repliedUser: false };
}

export function clampText(text: string): string {
  return text.length > MAX_TEXT_LENGTH ? `${text.slice(0, MAX_TEXT_LENGTH - 1)}…` : text;
}

/** One body per piece of text; the mention goes on the first piece, the buttons on the last. */
export function textPayloads(text: string, options: SendOptions = {}): BaseMessageOptions[] {
  const prefix = options.mention ? `${userMention(options.mention.id)} ` : '';
  const pieces = splitText(text, MAX_TEXT_LENGTH - prefix.length);
  return pieces.map((piece, index) => {
    const first = index === 0;
    const last = index === pieces.length - 1;
    return {
      content: first ? prefix + piece : piece,
      allowedMentions: mentionsFor(first ? options.mention : undefined),
      components: last && options.buttons ? rowsOf(options.buttons) : [],
    };
  });
}

/** An edit never pings (Discord does not notify on edits, and nothing new should be allowed to). */
export function editPayload(text: string, buttons?: Button[][]): BaseMessageOptions {
  return {
    content: clampText(text),
    allowedMentions: mentionsFor(undefined),
    ...(buttons ? { components: rowsOf(buttons) } : {}),
  };
}

/**
 * The video message: `body` is the file or link message from videoMessage(); the core's buttons follow
 * its own, less a download button to the same URL the link message already has.
 */
export function videoPayload(
  body: BaseMessageOptions,
  video: OutgoingVideo,
  options: SendOptions = {},
): BaseMessageOptions {
  const own = body.components ?? [];
  const buttons = (options.buttons ?? []).map((row) =>
    own.length > 0 ? row.filter((button) => button.url !== video.url) : row,
  );
  const content = [options.mention ? userMention(options.mention.id) : '', video.caption ?? '']
    .filter(Boolean)
    .join(' ');
  return {
    ...body,
    content: clampText(content),
    allowedMentions: mentionsFor(options.mention),
    components: [...own, ...rowsOf(buttons, MAX_ROWS - own.length)],
  };
}
