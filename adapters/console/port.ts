/**
 * The terminal as a chat: every message is a readable line on the output stream, so piped output reads
 * as a transcript. Edits print the new text again (a terminal is not a chat window), buttons become hints
 * with the command to type, and finished videos are downloaded into a folder.
 */
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type Dispatcher, request } from 'undici';
import { safeFileName } from '../../src/file-names.js';
import type { Logger } from '../../src/logger.js';
import type {
  Button,
  ButtonAction,
  ChatAction,
  ChatPort,
  ChatRef,
  OutgoingVideo,
  SendOptions,
  SentMessage,
} from '../../src/messages.js';

export interface ConsolePortOptions {
  output: Writable;
  /** Where finished videos are saved. */
  downloadDir?: string;
  dispatcher?: Dispatcher;
  log?: Logger;
}

/** What to type instead of pressing a button. */
const COMMAND_FOR: Readonly<Record<ButtonAction, string>> = {
  export: '/export',
  download: '/export',
  status: '/status',
  cancel: '/cancel',
  new: '/new',
  credits: '/credits',
  help: '/help',
};

const GB = 1024 * 1024 * 1024;
const INDENT = '     ';

export class ConsolePort implements ChatPort {
  readonly platform = 'console' as const;
  /** Files are local and videos are saved to disk: only the backend's own limits apply. */
  readonly limits = { maxUploadBytes: 2 * GB, maxDownloadBytes: 2 * GB, maxTextLength: 1_000_000 };
  private readonly downloadDir: string;
  private nextId = 1;

  constructor(private readonly options: ConsolePortOptions) {
    this.downloadDir = options.downloadDir ?? 'downloads';
  }

  async sendText(_chat: ChatRef, text: string, options?: SendOptions): Promise<SentMessage> {
    this.print('bot> ', text, options?.buttons);
    return { id: String(this.nextId++) };
  }

  async editText(
    _chat: ChatRef,
    _messageId: string,
    text: string,
    options?: Pick<SendOptions, 'buttons'>,
  ): Promise<void> {
    this.print('bot (update)> ', text, options?.buttons);
  }

  async showAction(_chat: ChatRef, _action: ChatAction): Promise<void> {
    // A terminal has no "typing…" indicator; progress messages already say what is happening.
  }

  async sendVideo(_chat: ChatRef, video: OutgoingVideo, options?: SendOptions): Promise<SentMessage> {
    const lines = [video.caption ?? '🎬 Video ready.'];
    try {
      const path = await this.download(video);
      lines.push(`saved to ${relative(process.cwd(), path) || path}`);
    } catch (error) {
      this.options.log?.warn({ err: error }, 'could not save the video; showing its link only');
      lines.push('could not save the file; download it from the link below');
    }
    lines.push(video.url);
    this.print('bot> ', lines.join('\n'), options?.buttons);
    return { id: String(this.nextId++) };
  }

  private async download(video: OutgoingVideo): Promise<string> {
    await mkdir(this.downloadDir, { recursive: true });
    // The name holds a backend id: never a path out of the folder, a control character or an over-long name.
    const path = join(this.downloadDir, safeFileName(video.fileName, 'video.mp4'));
    const response = await request(
      video.url,
      this.options.dispatcher ? { dispatcher: this.options.dispatcher } : {},
    );
    if (response.statusCode !== 200) {
      await response.body.dump();
      throw new Error(`video download answered HTTP ${response.statusCode}`);
    }
    await pipeline(response.body, createWriteStream(path));
    return path;
  }

  private print(prefix: string, text: string, buttons?: Button[][]): void {
    // Continuation lines are indented under the prefix; blank lines stay blank (no trailing spaces).
    const body = text
      .split('\n')
      .map((line, i) => (i === 0 || line === '' ? line : INDENT + line))
      .join('\n');
    const hint = buttons?.length ? `\n${INDENT}${formatButtons(buttons)}` : '';
    this.options.output.write(`${prefix}${body}${hint}\n`);
  }
}

/** `[Export] [Status]  (type /export or /status)`; link buttons show their URL. */
export function formatButtons(rows: Button[][]): string {
  const buttons = rows.flat();
  const labels = buttons.map((b) => (b.url ? `[${b.label}: ${b.url}]` : `[${b.label}]`)).join(' ');
  const commands = [...new Set(buttons.filter((b) => !b.url).map((b) => COMMAND_FOR[b.action]))];
  return commands.length ? `${labels}  (type ${commands.join(' or ')})` : labels;
}
