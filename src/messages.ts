import type { Readable } from 'node:stream';

/** The platforms an adapter can speak for. The core never branches on this except to build keys. */
export type Platform = 'telegram' | 'discord' | 'console' | 'test';

/** Where a conversation lives. A forum topic or a Discord thread is its own conversation. */
export interface ChatRef {
  platform: Platform;
  chatId: string;
  /** Telegram `message_thread_id` of a forum topic, or a Discord thread id. */
  threadId?: string;
}

/** Stable key of a conversation, used by the store and the per-chat queue: `telegram:-100123:42`. */
export function chatKey(chat: ChatRef): string {
  return chat.threadId
    ? `${chat.platform}:${chat.chatId}:${chat.threadId}`
    : `${chat.platform}:${chat.chatId}`;
}

export interface Sender {
  id: string;
  displayName: string;
  /** Platform handle without the @, when there is one. */
  username?: string;
}

export type AttachmentKind = 'video' | 'photo' | 'audio' | 'voice' | 'document' | 'animation' | 'video_note';

/** A file the user sent. Bytes are fetched only when `open()` is called, so refused files are never downloaded. */
export interface Attachment {
  kind: AttachmentKind;
  /** File name as the user sent it, or one the adapter made up from the kind (`video.mp4`). */
  name: string;
  /** MIME type the platform claims; the upload flow still checks the magic bytes. */
  mimeType?: string;
  /** Size the platform reports, when it reports one. */
  size?: number;
  /** Opens a byte stream of the file. Each call opens a new stream. */
  open(signal?: AbortSignal): Promise<Readable>;
}

/**
 * Thrown by `Attachment.open()` (or the stream it gave) when the platform will not hand the file over: it is
 * too big for the bot to fetch there (`limitBytes` when the platform's limit is known), or it is gone or
 * unavailable for now and the user can send it again. A message for the user, never a bug.
 */
export class AttachmentUnavailableError extends Error {
  override name = 'AttachmentUnavailableError';
  constructor(
    readonly reason: 'too-large' | 'unavailable',
    message: string,
    readonly limitBytes?: number,
  ) {
    super(message);
  }
}

/**
 * Thrown by a ChatPort when the platform could not be reached (a reset, refused or cut connection, a timeout)
 * after the adapter's own retry: the message was not delivered. Not a bug: logged as a network error with the
 * platform method and the chat, and no apology is sent (it would meet the same network).
 */
export class PlatformNetworkError extends Error {
  override name = 'PlatformNetworkError';
  constructor(
    readonly method: string,
    readonly chatId: string | undefined,
    /** The socket error code (ECONNRESET…) or what failed (timeout), never a URL: platform URLs hold tokens. */
    readonly reason: string,
  ) {
    super(`network error calling ${method}: ${reason}`);
  }
}

/** What a button does; short so it fits Telegram's 64-byte callback_data with room for a key. */
export type ButtonAction = 'export' | 'status' | 'cancel' | 'new' | 'credits' | 'help' | 'download';

export interface Button {
  label: string;
  action: ButtonAction;
  /** A URL button opens a link instead of coming back to the bot. */
  url?: string;
}

/** One normalized message from any platform. */
export interface IncomingMessage {
  /** Platform message id (or interaction id); unique within the chat. */
  id: string;
  /** Platform-wide unique id of the update, used to process a redelivered update once. */
  updateId?: string;
  chat: ChatRef;
  sender: Sender;
  /** Text or caption with the bot's own @mention removed. Empty when there is none. */
  text: string;
  /** `/export@MyBot args` → { name: 'export', args: 'args' }; slash commands on Discord too. */
  command?: { name: string; args: string };
  /** A button the user pressed, instead of text. */
  action?: ButtonAction;
  attachments: Attachment[];
  isGroup: boolean;
  /** Private chat, a command, a reply to the bot or a mention of it: the bot should answer. */
  addressedToBot: boolean;
  /** BCP 47 / ISO language the platform reports for the sender, e.g. `en`, `zh-CN`. */
  language?: string;
  receivedAt: number;
  /** The community the chat belongs to, when the platform has one: a Discord guild id (access lists name it). */
  communityId?: string;
  /**
   * In a group: whether the sender may run it (Telegram: a chat administrator; Discord: Manage Server or the
   * spender role). Asked only when a rule needs it, since finding out may cost a platform call.
   */
  senderIsGroupAdmin?: () => Promise<boolean>;
}

/** A message the bot sent, so it can be edited later (progress). */
export interface SentMessage {
  id: string;
}

export interface SendOptions {
  /** Reply to this incoming message id. */
  replyTo?: string;
  buttons?: Button[][];
  /** Mention (and notify) this user; adapters must ping nobody else. */
  mention?: Sender;
}

/** A finished video to deliver; the adapter sends the file when it fits its upload limit, else a link. */
export interface OutgoingVideo {
  url: string;
  fileName: string;
  size?: number;
  durationSec?: number;
  width?: number;
  height?: number;
  caption?: string;
}

export type ChatAction = 'typing' | 'upload_video';

/** What every adapter implements; the flows answer only through this. */
export interface ChatPort {
  readonly platform: Platform;
  /** Largest file the bot may send on this platform, and text length per message. */
  readonly limits: { maxUploadBytes: number; maxDownloadBytes: number; maxTextLength: number };
  sendText(chat: ChatRef, text: string, options?: SendOptions): Promise<SentMessage>;
  editText(
    chat: ChatRef,
    messageId: string,
    text: string,
    options?: Pick<SendOptions, 'buttons'>,
  ): Promise<void>;
  showAction(chat: ChatRef, action: ChatAction): Promise<void>;
  sendVideo(chat: ChatRef, video: OutgoingVideo, options?: SendOptions): Promise<SentMessage>;
  /**
   * Deletes a user's message (one holding a token); false when the platform or the bot's rights do not allow
   * it. Absent on platforms where there is nothing to delete.
   */
  deleteMessage?(chat: ChatRef, messageId: string): Promise<boolean>;
}

/**
 * The core's entry point that every adapter calls for each normalized message. The message takes its place
 * in its chat's order when called, so adapters need not (and should not) wait for one message's work before
 * handing over the next. Resolves when the message's work, a queued job included, is finished. Never throws.
 */
export type HandleMessage = (message: IncomingMessage, port: ChatPort) => Promise<void>;
