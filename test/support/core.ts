/**
 * The core wired to real parts, as every end-to-end harness needs it: the NemoVideo emulator on loopback,
 * a Redis store under its own key prefix, a NemoClient with fast test timings, a log captured line by line,
 * and the bot. Harnesses add their platform (a recording port, the fake Bot API, the fake Discord).
 */
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { inject } from 'vitest';
import { SealedStore } from '../../src/access/sealed-store.js';
import { TokenSealer } from '../../src/access/sealer.js';
import { type Bot, type BotLimits, createBot } from '../../src/bot.js';
import type { AccessConfig, SkillName } from '../../src/config.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { NemoClient } from '../../src/nemo/index.js';
import { profileFor, type SkillProfile } from '../../src/profiles.js';
import { createStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/store.js';
import { type Emulator, type EmulatorOptions, startEmulator } from '../fakes/nemo/emulator.js';
import { knownSecrets } from './recording-port.js';

export interface CoreOptions {
  /** Emulator options over fast test defaults (renders of 100 ms a step, every edit answering). */
  emulator?: EmulatorOptions;
  /** Key prefix in Redis; a random suffix is added so runs never share state (unless `sharedKeyPrefix`). */
  keyPrefix: string;
  /** Use `keyPrefix` as it is: a second core (a restart, another process) sees the first one's state. */
  sharedKeyPrefix?: boolean;
  /** An emulator another core started (and closes): two bot processes talking to one backend. */
  sharedEmulator?: Emulator;
  /** ALLOWED_*, ADMIN_USERS, GROUP_SPENDERS, daily edits; default: open. */
  access?: AccessConfig;
  /** TOKEN_ENCRYPTION_KEY: the store seals tokens, as the app's does. */
  tokenKey?: Buffer;
  skill?: SkillName;
  operatorToken?: string;
  progressIntervalMs?: number;
  editMaxDurationMs?: number;
  /** Client timings: the cap of the render poll, and the wait before the retry after a 429. */
  renderPollMaxMs?: number;
  rateLimitRetryMs?: number;
  /** Per-call deadline of the client (default 30 s), and its cap on one answer's size (default 16 MiB). */
  requestTimeoutMs?: number;
  maxResponseBytes?: number;
  /** Bounds of the bot (unbounded by default, as tests send many messages from one user). */
  limits?: BotLimits;
  /** Values the log must scrub besides token-shaped strings (a platform token in a test). */
  knownSecrets?: string[];
}

export interface Core {
  emulator: Emulator;
  store: Store;
  nemo: NemoClient;
  bot: Bot;
  profile: SkillProfile;
  log: Logger;
  /** Every log line, to check that no secret was logged. */
  logLines: string[];
  /** Closes the bot, the store and the emulator, in that order. */
  close(): Promise<void>;
}

export async function startCore(options: CoreOptions): Promise<Core> {
  const emulator =
    options.sharedEmulator ??
    (await startEmulator({
      renderStepMs: 100,
      editDelayMs: 2,
      heartbeatMs: 10,
      noTextRatio: 0,
      ...options.emulator,
      operatorTokens: options.operatorToken ? [options.operatorToken] : options.emulator?.operatorTokens,
    }));
  const logLines: string[] = [];
  const log = createLogger({
    level: 'debug',
    knownSecrets: options.knownSecrets ?? [],
    destination: new Writable({
      write(chunk, _encoding, callback) {
        logLines.push(String(chunk));
        callback();
      },
    }),
  });
  const redisStore = await createStore({
    redisUrl: inject('redisUrl'),
    keyPrefix: options.sharedKeyPrefix ? options.keyPrefix : `${options.keyPrefix}:${randomUUID()}:`,
    logger: log,
  });
  // The app always wraps its store so; without a key it only keeps sealed values from being sent as tokens.
  const store = new SealedStore(redisStore, options.tokenKey ? new TokenSealer(options.tokenKey) : undefined);
  await store.verifyKey();
  const profile = profileFor(options.skill ?? 'video-models');
  const nemo = new NemoClient({
    baseUrl: emulator.url,
    skill: { source: profile.name, version: profile.version, platform: 'unknown' },
    rateLimitRetryMs: options.rateLimitRetryMs ?? 50,
    renderPollMaxMs: options.renderPollMaxMs ?? 200,
    retry: { attempts: 2, baseMs: 5, maxMs: 20 },
    ...(options.requestTimeoutMs !== undefined && { requestTimeoutMs: options.requestTimeoutMs }),
    ...(options.maxResponseBytes !== undefined && { maxResponseBytes: options.maxResponseBytes }),
    logger: log.child({ component: 'nemo' }),
  });
  const bot = createBot({
    nemo,
    store,
    log,
    profile,
    operatorToken: options.operatorToken,
    progressIntervalMs: options.progressIntervalMs ?? 200,
    editMaxDurationMs: options.editMaxDurationMs,
    ...(options.access ? { access: options.access } : {}),
    ...(options.limits && { limits: options.limits }),
  });
  return {
    emulator,
    store,
    nemo,
    bot,
    profile,
    log,
    logLines,
    async close() {
      // Issued tokens join the suite's secrets scan (test/setup/capture-logs.ts).
      for (const token of emulator.tokens.keys()) knownSecrets.add(token);
      await bot.close();
      await store.close();
      if (!options.sharedEmulator) await emulator.close();
    },
  };
}
