/**
 * A line typed in the terminal → one IncomingMessage. A line that names an existing media file (as a path,
 * quoted or with escaped spaces, as terminals paste a dragged file) sends that file; text after the path is
 * its caption. `/commands` pass through as commands.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, extname, resolve } from 'node:path';
import type { Attachment, AttachmentKind, IncomingMessage, Sender } from '../../src/messages.js';

export interface ConsoleIdentity {
  /** One conversation per terminal unless told otherwise. */
  chatId: string;
  sender: Sender;
  /** Language of the person typing (`en`, `zh-CN`); unset → guessed from the text. */
  language?: string;
  /** Where relative paths start. */
  cwd: string;
}

const KIND_BY_EXTENSION: Readonly<Record<string, AttachmentKind>> = {
  mp4: 'video',
  mov: 'video',
  avi: 'video',
  webm: 'video',
  mkv: 'video',
  m4v: 'video',
  jpg: 'photo',
  jpeg: 'photo',
  png: 'photo',
  webp: 'photo',
  gif: 'animation',
  mp3: 'audio',
  wav: 'audio',
  m4a: 'audio',
  aac: 'audio',
  ogg: 'audio',
  flac: 'audio',
};

const COMMAND = /^\/([\p{L}\p{N}_]+)(?:\s+([\s\S]*))?$/u;

export async function normalizeLine(
  line: string,
  seq: number,
  identity: ConsoleIdentity,
): Promise<IncomingMessage | undefined> {
  const trimmed = line.trim();
  if (!trimmed) return undefined;
  const file = await fileInLine(trimmed, identity.cwd);
  const text = file ? file.caption : trimmed;
  const command = COMMAND.exec(text);
  return {
    id: String(seq),
    chat: { platform: 'console', chatId: identity.chatId },
    sender: identity.sender,
    text,
    ...(command && { command: { name: command[1]!, args: (command[2] ?? '').trim() } }),
    attachments: file ? [file.attachment] : [],
    isGroup: false,
    addressedToBot: true,
    ...(identity.language && { language: identity.language }),
    receivedAt: Date.now(),
  };
}

/** The whole line as a path, else its first word (quoted or with `\ ` escapes) and the rest as caption. */
async function fileInLine(
  line: string,
  cwd: string,
): Promise<{ attachment: Attachment; caption: string } | undefined> {
  const candidates: Array<[string, string]> = [[unquote(line), '']];
  const first = /^(?:"([^"]+)"|'([^']+)'|((?:\\ |\S)+))\s+([\s\S]+)$/.exec(line);
  if (first) candidates.push([unquote(first[1] ?? first[2] ?? first[3]!), first[4]!.trim()]);
  for (const [path, caption] of candidates) {
    const attachment = await attachmentFor(path, cwd);
    if (attachment) return { attachment, caption };
  }
  return undefined;
}

function unquote(text: string): string {
  const quoted = /^(["'])(.*)\1$/.exec(text);
  return (quoted ? quoted[2]! : text).replace(/\\ /g, ' ');
}

/** Only names with an extension count, so a word like "export" never turns into a file by accident. */
async function attachmentFor(path: string, cwd: string): Promise<Attachment | undefined> {
  if (!/\.[A-Za-z0-9]{1,5}$/.test(path)) return undefined;
  const full = resolve(cwd, path.startsWith('~/') ? `${homedir()}${path.slice(1)}` : path);
  const info = await stat(full).catch(() => undefined);
  if (!info?.isFile()) return undefined;
  const extension = extname(full).slice(1).toLowerCase();
  return {
    kind: KIND_BY_EXTENSION[extension] ?? 'document',
    name: basename(full),
    size: info.size,
    open: async (signal?: AbortSignal) => createReadStream(full, signal ? { signal } : {}),
  };
}
