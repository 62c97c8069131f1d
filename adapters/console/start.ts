/**
 * Chat with the bot in a terminal: each line is a message, answers print as `bot> …`. Piped input works as a
 * script: lines run in order, each finished before the next, and `done` resolves once input ended and all
 * work is finished. Typed (TTY) input is handled as it comes, so /cancel can stop a running edit.
 */
import { userInfo } from 'node:os';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { Logger } from '../../src/logger.js';
import type { ChatPort, HandleMessage } from '../../src/messages.js';
import { type ConsoleIdentity, normalizeLine } from './normalize.js';
import { ConsolePort } from './port.js';

export interface ConsoleAdapterOptions {
  handle: HandleMessage;
  input?: Readable;
  output?: Writable;
  log: Logger;
  /** Where finished videos are saved (default `./downloads`). */
  downloadDir?: string;
  /** Language of the person typing; unset → guessed from each line. */
  language?: string;
  chatId?: string;
  dispatcher?: Dispatcher;
}

export interface ConsoleAdapter {
  /** The terminal's port, so a job taken over after a restart can still print to it. */
  port: ChatPort;
  /** Resolves when input ended (or stop was called) and every message was handled. */
  done: Promise<void>;
  /** Stops reading input; work already started still finishes before `done`. */
  stop(): void;
}

export function startConsoleAdapter(options: ConsoleAdapterOptions): ConsoleAdapter {
  const input = options.input ?? process.stdin;
  const output = options.output ?? process.stdout;
  const interactive = Boolean((input as { isTTY?: boolean }).isTTY);
  const port = new ConsolePort({
    output,
    downloadDir: options.downloadDir,
    dispatcher: options.dispatcher,
    log: options.log,
  });
  const identity: ConsoleIdentity = {
    chatId: options.chatId ?? 'local',
    sender: { id: 'local', displayName: safeUserName() },
    language: options.language,
    cwd: process.cwd(),
  };
  const lines = createInterface({ input, terminal: false, crlfDelay: Number.POSITIVE_INFINITY });
  const inFlight = new Set<Promise<void>>();
  let seq = 0;

  const handleLine = async (line: string) => {
    const message = await normalizeLine(line, ++seq, identity);
    if (message) await options.handle(message, port);
  };

  const done = (async () => {
    if (interactive) output.write('Type a message, a path to a media file, or /help. Ctrl-D quits.\n');
    for await (const line of lines) {
      // handle never throws; this catch guards only the adapter's own part (reading a file's size).
      const work = handleLine(line).catch((error) =>
        options.log.error({ err: error }, 'console line failed'),
      );
      if (!interactive) {
        await work;
        continue;
      }
      inFlight.add(work);
      void work.finally(() => inFlight.delete(work));
    }
    await Promise.all([...inFlight]);
  })();

  return { port, done, stop: () => lines.close() };
}

function safeUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'you';
  }
}
