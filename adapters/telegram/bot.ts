import type { IncomingMessage as HttpRequest, ServerResponse } from 'node:http';
import { autoRetry } from '@grammyjs/auto-retry';
import { type RunnerHandle, run, sequentialize } from '@grammyjs/runner';
import { Bot, type Context, webhookCallback } from 'grammy';
import type { Logger } from 'pino';
import { type ChatPort, chatKey, type HandleMessage, PlatformNetworkError } from '../../src/messages.js';
import { topicOf } from './address.js';
import { AlbumCollector } from './album.js';
import { ChatAdmins } from './chat-admins.js';
import { BOT_COMMANDS } from './commands.js';
import { createFileOpener } from './files.js';
import { networkRetry } from './network-retry.js';
import { type MessagePart, normalizeAlbum, normalizeUpdate } from './normalize.js';
import { createTelegramPort } from './port.js';
import { loggableError } from './redact.js';

export type TelegramLog = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;

export interface TelegramAdapterOptions {
  token: string;
  /** Bot API root without a trailing slash, e.g. https://api.telegram.org or a local telegram-bot-api. */
  apiRoot: string;
  /**
   * The server at `apiRoot` is a `telegram-bot-api --local` one, which lifts the 20 MB download and 50 MB
   * upload limits to 2000 MB (TELEGRAM_LOCAL_BOT_API). Default false: never guessed from the URL.
   */
  localServer?: boolean;
  handle: HandleMessage;
  log: TelegramLog;
  /**
   * Receive updates by webhook instead of long polling; Telegram sends `secret` in a header. Optional in
   * the type only to take `Config['telegram']['webhook']` as is: loadConfig requires it with a URL.
   */
  webhook?: { url: string; secret?: string };
  /** An album is complete after this long without a new part (default 800 ms). */
  albumQuietMs?: number;
  /** Least time between two edits of one message (default 3000 ms). */
  editThrottleMs?: number;
  /** How long a group's administrator list is trusted (default 5 minutes). */
  adminCacheMs?: number;
  /** Mean wait before the one retry of a call whose connection failed before an answer (default 500 ms). */
  networkRetryDelayMs?: number;
}

export interface TelegramAdapter {
  port: ChatPort;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** In webhook mode: mount on the HTTP server at the webhook URL's path. */
  webhookHandler?: (req: HttpRequest, res: ServerResponse) => void;
}

type AdapterContext = Context & { album?: MessagePart[] };

const ALLOWED_UPDATES = ['message', 'callback_query'] as const;

/** One forum topic or chat is one conversation: its updates are handled one after another. */
function conversationOf(ctx: Context): string | undefined {
  const chat = ctx.chat;
  if (!chat) return undefined;
  const threadId = ctx.msg && topicOf(ctx.msg);
  return chatKey({ platform: 'telegram', chatId: String(chat.id), ...(threadId ? { threadId } : {}) });
}

/** The Telegram adapter: a grammY bot that normalizes updates for `handle` and answers through `port`. */
export function createTelegramAdapter(options: TelegramAdapterOptions): TelegramAdapter {
  const { token, apiRoot, handle, log, webhook } = options;
  // Without the secret anyone who finds the URL could post updates as any user.
  if (webhook && !webhook.secret) throw new Error('Telegram webhook mode needs a secret token');
  const bot = new Bot<AdapterContext>(token, { client: { apiRoot } });
  // 429s and 5xx are waited out and retried inside the API client, so no caller has to. Network errors
  // are rethrown: auto-retry would otherwise retry them without limit (an upload cut off at our own size
  // limit included), and the runner already retries its own polls.
  bot.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 60, rethrowHttpErrors: true }));
  // Network errors get one jittered retry when no answer came back, then leave as PlatformNetworkError.
  bot.api.config.use(
    networkRetry({
      delayMs: options.networkRetryDelayMs ?? 500,
      onRetry: (info) => log.info(info, 'telegram network error, retrying once'),
    }),
  );
  // The runner is silenced (it prints raw errors, whose URLs hold the token); its failed polls are logged here.
  bot.api.config.use(async (prev, method, payload, signal) => {
    try {
      return await prev(method, payload, signal);
    } catch (error) {
      if (method === 'getUpdates' && !signal?.aborted)
        log.warn({ err: loggableError(error, token) }, 'telegram getUpdates failed');
      throw error;
    }
  });
  const port = createTelegramPort({
    api: bot.api,
    localServer: options.localServer,
    editThrottleMs: options.editThrottleMs,
  });
  const openFile = createFileOpener(bot.api, token, apiRoot);
  const admins = new ChatAdmins(bot.api, options.adminCacheMs);
  const isChatAdmin = (chatId: number, userId: number) => admins.isAdmin(chatId, userId);
  const albums = new AlbumCollector<MessagePart>(options.albumQuietMs ?? 800);
  const detached = new Set<Promise<void>>();
  let runner: RunnerHandle | undefined;
  let stopped = false;

  const report = (error: unknown, updateId?: number) => {
    if (error instanceof PlatformNetworkError) {
      log.warn(
        { method: error.method, chatId: error.chatId, reason: error.reason, updateId },
        'network error',
      );
      return;
    }
    log.error({ err: loggableError(error, token), updateId }, 'telegram update failed');
  };
  bot.catch((error) => report(error.error, error.ctx.update.update_id));

  if (webhook) {
    // Telegram waits for the webhook answer before sending the chat's next update: answer at once and
    // let the work run on. Order within a chat is kept by `sequentialize` below and then by the core.
    bot.use((ctx, next) => {
      const task = next().catch((error: unknown) => report(error, ctx.update.update_id));
      detached.add(task);
      void task.finally(() => detached.delete(task));
    });
  }

  const guarded = bot.errorBoundary((error) => report(error.error, error.ctx.update.update_id));

  // Answer a button press at once (the client shows a spinner until then), even while the chat is busy.
  guarded.on('callback_query', async (ctx, next) => {
    await ctx.answerCallbackQuery().catch((error: unknown) => report(error, ctx.update.update_id));
    await next();
  });

  // Album parts are gathered before `sequentialize`: a part waiting there would block the parts after it.
  // A message sent after an album of its conversation waits until the album is handed over, so "here are
  // the images" then "make a video of them" reach the core in that order.
  guarded.on('message', async (ctx, next) => {
    const conversation = `${conversationOf(ctx)}|`;
    const groupId = ctx.message.media_group_id;
    if (!groupId) {
      await albums.handedOver(conversation);
      return next();
    }
    const parts = await albums.add(`${conversation}${groupId}`, {
      updateId: ctx.update.update_id,
      message: ctx.message,
    });
    if (!parts) return; // travels with the first part
    ctx.album = parts;
    await next();
  });

  guarded.use(sequentialize(conversationOf));

  guarded.use(async (ctx) => {
    const deps = { me: ctx.me, openFile, isChatAdmin };
    const message = ctx.album ? normalizeAlbum(ctx.album, deps) : normalizeUpdate(ctx.update, deps);
    if (!message) return;
    // The core keeps the chat's order from the moment it is called; holding the chat here until a render
    // finishes would make /cancel, /status and /credits wait behind it.
    void handle(message, port).catch((error: unknown) => report(error, ctx.update.update_id));
  });

  async function start(): Promise<void> {
    await bot.init();
    await bot.api.setMyCommands(BOT_COMMANDS);
    if (webhook) {
      await bot.api.setWebhook(webhook.url, {
        secret_token: webhook.secret,
        allowed_updates: [...ALLOWED_UPDATES],
      });
      log.info({ username: bot.botInfo.username }, 'telegram bot receiving updates by webhook');
      return;
    }
    // A webhook left over from an earlier deployment would make getUpdates fail with 409.
    await bot.api.deleteWebhook();
    runner = run(bot, { runner: { silent: true, fetch: { allowed_updates: [...ALLOWED_UPDATES] } } });
    log.info({ username: bot.botInfo.username }, 'telegram bot polling for updates');
  }

  async function stop(): Promise<void> {
    stopped = true;
    // runner.stop() ends the pending getUpdates and waits for the middleware that is running.
    if (runner?.isRunning()) await runner.stop();
    await Promise.all([...detached]);
  }

  let webhookHandler: TelegramAdapter['webhookHandler'];
  if (webhook) {
    const callback = webhookCallback(bot, 'http', { secretToken: webhook.secret });
    webhookHandler = (req, res) => {
      // Telegram redelivers what it could not deliver, so a stopping bot just declines.
      if (stopped) {
        res.writeHead(503).end();
        return;
      }
      callback(req, res).catch((error: unknown) => {
        report(error);
        if (!res.headersSent) res.writeHead(500).end();
      });
    };
  }

  return { port, start, stop, ...(webhookHandler ? { webhookHandler } : {}) };
}
