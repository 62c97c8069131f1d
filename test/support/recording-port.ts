/**
 * A ChatPort that records every call, for tests. Every text any recording port shows a user (sent, edited,
 * captions) also goes to one list per test file, which an afterAll hook checks for leaked tokens and raw JSON.
 */
import { afterAll, expect } from 'vitest';
import type {
  ChatAction,
  ChatPort,
  ChatRef,
  OutgoingVideo,
  Platform,
  SendOptions,
  SentMessage,
} from '../../src/messages.js';
import { findLeaks } from './leaks.js';

export type RecordedCall =
  | { type: 'send'; chat: ChatRef; id: string; text: string; options?: SendOptions }
  | { type: 'edit'; chat: ChatRef; id: string; text: string; options?: Pick<SendOptions, 'buttons'> }
  | { type: 'action'; chat: ChatRef; action: ChatAction }
  | { type: 'video'; chat: ChatRef; id: string; video: OutgoingVideo; options?: SendOptions };

/** Every text shown to a user in this test file, by any recording port. */
export const shownTexts: string[] = [];
/** Secret values (tokens the emulator issued) the leak check looks for, added by whoever knows them. */
export const knownSecrets = new Set<string>();

afterAll(() => {
  const leaks = findLeaks(shownTexts, [...knownSecrets]);
  expect(leaks, 'texts shown to users must hold no token and no raw JSON').toEqual([]);
});

export interface RecordingPortOptions {
  platform?: Platform;
  limits?: Partial<ChatPort['limits']>;
  /** Makes a call fail, to test that flows survive a platform error. */
  failOn?: (call: RecordedCall) => boolean;
}

export class RecordingPort implements ChatPort {
  readonly platform: Platform;
  readonly limits: ChatPort['limits'];
  readonly calls: RecordedCall[] = [];
  /** The current text of each sent message (after edits), by id. */
  readonly messages = new Map<string, string>();
  private nextId = 1;
  private waiters: Array<() => void> = [];

  constructor(private readonly options: RecordingPortOptions = {}) {
    this.platform = options.platform ?? 'test';
    this.limits = {
      maxUploadBytes: 50 * 1024 * 1024,
      maxDownloadBytes: 2 * 1024 * 1024 * 1024,
      maxTextLength: 4096,
      ...options.limits,
    };
  }

  async sendText(chat: ChatRef, text: string, options?: SendOptions): Promise<SentMessage> {
    const id = String(this.nextId++);
    this.record({ type: 'send', chat, id, text, options }, text);
    this.messages.set(id, text);
    return { id };
  }

  async editText(
    chat: ChatRef,
    messageId: string,
    text: string,
    options?: Pick<SendOptions, 'buttons'>,
  ): Promise<void> {
    if (!this.messages.has(messageId)) throw new Error(`edit of unknown message ${messageId}`);
    this.record({ type: 'edit', chat, id: messageId, text, options }, text);
    this.messages.set(messageId, text);
  }

  async showAction(chat: ChatRef, action: ChatAction): Promise<void> {
    this.record({ type: 'action', chat, action });
  }

  async sendVideo(chat: ChatRef, video: OutgoingVideo, options?: SendOptions): Promise<SentMessage> {
    const id = String(this.nextId++);
    this.record({ type: 'video', chat, id, video, options }, video.caption);
    return { id };
  }

  /** Texts of sent messages, in order, as first sent. */
  get sent(): string[] {
    return this.calls.flatMap((c) => (c.type === 'send' ? [c.text] : []));
  }

  /** Every text the user saw: sends, edits and captions. */
  get texts(): string[] {
    return this.calls.flatMap((c) =>
      c.type === 'send' || c.type === 'edit'
        ? [c.text]
        : c.type === 'video' && c.video.caption
          ? [c.video.caption]
          : [],
    );
  }

  get videos(): Array<Extract<RecordedCall, { type: 'video' }>> {
    return this.calls.filter((c): c is Extract<RecordedCall, { type: 'video' }> => c.type === 'video');
  }

  /** The latest send or edit whose text matches. */
  find(
    match: RegExp | ((text: string) => boolean),
  ): Extract<RecordedCall, { type: 'send' | 'edit' }> | undefined {
    const test = typeof match === 'function' ? match : (text: string) => match.test(text);
    return this.calls
      .filter(
        (c): c is Extract<RecordedCall, { type: 'send' | 'edit' }> => c.type === 'send' || c.type === 'edit',
      )
      .findLast((c) => test(c.text));
  }

  /** Resolves when a call satisfies the predicate (already recorded or still to come). */
  waitFor(predicate: (call: RecordedCall) => boolean, timeoutMs = 10_000): Promise<RecordedCall> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.calls.find(predicate);
        if (!found) return false;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== onCall);
        resolve(found);
        return true;
      };
      const onCall = () => void check();
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== onCall);
        reject(
          new Error(`no matching call within ${timeoutMs} ms; texts so far:\n${this.texts.join('\n---\n')}`),
        );
      }, timeoutMs);
      if (!check()) this.waiters.push(onCall);
    });
  }

  /** Resolves when a sent or edited text matches. */
  waitForText(match: RegExp, timeoutMs?: number): Promise<RecordedCall> {
    return this.waitFor((c) => (c.type === 'send' || c.type === 'edit') && match.test(c.text), timeoutMs);
  }

  clear(): void {
    this.calls.length = 0;
  }

  private record(call: RecordedCall, shown?: string): void {
    if (this.options.failOn?.(call)) throw new Error(`recording port told to fail on ${call.type}`);
    this.calls.push(call);
    if (shown !== undefined) shownTexts.push(shown);
    for (const waiter of [...this.waiters]) waiter();
  }
}
