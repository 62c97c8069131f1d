import { pipeline, type Readable, Transform } from 'node:stream';
import { type Api, InputFile } from 'grammy';
import type { MessageEntity } from 'grammy/types';
import { request } from 'undici';
import type { ChatRef, OutgoingVideo, SendOptions, SentMessage } from '../../src/messages.js';
import { destination, replyTo } from './address.js';
import { toInlineKeyboard } from './keyboard.js';
import { mentionPrefix } from './mention.js';

const MAX_CAPTION = 1024;

/** The finished video could not be fetched from its URL. */
export class VideoDownloadError extends Error {
  override name = 'VideoDownloadError';
}

interface SendVideoInput {
  api: Api;
  chat: ChatRef;
  video: OutgoingVideo;
  options: SendOptions;
  maxUploadBytes: number;
  sendText: (chat: ChatRef, text: string, options?: SendOptions) => Promise<SentMessage>;
}

/** Passes bytes through until more than `max` went by, then fails: a video with no Content-Length can still be too big. */
class ByteLimit extends Transform {
  exceeded = false;
  private seen = 0;
  constructor(private readonly max: number) {
    super();
  }
  override _transform(
    chunk: Buffer,
    _encoding: BufferEncoding,
    done: (error?: Error | null, data?: Buffer) => void,
  ): void {
    this.seen += chunk.length;
    if (this.seen > this.max) {
      this.exceeded = true;
      done(new Error('video is larger than the upload limit'));
    } else done(null, chunk);
  }
}

async function download(url: string): Promise<{ body: Readable; length?: number }> {
  const response = await request(url).catch((error: unknown) => {
    throw new VideoDownloadError(`video download failed: ${(error as Error).message}`);
  });
  if (response.statusCode !== 200) {
    await response.body.dump();
    throw new VideoDownloadError(`video download failed with HTTP ${response.statusCode}`);
  }
  const length = Number(response.headers['content-length']);
  return { body: response.body, length: Number.isFinite(length) ? length : undefined };
}

function formatSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

/** Too big to upload: a message with a button that opens the video's URL, and its size. */
function sendLink(input: SendVideoInput, size: number | undefined): Promise<SentMessage> {
  const { video } = input;
  const sizeNote = size === undefined ? '' : ` (${formatSize(size)})`;
  const lines = [
    video.caption,
    `Your video ${video.fileName}${sizeNote} is too large to send here. Download it with the button below.`,
  ];
  const offered = input.options.buttons ?? [];
  // The core may already offer a button to the same URL (export does): one download button is enough.
  const linked = offered.some((row) => row.some((button) => button.url === video.url));
  return input.sendText(input.chat, lines.filter(Boolean).join('\n\n'), {
    ...input.options,
    buttons: linked
      ? offered
      : [[{ label: 'Download video', action: 'download', url: video.url }], ...offered],
  });
}

/**
 * Sends the finished MP4 as a Telegram video, streamed from its URL into the upload (never held in memory).
 * Telegram could fetch the URL itself, but only up to 20 MB and only from public hosts; ours may be local.
 * Past the upload limit (known from the size, Content-Length, or counted on the way) it sends a link instead.
 */
export async function sendVideoOrLink(input: SendVideoInput): Promise<SentMessage> {
  const { api, chat, video, options, maxUploadBytes } = input;
  if (video.size !== undefined && video.size > maxUploadBytes) return sendLink(input, video.size);
  const first = await download(video.url);
  if (first.length !== undefined && first.length > maxUploadBytes) {
    first.body.destroy();
    return sendLink(input, first.length);
  }
  let unused: Readable | undefined = first.body;
  let limiter: ByteLimit | undefined;
  // A supplier, not a stream: when auto-retry repeats the upload after a 429, it downloads again
  // instead of reusing a drained stream.
  const file = new InputFile(async () => {
    const body = unused ?? (await download(video.url)).body;
    unused = undefined;
    limiter = new ByteLimit(maxUploadBytes);
    return pipeline(body, limiter, () => {});
  }, video.fileName);
  const { chatId, thread } = destination(chat);
  const mention = options.mention ? mentionPrefix(options.mention) : undefined;
  const caption = [mention?.text, video.caption].filter(Boolean).join(' ').slice(0, MAX_CAPTION);
  const captionEntities: MessageEntity[] = mention ? [mention.entity] : [];
  try {
    const sent = await api.sendVideo(chatId, file, {
      ...thread,
      ...replyTo(options.replyTo),
      supports_streaming: true,
      ...(caption ? { caption } : {}),
      ...(captionEntities.length ? { caption_entities: captionEntities } : {}),
      ...(video.durationSec !== undefined ? { duration: Math.round(video.durationSec) } : {}),
      ...(video.width !== undefined ? { width: video.width } : {}),
      ...(video.height !== undefined ? { height: video.height } : {}),
      ...(options.buttons ? { reply_markup: toInlineKeyboard(options.buttons) } : {}),
    });
    return { id: String(sent.message_id) };
  } catch (error) {
    if (limiter?.exceeded) return sendLink(input, undefined);
    throw error;
  } finally {
    unused?.destroy();
  }
}
