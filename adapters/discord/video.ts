import type { Readable } from 'node:stream';
import {
  ActionRowBuilder,
  AttachmentBuilder,
  type BaseMessageOptions,
  ButtonBuilder,
  ButtonStyle,
  EmbedBuilder,
} from 'discord.js';
import type { Logger } from 'pino';
import type { OutgoingVideo } from '../../src/messages.js';
import { discard, download } from './download.js';
import { describeError } from './errors.js';
import { text } from './texts.js';

/** Reads a stream into memory, giving up (and closing it) once it passes `limit` bytes. */
async function readCapped(body: Readable, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      discard(body);
      return undefined;
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * The video's bytes when they fit the upload limit, else undefined. They are held as a Buffer on
 * purpose: discord.js buffers any stream it is given anyway (its `resolveFile`), and a Buffer can be
 * sent a second time when the interaction token has expired and the port falls back to the channel.
 */
async function fetchIfFits(video: OutgoingVideo, limit: number, log: Logger): Promise<Buffer | undefined> {
  if (video.size !== undefined && video.size > limit) return undefined;
  try {
    const { body, length } = await download(video.url);
    if (length !== undefined && length > limit) {
      discard(body);
      return undefined;
    }
    return await readCapped(body, limit);
  } catch (error) {
    // The link may still work for the user (a browser follows redirects and signed URLs we might not).
    log.warn({ err: describeError(error) }, 'discord: video download failed, sending a link instead');
    return undefined;
  }
}

function linkMessage(video: OutgoingVideo, locale: string | undefined): BaseMessageOptions {
  const embed = new EmbedBuilder().setTitle(video.fileName).setURL(video.url);
  const facts = [
    video.durationSec !== undefined ? `${Math.round(video.durationSec)} s` : undefined,
    video.width && video.height ? `${video.width}×${video.height}` : undefined,
    video.size !== undefined ? `${(video.size / 1024 / 1024).toFixed(1)} MB` : undefined,
  ].filter(Boolean);
  if (facts.length) embed.setFooter({ text: facts.join(' · ') });
  const button = new ButtonBuilder()
    .setStyle(ButtonStyle.Link)
    .setLabel(text('downloadVideo', locale))
    .setURL(video.url);
  return { embeds: [embed], components: [new ActionRowBuilder<ButtonBuilder>().addComponents(button)] };
}

/** The video as an attachment when it fits `limit` bytes, otherwise an embed with a download link. */
export async function videoMessage(
  video: OutgoingVideo,
  limit: number,
  locale: string | undefined,
  log: Logger,
): Promise<BaseMessageOptions> {
  const bytes = await fetchIfFits(video, limit, log);
  if (bytes) return { files: [new AttachmentBuilder(bytes, { name: video.fileName })] };
  return linkMessage(video, locale);
}
