import { pino } from 'pino';
import { createDiscordAdapter, type DiscordAdapterOptions } from '../../adapters/discord/client.js';
import type { ChatPort, IncomingMessage } from '../../src/messages.js';
import { type FakeDiscord, type FakeDiscordOptions, startFakeDiscord } from '../fakes/discord/server.js';
import { projectUndiciAsGlobalDispatcher } from '../support/undici-global.js';

export type Behaviour<T> = (message: IncomingMessage, port: ChatPort) => Promise<T>;

export interface Handled<T> {
  message: IncomingMessage;
  port: ChatPort;
  result: T;
}

export interface Harness {
  fake: FakeDiscord;
  /** Every line the adapter logged, as JSON text. */
  logLines: string[];
  /** Messages the recording HandleMessage received, in order. */
  received: IncomingMessage[];
  /**
   * Plays the role of the core for the next message: resolves with what `behaviour` returned, or
   * rejects with what it threw (which the adapter then also sees).
   */
  nextMessage<T>(behaviour?: Behaviour<T>): Promise<Handled<T>>;
  close(): Promise<void>;
}

/**
 * The real discord.js client, through the adapter, logged in to a fresh fake Discord. The project's undici
 * owns the process-wide dispatcher meanwhile, as in the app (see undici-global.ts).
 */
export async function startHarness(
  options: { adapter?: Partial<DiscordAdapterOptions>; fake?: FakeDiscordOptions } = {},
): Promise<Harness> {
  const globalDispatcher = projectUndiciAsGlobalDispatcher();
  const fake = await startFakeDiscord({ heartbeatIntervalMs: 250, ...options.fake });
  const logLines: string[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => logLines.push(line) });
  const received: IncomingMessage[] = [];
  const queue: ((message: IncomingMessage, port: ChatPort) => Promise<void>)[] = [];

  const adapter = createDiscordAdapter({
    token: fake.token,
    applicationId: fake.applicationId,
    apiRoot: fake.apiRoot,
    log,
    editThrottleMs: 100,
    handle: async (message, port) => {
      received.push(message);
      await queue.shift()?.(message, port);
    },
    ...options.adapter,
  });
  await adapter.start();

  return {
    fake,
    logLines,
    received,
    nextMessage<T>(behaviour: Behaviour<T> = async () => undefined as T) {
      return new Promise<Handled<T>>((resolve, reject) => {
        queue.push(async (message, port) => {
          try {
            resolve({ message, port, result: await behaviour(message, port) });
          } catch (error) {
            reject(error);
            throw error; // and let the adapter see it, as it would a bug in the core
          }
        });
      });
    },
    async close() {
      await adapter.stop();
      await fake.close();
      await globalDispatcher.restore();
    },
  };
}
