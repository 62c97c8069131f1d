/**
 * The Telegram bot end to end, all on loopback: the real grammY adapter against the fake Bot API, the real
 * core (createBot) with a NemoClient pointed at the NemoVideo emulator, and a RedisStore on the test
 * redis-server under a key prefix of its own. Timings are shortened through options, never by waiting less.
 */

import { EventEmitter, once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Message, Update } from 'grammy/types';
import { expect } from 'vitest';
import { createTelegramAdapter, type TelegramAdapter } from '../../../adapters/telegram/bot.js';
import type { IncomingMessage } from '../../../src/messages.js';
import type { Store } from '../../../src/store/store.js';
import type { EmulatedSession, Emulator } from '../../fakes/nemo/emulator.js';
import { type FakeTelegram, startFakeTelegram } from '../../fakes/telegram/server.js';
import { type CoreOptions, startCore } from '../../support/core.js';
import { findLeaks } from '../../support/leaks.js';

export const TOKEN = '7012345678:AAE2E-bot_token-0123456789abcdefghijk';
export const BOT_USERNAME = 'NemoE2EBot';

export interface E2EOptions {
  /** Run the fake and the adapter as a `telegram-bot-api --local` server (default: the cloud Bot API). */
  localServer?: boolean;
  /** Tell the adapter otherwise than the fake's mode (an operator who set TELEGRAM_LOCAL_BOT_API wrongly). */
  adapterLocalServer?: boolean;
  /** Share of edits the emulator answers with no text (default 0: every edit answers). */
  noTextRatio?: number;
  /** Mean wait before the adapter's retry of a call that met a reset connection (default 5 ms here). */
  networkRetryDelayMs?: number;
  /** Receive updates by webhook, on a loopback HTTP server, with this secret (default: long polling). */
  webhookSecret?: string;
  /** Core settings over the harness's own: access rules, a token key, a shared Redis prefix or emulator. */
  core?: Partial<CoreOptions>;
}

export interface E2E {
  telegram: FakeTelegram;
  emulator: Emulator;
  store: Store;
  adapter: TelegramAdapter;
  /** In webhook mode: where the fake posts updates. */
  webhookUrl?: string;
  /** Messages the core has finished with (its queued work included), in that order. */
  handled: IncomingMessage[];
  /** Resolves once the core has finished with the update (for an album: with its first part). */
  whenHandled(updateId: number, timeoutMs?: number): Promise<IncomingMessage>;
  /** Pushes an update to the bot and waits until the core has finished with it. */
  send(update: Omit<Update, 'update_id'>): Promise<Update>;
  /** The backend session of a chat (or forum topic) at the emulator, found through the store. */
  sessionOf(chatId: number, threadId?: number): Promise<EmulatedSession>;
  /** Messages the bot sent in a chat, as they look now (after their edits), oldest first. */
  botMessages(chatId: number): Message[];
  /** Every log line (pino JSON), the core's and the adapter's. */
  logLines: string[];
  /** Tokens or secrets found in any text the fake was asked to show, or in the log; empty when clean. */
  leaks(): string[];
  close(): Promise<void>;
}

const SENDING_METHODS = new Set(['sendMessage', 'sendVideo', 'sendPhoto', 'sendDocument']);

/** A loopback HTTP server that hands every request to `handler` once it is set. */
async function startWebhookServer(): Promise<{
  server: Server;
  url: string;
  mount(handler: NonNullable<TelegramAdapter['webhookHandler']>): void;
}> {
  let handler: TelegramAdapter['webhookHandler'];
  const server = createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/telegram/webhook' && handler) handler(req, res);
    else res.writeHead(404).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}/telegram/webhook`,
    mount: (h) => {
      handler = h;
    },
  };
}

export async function startE2E(options: E2EOptions = {}): Promise<E2E> {
  const core = await startCore({
    keyPrefix: 'e2e-telegram',
    emulator: { editDelayMs: 5, heartbeatMs: 20, noTextRatio: options.noTextRatio ?? 0 },
    knownSecrets: [TOKEN],
    ...options.core,
  });
  const { emulator, store, bot, log, logLines } = core;
  const telegram = await startFakeTelegram({
    token: TOKEN,
    local: options.localServer ?? false,
    botUsername: BOT_USERNAME,
  });
  const webhook = options.webhookSecret ? await startWebhookServer() : undefined;

  const handled: IncomingMessage[] = [];
  const events = new EventEmitter();
  const adapter = createTelegramAdapter({
    token: TOKEN,
    apiRoot: telegram.apiRoot,
    // What TELEGRAM_LOCAL_BOT_API says in production: the fake's mode, never guessed from its loopback URL.
    localServer: options.adapterLocalServer ?? telegram.local,
    log: log.child({ platform: 'telegram' }),
    albumQuietMs: 150,
    editThrottleMs: 50,
    networkRetryDelayMs: options.networkRetryDelayMs ?? 5,
    ...(webhook ? { webhook: { url: webhook.url, secret: options.webhookSecret } } : {}),
    handle: async (message, port) => {
      try {
        await bot.handle(message, port);
      } finally {
        handled.push(message);
        events.emit('handled');
      }
    },
  });
  if (webhook && adapter.webhookHandler) webhook.mount(adapter.webhookHandler);
  await adapter.start();

  function whenHandled(updateId: number, timeoutMs = 15_000): Promise<IncomingMessage> {
    const find = () => handled.find((m) => m.updateId === `telegram:${updateId}`);
    return new Promise((resolve, reject) => {
      const check = () => {
        const hit = find();
        if (!hit) return;
        clearTimeout(timer);
        events.off('handled', check);
        resolve(hit);
      };
      const timer = setTimeout(() => {
        events.off('handled', check);
        reject(new Error(`the core did not finish update ${updateId}`));
      }, timeoutMs);
      events.on('handled', check);
      check();
    });
  }

  /** Texts and captions the bot asked Telegram to show, including every intermediate edit. */
  function shownTexts(): string[] {
    return telegram.calls.flatMap((call) => {
      const { text, caption } = call.params;
      return [text, caption].filter((t): t is string => typeof t === 'string');
    });
  }

  return {
    telegram,
    emulator,
    store,
    adapter,
    ...(webhook ? { webhookUrl: webhook.url } : {}),
    handled,
    whenHandled,
    logLines,
    async send(update) {
      const pushed = telegram.pushUpdate(update);
      await whenHandled(pushed.update_id);
      return pushed;
    },
    async sessionOf(chatId, threadId) {
      const key = threadId === undefined ? `telegram:${chatId}` : `telegram:${chatId}:${threadId}`;
      const { sessionId } = await store.getChat(key);
      const session = sessionId ? emulator.sessions.get(sessionId) : undefined;
      if (!session) throw new Error(`${key} has no session at the emulator`);
      return session;
    },
    botMessages(chatId) {
      return telegram.calls
        .filter((c) => SENDING_METHODS.has(c.method) && Number(c.params.chat_id) === chatId && c.result)
        .map((c) => telegram.message(chatId, (c.result as Message).message_id))
        .filter((m): m is Message => m !== undefined);
    },
    leaks() {
      const secrets = [
        TOKEN,
        ...emulator.tokens.keys(),
        ...(options.webhookSecret ? [options.webhookSecret] : []),
      ];
      const inTexts = findLeaks(shownTexts(), secrets);
      const inLogs = logLines
        .filter((line) => secrets.some((secret) => line.includes(secret)))
        .map((line) => `secret in the log: ${line.slice(0, 120)}`);
      return [...inTexts, ...inLogs];
    },
    async close() {
      // Stop taking updates (and wait for the handlers running) before anything they use goes away.
      await adapter.stop();
      await core.close();
      await telegram.close();
      if (webhook) {
        webhook.server.closeAllConnections();
        await new Promise<void>((resolve) => webhook.server.close(() => resolve()));
      }
    },
  };
}

/** Closes the harness and fails the file if any token reached a chat text or the log. */
export async function closeAndCheckSecrets(e2e: E2E | undefined): Promise<void> {
  if (!e2e) return;
  const leaks = e2e.leaks();
  await e2e.close();
  expect(leaks, 'no bot token, backend token or webhook secret in texts sent or in the log').toEqual([]);
}

/** The text (or caption) of a bot message. */
export function textOf(message: Message): string {
  return ('text' in message && message.text) || ('caption' in message && message.caption) || '';
}
