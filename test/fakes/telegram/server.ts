import { EventEmitter, once } from 'node:events';
import { createReadStream, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, resolve } from 'node:path';
import type { Message, Update, User } from 'grammy/types';
import { request } from 'undici';
import { parseBody, type ReceivedFile } from './body.js';
import {
  buildCallbackQuery,
  buildFileMessage,
  buildTextMessage,
  type CallbackQueryInput,
  type FileMessageInput,
  type RegisteredFile,
  type TextMessageInput,
} from './builders.js';
import { ChatLog } from './chat-log.js';
import { UpdateQueue } from './update-queue.js';

export interface FakeTelegramOptions {
  token: string;
  /**
   * Behave like `telegram-bot-api --local`: 2000 MB limits instead of 20 MB / 50 MB, getFile returns absolute
   * paths. Give the adapter the same `localServer`: on loopback it cannot tell from the URL.
   */
  local?: boolean;
  botUsername?: string;
  /** Cloud mode's getFile limit (default 20 MB, as Telegram's); a bench raises it to move big files over HTTP. */
  cloudDownloadLimitBytes?: number;
  /** Told when getUpdates hands updates to the bot (bench hook: when an update counts as served). */
  onUpdatesServed?: (updates: readonly Update[]) => void;
  /** Told of every Bot API call as it arrives, body read (bench hook: when a reply counts as received). */
  onCall?: (call: RecordedCall) => void;
  /** Holds a method's answer until the returned promise settles (a slow Telegram, mid start-up). */
  beforeAnswer?: (method: string) => Promise<void> | undefined;
}

/** One Bot API call as the fake received it. File parts replace their `attach://` reference in `params`. */
export interface RecordedCall {
  method: string;
  params: Record<string, unknown>;
  files: ReceivedFile[];
  at: number;
  /** error_code when the fake answered with an error. */
  errorCode?: number;
  /** `result` of a successful answer (e.g. getFile's file_path). */
  result?: unknown;
  /** The fake closed the connection instead of answering (resetNext). */
  connectionReset?: true;
}

export interface ApiFailure {
  error_code: number;
  description: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

export interface WebhookDelivery {
  updateId: number;
  status: number;
}

class ApiError extends Error {
  constructor(readonly failure: ApiFailure) {
    super(failure.description);
  }
}

const bad = (description: string) =>
  new ApiError({ error_code: 400, description: `Bad Request: ${description}` });
const MB = 1024 * 1024;
/** The same limits the adapter's `telegramLimits` applies for a cloud or a local server. */
const LIMITS = {
  cloud: { download: 20 * MB, upload: 50 * MB },
  local: { download: 2000 * MB, upload: 2000 * MB },
};
const MAX_TEXT = 4096;

type Handler = (params: Record<string, unknown>, files: ReceivedFile[], closed: AbortSignal) => unknown;

export type FakeTelegram = Awaited<ReturnType<typeof startFakeTelegram>>;

/** A loopback Bot API server that answers like the real one, for driving a real grammY bot in tests. */
export async function startFakeTelegram(options: FakeTelegramOptions) {
  const { token } = options;
  const local = options.local ?? false;
  const limits = local
    ? LIMITS.local
    : { ...LIMITS.cloud, download: options.cloudDownloadLimitBytes ?? LIMITS.cloud.download };
  const botUser: User = {
    id: Number(token.split(':')[0]) || 42,
    is_bot: true,
    first_name: 'Video Bot',
    username: options.botUsername ?? 'VideoTestBot',
  };
  const calls: RecordedCall[] = [];
  const deliveries: WebhookDelivery[] = [];
  /** file_path of every file served over HTTP (a local-mode bot reads from disk and never appears here). */
  const downloads: string[] = [];
  const events = new EventEmitter();
  const updates = new UpdateQueue();
  const log = new ChatLog();
  const files = new Map<string, RegisteredFile & { file_path: string }>();
  const failures = new Map<string, ApiFailure[]>();
  /** Calls per method still to be answered by destroying the socket (a reset keep-alive connection). */
  const resets = new Map<string, number>();
  /** file_id → where it is gone: at getFile (Telegram lost it) or only at the download (its path expired). */
  const vanished = new Map<string, 'getFile' | 'download'>();
  /** file_id → bytes served before the download's connection dies. */
  const cutDownloads = new Map<string, number>();
  let webhook: { url: string; secret?: string } | undefined;
  let myCommands: unknown[] = [];
  /** Each group's administrators by user id; the bot may delete others' messages only where it is one. */
  const administrators = new Map<number, Set<number>>();

  function checkText(text: unknown, name: 'message text' | 'caption', max: number): string {
    if (typeof text !== 'string' || text.trim() === '') {
      if (name === 'caption') return '';
      throw bad('message text is empty');
    }
    if (text.length > max)
      throw bad(name === 'caption' ? 'message caption is too long' : 'message is too long');
    return text;
  }

  function checkEntities(text: string, entities: unknown): void {
    if (!Array.isArray(entities)) return;
    for (const e of entities as { offset: number; length: number }[]) {
      if (e.offset < 0 || e.length <= 0 || e.offset + e.length > text.length) {
        throw bad("can't parse entities: entity is beyond the end of the text");
      }
    }
  }

  function checkMarkup(markup: unknown): void {
    const rows = (markup as { inline_keyboard?: { callback_data?: string; url?: string }[][] } | undefined)
      ?.inline_keyboard;
    for (const button of rows?.flat() ?? []) {
      if (button.callback_data !== undefined && Buffer.byteLength(button.callback_data) > 64)
        throw bad('BUTTON_DATA_INVALID');
      if (button.callback_data === undefined && button.url === undefined) throw bad('BUTTON_TYPE_INVALID');
    }
  }

  function targetChat(params: Record<string, unknown>): number {
    const chatId = Number(params.chat_id);
    if (params.chat_id === undefined || Number.isNaN(chatId)) throw bad('chat_id is empty');
    return chatId;
  }

  /** Telegram's answer to `message_thread_id: 1`: the General topic takes no thread id. */
  function checkThread(params: Record<string, unknown>): void {
    if (params.message_thread_id !== undefined && Number(params.message_thread_id) === 1)
      throw bad('message thread not found');
  }

  /** Builds, stores and returns a message the bot sends, with the reply and topic fields the real server sets. */
  function botMessage(params: Record<string, unknown>, content: Record<string, unknown>): Message {
    const chatId = targetChat(params);
    checkThread(params);
    const message = {
      message_id: log.nextMessageId(chatId),
      from: botUser,
      chat:
        chatId > 0
          ? { id: chatId, type: 'private', first_name: 'User' }
          : { id: chatId, type: 'supergroup', title: 'Test group' },
      date: Math.floor(Date.now() / 1000),
      ...content,
    } as Message;
    if (params.message_thread_id !== undefined) {
      Object.assign(message, { message_thread_id: params.message_thread_id, is_topic_message: true });
    }
    const reply = params.reply_parameters as
      | { message_id: number; allow_sending_without_reply?: boolean }
      | undefined;
    if (reply) {
      const replied = log.find(chatId, reply.message_id);
      if (replied) Object.assign(message, { reply_to_message: replied });
      else if (!reply.allow_sending_without_reply) throw bad('message to be replied not found');
    }
    if (params.reply_markup !== undefined) {
      checkMarkup(params.reply_markup);
      Object.assign(message, { reply_markup: params.reply_markup });
    }
    return log.save(message);
  }

  /** Resolves a media field: an uploaded part (`attach://id`) or a file_id / URL string. */
  function mediaField(params: Record<string, unknown>, received: ReceivedFile[], field: string) {
    const value = params[field];
    if (typeof value !== 'string' || value === '') throw bad(`there is no ${field} in the request`);
    if (!value.startsWith('attach://'))
      return { file_id: value, file_unique_id: `u_${value.slice(0, 8)}`, file_size: undefined };
    const part = received.find((f) => f.field === value.slice('attach://'.length));
    if (!part) throw bad(`file ${value} not found in the request`);
    if (part.bytes > limits.upload) {
      throw new ApiError({ error_code: 413, description: 'Request Entity Too Large' });
    }
    params[field] = part;
    return {
      file_id: `f_${part.sha256.slice(0, 16)}`,
      file_unique_id: part.sha256.slice(0, 12),
      file_size: part.bytes,
      file_name: part.filename,
    };
  }

  function sendMedia(field: 'video' | 'document' | 'photo') {
    return (params: Record<string, unknown>, received: ReceivedFile[]) => {
      const media = mediaField(params, received, field);
      const caption = checkText(params.caption, 'caption', 1024);
      checkEntities(caption, params.caption_entities);
      const content =
        field === 'photo'
          ? { photo: [{ ...media, width: 1280, height: 720 }] }
          : field === 'video'
            ? {
                video: {
                  ...media,
                  width: params.width ?? 0,
                  height: params.height ?? 0,
                  duration: params.duration ?? 0,
                  mime_type: 'video/mp4',
                },
              }
            : { document: media };
      return botMessage(params, {
        ...content,
        ...(caption ? { caption, caption_entities: params.caption_entities } : {}),
      });
    };
  }

  const handlers: Record<string, Handler> = {
    getMe: () => ({
      ...botUser,
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
    }),
    getUpdates: (params, _files, closed) => {
      if (webhook) {
        throw new ApiError({
          error_code: 409,
          description:
            "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
        });
      }
      const served = updates.take(
        Number(params.offset ?? 0),
        Number(params.limit ?? 100),
        Number(params.timeout ?? 0),
        closed,
      );
      const onServed = options.onUpdatesServed;
      if (!onServed) return served;
      return served.then((batch) => {
        onServed(batch);
        return batch;
      });
    },
    sendMessage: (params) => {
      const text = checkText(params.text, 'message text', MAX_TEXT);
      checkEntities(text, params.entities);
      return botMessage(params, { text, ...(params.entities ? { entities: params.entities } : {}) });
    },
    editMessageText: (params) => {
      const chatId = targetChat(params);
      const message = log.find(chatId, Number(params.message_id));
      if (!message || message.from?.id !== botUser.id) throw bad('message to edit not found');
      const text = checkText(params.text, 'message text', MAX_TEXT);
      checkEntities(text, params.entities);
      checkMarkup(params.reply_markup);
      const sameMarkup =
        JSON.stringify(params.reply_markup ?? null) === JSON.stringify(message.reply_markup ?? null);
      if (message.text === text && sameMarkup) {
        throw bad(
          'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
        );
      }
      const edited = {
        ...message,
        text,
        edit_date: Math.floor(Date.now() / 1000),
        reply_markup: params.reply_markup,
      } as Message;
      return log.save(edited);
    },
    sendChatAction: (params) => {
      targetChat(params);
      checkThread(params);
      const actions = [
        'typing',
        'upload_photo',
        'record_video',
        'upload_video',
        'record_voice',
        'upload_voice',
        'upload_document',
        'choose_sticker',
        'find_location',
        'record_video_note',
        'upload_video_note',
      ];
      if (!actions.includes(String(params.action))) throw bad('wrong parameter action in request');
      return true;
    },
    getFile: (params) => {
      const file = files.get(String(params.file_id));
      if (!file) throw bad('invalid file_id');
      if (vanished.get(file.file_id) === 'getFile') throw bad('file not found');
      if (file.file_size > limits.download) throw bad('file is too big');
      return {
        file_id: file.file_id,
        file_unique_id: file.file_unique_id,
        file_size: file.file_size,
        file_path: file.file_path,
      };
    },
    sendVideo: sendMedia('video'),
    sendDocument: sendMedia('document'),
    sendPhoto: sendMedia('photo'),
    answerCallbackQuery: (params) => {
      if (typeof params.callback_query_id !== 'string' || params.callback_query_id === '')
        throw bad('query is too old and response timeout expired or query ID is invalid');
      return true;
    },
    setMyCommands: (params) => {
      const commands = params.commands as { command: string; description: string }[] | undefined;
      if (!Array.isArray(commands)) throw bad('commands must be an array');
      for (const c of commands) {
        if (!/^[a-z0-9_]{1,32}$/.test(c.command)) throw bad('BOT_COMMAND_INVALID');
        if (!c.description || c.description.length > 256) throw bad('command description is invalid');
      }
      myCommands = commands;
      return true;
    },
    getMyCommands: () => myCommands,
    getChatAdministrators: (params) => {
      const chatId = targetChat(params);
      if (chatId > 0) throw bad('there are no administrators in the private chat');
      return [...(administrators.get(chatId) ?? [])].map((id) => ({
        status: 'administrator',
        user: id === botUser.id ? botUser : { id, is_bot: false, first_name: `Admin ${id}` },
        can_be_edited: false,
        is_anonymous: false,
      }));
    },
    deleteMessage: (params) => {
      const chatId = targetChat(params);
      const messageId = Number(params.message_id);
      const message = log.find(chatId, messageId);
      if (!message) throw bad('message to delete not found');
      const own = message.from?.id === botUser.id;
      if (chatId < 0 && !own && !administrators.get(chatId)?.has(botUser.id))
        throw bad("message can't be deleted");
      log.delete(chatId, messageId);
      return true;
    },
    setWebhook: (params) => {
      const url = String(params.url ?? '');
      if (url === '') {
        webhook = undefined;
        return true;
      }
      const secret = params.secret_token === undefined ? undefined : String(params.secret_token);
      if (secret !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secret))
        throw bad('secret token contains unallowed characters');
      webhook = { url, secret };
      return true;
    },
    deleteWebhook: () => {
      webhook = undefined;
      return true;
    },
    getWebhookInfo: () => ({
      url: webhook?.url ?? '',
      has_custom_certificate: false,
      pending_update_count: updates.pendingCount,
    }),
  };

  function reply(res: ServerResponse, status: number, body: unknown): void {
    const json = JSON.stringify(body);
    res
      .writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) })
      .end(json);
  }

  async function handleMethod(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    const closed = new AbortController();
    res.on('close', () => closed.abort());
    const { params, files: received } = await parseBody(req);
    const call: RecordedCall = { method, params, files: received, at: Date.now() };
    calls.push(call);
    options.onCall?.(call);
    events.emit('call', call);
    await options.beforeAnswer?.(method);
    const pendingResets = resets.get(method) ?? 0;
    if (pendingResets > 0) {
      // Read, never answered: what a client sees when the server drops a keep-alive socket (socket hang up).
      resets.set(method, pendingResets - 1);
      call.connectionReset = true;
      events.emit('call', call);
      req.socket.destroy();
      return;
    }
    const injected = failures.get(method)?.shift();
    const handler = handlers[method];
    try {
      if (injected) throw new ApiError(injected);
      if (!handler) throw new ApiError({ error_code: 404, description: 'Not Found: method not found' });
      const result = await handler(params, received, closed.signal);
      call.result = result;
      if (!res.writableEnded) reply(res, 200, { ok: true, result });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      call.errorCode = error.failure.error_code;
      reply(res, error.failure.error_code, { ok: false, ...error.failure });
    }
  }

  function serveFile(res: ServerResponse, filePath: string): void {
    const file = [...files.values()].find((f) => f.file_path === filePath);
    if (!file || vanished.has(file.file_id)) {
      reply(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
      return;
    }
    downloads.push(filePath);
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': file.file_size });
    const cutAt = cutDownloads.get(file.file_id);
    if (cutAt === undefined) {
      createReadStream(file.localPath).pipe(res);
      return;
    }
    const part = createReadStream(file.localPath, { start: 0, end: cutAt - 1 });
    part.on('end', () => res.socket?.destroy());
    part.pipe(res, { end: false });
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const fileMatch = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (fileMatch) {
      if (fileMatch[1] !== token)
        return reply(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
      return serveFile(res, decodeURIComponent(fileMatch[2]!));
    }
    const methodMatch = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    if (!methodMatch) return reply(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    if (methodMatch[1] !== token)
      return reply(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    handleMethod(req, res, methodMatch[2]!).catch((error: unknown) => {
      if (!res.headersSent)
        reply(res, 500, {
          ok: false,
          error_code: 500,
          description: `Internal Server Error: ${String(error)}`,
        });
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  let fileCounter = 0;

  async function deliver(update: Update): Promise<void> {
    const target = webhook;
    if (!target) return;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (target.secret) headers['x-telegram-bot-api-secret-token'] = target.secret;
    try {
      const answer = await request(target.url, { method: 'POST', headers, body: JSON.stringify(update) });
      await answer.body.dump();
      deliveries.push({ updateId: update.update_id, status: answer.statusCode });
    } catch {
      deliveries.push({ updateId: update.update_id, status: 0 });
    }
    events.emit('delivery');
  }

  function waitUntil<T>(
    event: string,
    find: () => T | undefined,
    timeoutMs: number,
    what: string,
  ): Promise<T> {
    const found = find();
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolvePromise, reject) => {
      const check = () => {
        const hit = find();
        if (hit === undefined) return;
        clearTimeout(timer);
        events.off(event, check);
        resolvePromise(hit);
      };
      const timer = setTimeout(() => {
        events.off(event, check);
        reject(new Error(`fake telegram: timed out waiting for ${what}`));
      }, timeoutMs);
      events.on(event, check);
    });
  }

  return {
    apiRoot: `http://127.0.0.1:${port}`,
    /** Pass as the adapter's `localServer`, so both apply the same limits. */
    local,
    botUser,
    calls,
    deliveries,
    downloads,
    /** Queues an update for getUpdates, or POSTs it to the webhook when one is set (as Telegram does). */
    pushUpdate(update: Omit<Update, 'update_id'> & { update_id?: number }): Update {
      if (!webhook) return updates.push(update);
      const numbered = updates.number(update);
      void deliver(numbered);
      return numbered;
    },
    textMessage: (input: TextMessageInput) => buildTextMessage(log, input),
    fileMessage: (input: FileMessageInput) => buildFileMessage(log, input),
    callbackQuery: (input: CallbackQueryInput) => buildCallbackQuery(input),
    /** A message in the fake's log (one a user or the bot sent). */
    message: (chatId: number, messageId: number) => log.find(chatId, messageId),
    /** Makes a file on disk available to getFile and the file download endpoint. */
    registerFile(localPath: string): RegisteredFile {
      fileCounter += 1;
      const absolute = resolve(localPath);
      const file_size = statSync(absolute).size;
      const file_id = `file_${fileCounter}_${Date.now().toString(36)}`;
      const file_path = local ? absolute : `documents/file_${fileCounter}${extname(absolute)}`;
      const registered = {
        file_id,
        file_unique_id: `uniq_${fileCounter}`,
        file_size,
        localPath: absolute,
        file_path,
      };
      files.set(file_id, registered);
      return registered;
    },
    /**
     * The file is gone: getFile answers 400 "file not found" (`at: 'getFile'`), or getFile still gives a path
     * and the download answers 404 (`at: 'download'`, a path that expired in between).
     */
    vanishFile(fileId: string, at: 'getFile' | 'download' = 'getFile'): void {
      vanished.set(fileId, at);
    },
    /** Makes these users (the bot's id included, to let it delete messages) the group's administrators. */
    setAdministrators(chatId: number, userIds: number[]): void {
      administrators.set(chatId, new Set(userIds));
    },
    /** Every download of the file stops after `bytes`: the connection dies with the rest promised. */
    cutDownload(fileId: string, bytes: number): void {
      cutDownloads.set(fileId, bytes);
    },
    /** The next `times` calls of `method` are read and never answered: the fake destroys the socket. */
    resetNext(method: string, times = 1): void {
      resets.set(method, (resets.get(method) ?? 0) + times);
    },
    /** The next `times` calls of `method` fail with this error (e.g. 429 with parameters.retry_after). */
    failNext(method: string, failure: ApiFailure, times = 1): void {
      failures.set(method, [
        ...(failures.get(method) ?? []),
        ...Array.from({ length: times }, () => failure),
      ]);
    },
    /** Resolves with the first call (past or future) of `method` that matches. */
    waitFor(
      method: string,
      predicate: (call: RecordedCall) => boolean = () => true,
      timeoutMs = 5000,
    ): Promise<RecordedCall> {
      return waitUntil(
        'call',
        () => calls.find((c) => c.method === method && predicate(c)),
        timeoutMs,
        method,
      );
    },
    waitForDelivery(updateId: number, timeoutMs = 5000): Promise<WebhookDelivery> {
      return waitUntil(
        'delivery',
        () => deliveries.find((d) => d.updateId === updateId),
        timeoutMs,
        `webhook delivery ${updateId}`,
      );
    },
    callsOf: (method: string) => calls.filter((c) => c.method === method),
    get webhook() {
      return webhook;
    },
    async close(): Promise<void> {
      updates.wakeAll();
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
