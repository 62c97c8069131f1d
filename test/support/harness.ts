/**
 * The whole core wired to real parts for scenario tests: the NemoVideo emulator on loopback, a real Redis
 * store (own key prefix per harness), a real NemoClient and a recording port. Messages are built like an
 * adapter builds them; `send` resolves when the bot finished with the message.
 */

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Bot } from '../../src/bot.js';
import type { SkillName } from '../../src/config.js';
import type {
  Attachment,
  AttachmentKind,
  ButtonAction,
  ChatRef,
  IncomingMessage,
} from '../../src/messages.js';
import type { Store } from '../../src/store/store.js';
import type { Emulator, EmulatorOptions } from '../fakes/nemo/emulator.js';
import { startCore } from './core.js';
import { knownSecrets, RecordingPort, type RecordingPortOptions } from './recording-port.js';

export interface HarnessOptions {
  emulator?: EmulatorOptions;
  skill?: SkillName;
  operatorToken?: string;
  progressIntervalMs?: number;
  editMaxDurationMs?: number;
  port?: RecordingPortOptions;
}

export interface Harness {
  emulator: Emulator;
  store: Store;
  bot: Bot;
  port: RecordingPort;
  chat: ChatRef;
  chatKey: string;
  /** Every log line, to check that no token was logged. */
  logLines: string[];
  /** Sends a message and waits until the bot is done with it (queued work included). */
  send(input: MessageInput | string): Promise<void>;
  /** Sends without waiting; the promise settles when the bot is done. */
  start(input: MessageInput | string): Promise<void>;
  message(input: MessageInput | string): IncomingMessage;
  /** The chat's session on the emulator. */
  session(): Promise<Emulator['sessions'] extends Map<string, infer S> ? S : never>;
  close(): Promise<void>;
}

export interface MessageInput {
  text?: string;
  action?: ButtonAction;
  attachments?: Attachment[];
  language?: string;
  updateId?: string;
}

let harnessCount = 0;

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const core = await startCore({
    keyPrefix: 'test',
    emulator: { renderStepMs: 60, ...options.emulator },
    skill: options.skill,
    operatorToken: options.operatorToken,
    progressIntervalMs: options.progressIntervalMs ?? 60_000,
    editMaxDurationMs: options.editMaxDurationMs,
    rateLimitRetryMs: 20,
    renderPollMaxMs: 40,
  });
  const { emulator, store, bot, logLines } = core;
  const port = new RecordingPort(options.port);
  const chat: ChatRef = { platform: 'test', chatId: `chat-${++harnessCount}-${process.pid}` };
  let seq = 0;

  const message = (input: MessageInput | string): IncomingMessage => {
    const given = typeof input === 'string' ? { text: input } : input;
    return {
      id: String(++seq),
      updateId: given.updateId,
      chat,
      sender: { id: 'u1', displayName: 'Ada', username: 'ada' },
      text: given.text ?? '',
      action: given.action,
      attachments: given.attachments ?? [],
      isGroup: false,
      addressedToBot: true,
      language: given.language,
      receivedAt: Date.now(),
    };
  };
  const start = (input: MessageInput | string) => bot.handle(message(input), port);

  return {
    emulator,
    store,
    bot,
    port,
    chat,
    chatKey: `test:${chat.chatId}`,
    logLines,
    start,
    send: start,
    message,
    session: async () => {
      const record = await store.getChat(`test:${chat.chatId}`);
      const session = record.sessionId ? emulator.sessions.get(record.sessionId) : undefined;
      if (!session) throw new Error('the chat has no session on the emulator');
      return session;
    },
    close: async () => {
      for (const token of emulator.tokens.keys()) knownSecrets.add(token);
      if (options.operatorToken) knownSecrets.add(options.operatorToken);
      await core.close();
      const leaked = [...knownSecrets].filter((secret) => logLines.some((line) => line.includes(secret)));
      if (leaked.length > 0) throw new Error(`a token was written to the log (${leaked.length} distinct)`);
    },
  };
}

/** An attachment backed by a real file, as an adapter would make it. `size: 'unknown'` hides the size. */
export async function fileAttachment(
  path: string,
  options: { name?: string; size?: number | 'unknown'; kind?: AttachmentKind } = {},
): Promise<Attachment & { opened: number }> {
  const info = await stat(path);
  const attachment = {
    kind: options.kind ?? 'video',
    name: options.name ?? basename(path),
    size: options.size === 'unknown' ? undefined : (options.size ?? info.size),
    opened: 0,
    open: async (signal?: AbortSignal) => {
      attachment.opened++;
      return createReadStream(path, signal ? { signal } : {});
    },
  };
  return attachment;
}
