import { EventEmitter } from 'node:events';
import pino from 'pino';
import {
  createTelegramAdapter,
  type TelegramAdapter,
  type TelegramAdapterOptions,
} from '../../adapters/telegram/bot.js';
import type { ChatPort, IncomingMessage } from '../../src/messages.js';
import { type FakeTelegram, startFakeTelegram } from '../fakes/telegram/server.js';

export const TOKEN = '123456:TEST-token_abcdefghijklmnopqrstuvwxyz';

export interface Harness {
  fake: FakeTelegram;
  adapter: TelegramAdapter;
  received: IncomingMessage[];
  /** Resolves with the first message (past or future) the recording handler got that matches. */
  next(predicate?: (m: IncomingMessage) => boolean, timeoutMs?: number): Promise<IncomingMessage>;
  close(): Promise<void>;
}

export interface HarnessOptions
  extends Partial<Pick<TelegramAdapterOptions, 'webhook' | 'albumQuietMs' | 'editThrottleMs' | 'log'>> {
  local?: boolean;
  /** What the handler does after recording (default: nothing). */
  onMessage?: (message: IncomingMessage, port: ChatPort) => Promise<void>;
  /** Do not call start() (webhook tests start after their HTTP server listens). */
  manualStart?: boolean;
}

/** A real grammY bot (the adapter) against the fake Bot API, with a HandleMessage that records what it gets. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const fake = await startFakeTelegram({ token: TOKEN, local: options.local });
  const received: IncomingMessage[] = [];
  const events = new EventEmitter();
  const adapter = createTelegramAdapter({
    token: TOKEN,
    apiRoot: fake.apiRoot,
    localServer: fake.local,
    log: options.log ?? pino({ level: 'silent' }),
    albumQuietMs: options.albumQuietMs ?? 150,
    editThrottleMs: options.editThrottleMs ?? 300,
    webhook: options.webhook,
    handle: async (message, port) => {
      received.push(message);
      events.emit('message');
      await options.onMessage?.(message, port);
    },
  });
  if (!options.manualStart) await adapter.start();
  return {
    fake,
    adapter,
    received,
    next(predicate = () => true, timeoutMs = 5000) {
      const find = () => received.find(predicate);
      const hit = find();
      if (hit) return Promise.resolve(hit);
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = find();
          if (!found) return;
          clearTimeout(timer);
          events.off('message', check);
          resolve(found);
        };
        const timer = setTimeout(() => {
          events.off('message', check);
          reject(new Error('no matching message reached the handler'));
        }, timeoutMs);
        events.on('message', check);
      });
    },
    async close() {
      await adapter.stop();
      await fake.close();
    },
  };
}
