/**
 * The bot held against a real ADK API server: scripted Gemini and tool backend ← ADK ← the NemoVideo gateway
 * ← the bot's real NemoClient and edit flow (createBot, a Redis store) → a recording chat port.
 */
import { randomUUID } from 'node:crypto';
import type { Dispatcher } from 'undici';
import { inject } from 'vitest';
import { type Bot, createBot } from '../../src/bot.js';
import { createLogger } from '../../src/logger.js';
import type { ChatRef } from '../../src/messages.js';
import { NemoClient } from '../../src/nemo/index.js';
import { profileFor } from '../../src/profiles.js';
import { createStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/store.js';
import { RecordingPort } from '../support/recording-port.js';
import { type AdkServer, adkInstalled, startAdkServer } from './adk-server.js';
import { NemoGateway } from './nemo-gateway.js';
import { ScriptedGemini } from './scripted-gemini.js';

export interface ConformanceOptions {
  progressive: boolean;
}

export interface Conformance {
  gemini: ScriptedGemini;
  adk: AdkServer;
  gateway: NemoGateway;
  store: Store;
  /** A bot on the gateway; `editMaxDurationMs` and `dispatcher` change the client for one test. */
  bot(options?: { editMaxDurationMs?: number; dispatcher?: Dispatcher }): Promise<ChatUnderTest>;
  close(): Promise<void>;
}

export interface ChatUnderTest {
  port: RecordingPort;
  /** Sends a message and resolves when the bot is done with it. */
  send(text: string): Promise<void>;
  close(): Promise<void>;
}

const OPERATOR_TOKEN = 'nmv_usr_conformance_operator';
let chats = 0;

export async function startConformance(options: ConformanceOptions): Promise<Conformance> {
  if (!adkInstalled()) {
    throw new Error(
      'the ADK API server is not installed: run `npm ci --prefix test/adk` (scripts/test.sh does)',
    );
  }
  const gemini = new ScriptedGemini();
  await gemini.start();
  const adk = await startAdkServer({
    geminiUrl: gemini.url,
    toolUrl: `${gemini.url}/tool`,
    progressive: options.progressive,
  });
  const gateway = new NemoGateway(adk.url);
  await gateway.start();
  const log = createLogger({ level: 'silent', knownSecrets: [OPERATOR_TOKEN] });
  const store = await createStore({
    redisUrl: inject('redisUrl'),
    keyPrefix: `conformance:${randomUUID()}:`,
    logger: log,
  });
  const profile = profileFor('video-models');

  async function bot(
    o: { editMaxDurationMs?: number; dispatcher?: Dispatcher } = {},
  ): Promise<ChatUnderTest> {
    const nemo = new NemoClient({
      baseUrl: gateway.url,
      skill: { source: profile.name, version: profile.version, platform: 'unknown' },
      rateLimitRetryMs: 20,
      renderPollMaxMs: 40,
      retry: { attempts: 2, baseMs: 5, maxMs: 20 },
      logger: log,
      ...(o.dispatcher && { dispatcher: o.dispatcher }),
    });
    const instance: Bot = createBot({
      nemo,
      store,
      log,
      profile,
      operatorToken: OPERATOR_TOKEN,
      progressIntervalMs: 60_000,
      ...(o.editMaxDurationMs !== undefined && { editMaxDurationMs: o.editMaxDurationMs }),
    });
    const port = new RecordingPort();
    const chat: ChatRef = { platform: 'test', chatId: `adk-${++chats}-${process.pid}` };
    let seq = 0;
    return {
      port,
      send: (text) =>
        instance.handle(
          {
            id: String(++seq),
            chat,
            sender: { id: 'u1', displayName: 'Ada', username: 'ada' },
            text,
            attachments: [],
            isGroup: false,
            addressedToBot: true,
            language: 'en',
            receivedAt: Date.now(),
          },
          port,
        ),
      close: () => instance.close(),
    };
  }

  return {
    gemini,
    adk,
    gateway,
    store,
    bot,
    async close() {
      await store.close();
      await gateway.close();
      await adk.close();
      await gemini.close();
    },
  };
}
