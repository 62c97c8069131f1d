/**
 * The composition root: builds the core from the configuration and starts every adapter whose token is
 * set (the console adapter when none is). Kept apart from main.ts so tests can start the whole bot in-process.
 */
import type { Readable, Writable } from 'node:stream';
import { SealedStore } from '../src/access/sealed-store.js';
import { TokenSealer } from '../src/access/sealer.js';
import { createBot } from '../src/bot.js';
import type { Config } from '../src/config.js';
import { startHttpServer } from '../src/http/server.js';
import { createJobEngine, PlatformPorts } from '../src/jobs/index.js';
import type { LocalEngine } from '../src/local-engine/index.js';
import { createLogger, type Logger } from '../src/logger.js';
import { createMetrics, type Metrics, nemoObserver } from '../src/metrics.js';
import { NemoClient } from '../src/nemo/index.js';
import { profileFor, type SkillProfile } from '../src/profiles.js';
import { createStore } from '../src/store/index.js';

export interface AppOptions {
  /** Console adapter streams (tests); default stdin/stdout. */
  input?: Readable;
  output?: Writable;
  log?: Logger;
  /** Replaces the NEMO_SKILL profile (the benchmark raises the upload limit to move a 1 GB clip). */
  profile?: SkillProfile;
}

export interface App {
  /** Resolves when the console adapter's input ended and its work finished; never for chat platforms. */
  finished: Promise<void>;
  httpPort: number | undefined;
  metrics: Metrics;
  /** Set with NEMO_ENGINE=local: the in-process engine the client talks to. */
  localEngine?: LocalEngine;
  stop(): Promise<void>;
}

interface Adapter {
  name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  connected(): boolean;
}

/** The store with tokens sealed by TOKEN_ENCRYPTION_KEY; a key that does not match the stored ones stops here. */
async function openSealedStore(config: Config, log: Logger): Promise<SealedStore> {
  const inner = await createStore({ redisUrl: config.redisUrl, logger: log });
  const { tokenKey } = config.access;
  // Only Redis keeps tokens at rest; the in-memory store's are gone with the process.
  if (!tokenKey && config.redisUrl)
    log.warn('TOKEN_ENCRYPTION_KEY is not set: backend tokens are stored in Redis in plain text');
  const store = new SealedStore(inner, tokenKey ? new TokenSealer(tokenKey) : undefined);
  try {
    await store.verifyKey();
  } catch (error) {
    await inner.close();
    throw error;
  }
  return store;
}

// Each platform's SDK is loaded only when its adapter is configured: discord.js alone is ~35 MB resident,
// which a Telegram-only or console bot should not carry.
export async function startApp(config: Config, options: AppOptions = {}): Promise<App> {
  const consoleMode = !config.telegram && !config.discord;
  const secrets = [
    config.nemo.operatorToken,
    config.telegram?.token,
    config.discord?.token,
    config.telegram?.webhook?.secret,
  ];
  // In console mode stdout is the chat, so logs go to stderr.
  const log =
    options.log ??
    createLogger({
      level: config.logLevel,
      knownSecrets: secrets.filter((s): s is string => Boolean(s)),
      ...(consoleMode ? { destination: process.stderr } : {}),
    });
  const metrics = createMetrics();
  const store = await openSealedStore(config, log);
  const profile = options.profile ?? profileFor(config.nemo.skill);
  // NEMO_ENGINE=local: the same API, served by this process on loopback, so the client and flows don't change.
  // Loaded only when selected, like the platform SDKs: a cloud bot does not carry it.
  const localEngine = config.localEngine
    ? await (await import('../src/local-engine/index.js')).startLocalEngine({
        dir: config.localEngine.dir,
        maxBytes: config.localEngine.maxBytes,
        renderWorkers: config.localEngine.workers,
        preset: config.localEngine.preset,
        maxUploadBytes: profile.maxUploadBytes,
        log: log.child({ component: 'local-engine' }),
      })
    : undefined;
  const nemo = new NemoClient({
    baseUrl: localEngine?.url ?? config.nemo.apiBase,
    skill: { source: profile.name, version: profile.version, platform: config.nemo.platform },
    rateLimitRetryMs: config.nemo.rateLimitRetryMs,
    // Local renders take seconds and polls cost nothing: poll often.
    renderPollMaxMs: localEngine ? Math.min(config.nemo.renderPollMs, 2000) : config.nemo.renderPollMs,
    sseMaxDurationMs: config.nemo.editMaxMs,
    sseMaxEventBytes: config.nemo.sseMaxEventBytes,
    maxResponseBytes: config.nemo.maxResponseBytes,
    logger: log.child({ component: 'nemo' }),
    observer: nemoObserver(metrics),
  });
  const jobs = await createJobEngine({
    redisUrl: config.redisUrl,
    log: log.child({ component: 'jobs' }),
    leases: config.jobs,
  });
  // Filled as the adapters are made: how a job taken over from a dead process reaches its chat.
  const ports = new PlatformPorts();
  const bot = createBot({
    limits: config.limits,
    nemo,
    store,
    log,
    profile,
    operatorToken: config.nemo.operatorToken,
    progressIntervalMs: config.progressIntervalMs,
    chatLockTtlMs: config.chatLockTtlMs,
    access: config.access,
    editMaxDurationMs: config.nemo.editMaxMs,
    metrics,
    jobs,
    ports,
  });

  const adapters: Adapter[] = [];
  let started = false;
  const http = await startHttpServer({
    port: config.httpPort,
    log: log.child({ component: 'http' }),
    metrics,
    health: async () => {
      // Not healthy until every adapter is created, its routes mounted and started: a load balancer or
      // test that trusts /healthz must never reach a webhook path that is not there yet.
      const checks: Record<string, boolean | string> = { started };
      checks.store = await store.ping().then(
        () => true,
        (error: Error) => `unreachable: ${error.message}`,
      );
      for (const adapter of adapters) checks[adapter.name] = adapter.connected();
      return { ok: Object.values(checks).every((v) => v === true), checks };
    },
  }).catch((error: Error) => {
    // A busy port must not stop a console session; on a server it is fatal.
    if (consoleMode) {
      log.warn({ err: error.message, port: config.httpPort }, 'HTTP server not started');
      return undefined;
    }
    throw error;
  });

  let finished: Promise<void> = new Promise(() => {});
  if (config.telegram) {
    const { token, apiRoot, localBotApi, webhook } = config.telegram;
    const { createTelegramAdapter } = await import('./telegram/bot.js');
    const telegram = createTelegramAdapter({
      token,
      apiRoot,
      localServer: localBotApi,
      handle: bot.handle,
      log: log.child({ platform: 'telegram' }),
      ...(webhook?.secret ? { webhook: { url: webhook.url, secret: webhook.secret } } : {}),
    });
    ports.register('telegram', telegram.port);
    if (telegram.webhookHandler && webhook) {
      if (!http) throw new Error('webhook mode needs the HTTP server');
      http.route('POST', new URL(webhook.url).pathname, telegram.webhookHandler);
    }
    let up = false;
    adapters.push({
      name: 'telegram',
      start: async () => {
        await telegram.start();
        up = true;
      },
      stop: () => telegram.stop(),
      connected: () => up,
    });
  }
  if (config.discord) {
    const { createDiscordAdapter } = await import('./discord/client.js');
    const discord = createDiscordAdapter({
      token: config.discord.token,
      applicationId: config.discord.applicationId,
      apiRoot: config.discord.apiRoot,
      handle: bot.handle,
      log: log.child({ platform: 'discord' }),
      ...(config.discord.spenderRoleId ? { spenderRoleId: config.discord.spenderRoleId } : {}),
    });
    ports.register('discord', discord.portForChannel());
    let up = false;
    adapters.push({
      name: 'discord',
      start: async () => {
        await discord.start();
        up = true;
      },
      stop: () => discord.stop(),
      connected: () => up,
    });
  }
  for (const adapter of adapters) {
    await adapter.start();
    log.info({ adapter: adapter.name }, 'adapter started');
  }
  if (consoleMode) {
    const { startConsoleAdapter } = await import('./console/start.js');
    const consoleAdapter = startConsoleAdapter({
      handle: bot.handle,
      log,
      ...(options.input ? { input: options.input } : {}),
      ...(options.output ? { output: options.output } : {}),
    });
    ports.register('console', consoleAdapter.port);
    finished = consoleAdapter.done.then(() => bot.idle());
  }
  // Only now can every job reach its chat, so only now take over the jobs of a process that is gone.
  await bot.startJobs();
  started = true;

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      // Stop taking updates first. An adapter's stop also waits for the updates it is handling, which wait
      // for their jobs: so hand the jobs over (durable) or cancel them (in memory) before waiting for it.
      const adaptersStopped = adapters.map((adapter) =>
        adapter.stop().catch((e: Error) => log.warn({ err: e.message }, 'adapter stop failed')),
      );
      await bot.close({ leaveRunning: jobs.durable });
      await Promise.all(adaptersStopped);
      await localEngine?.close();
      await http?.close();
      await store.close();
    })();
    return stopping;
  };
  return { finished, httpPort: http?.port, metrics, ...(localEngine && { localEngine }), stop };
}
