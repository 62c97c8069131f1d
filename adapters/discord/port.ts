import type {
  BaseMessageOptions,
  ButtonInteraction,
  ChatInputCommandInteraction,
  SendableChannels,
} from 'discord.js';
import type { Logger } from 'pino';
import type {
  ChatAction,
  ChatPort,
  ChatRef,
  OutgoingVideo,
  SendOptions,
  SentMessage,
} from '../../src/messages.js';
import { isExpiredToken } from './errors.js';
import { editPayload, MAX_TEXT_LENGTH, textPayloads, videoPayload } from './payloads.js';
import { CoalescingThrottle } from './throttle.js';
import { videoMessage } from './video.js';

const MiB = 1024 * 1024;
/** Discord's upload limit without boosts, used when an interaction does not say its own. */
export const DEFAULT_UPLOAD_LIMIT = 10 * MiB;
/** The backend accepts files up to 500 MB; Discord attachments may be any size up to the guild's limit. */
export const MAX_DOWNLOAD_BYTES = 500 * MiB;
export { MAX_TEXT_LENGTH } from './payloads.js';
/** Discord keeps an interaction token for 15 minutes. */
export const INTERACTION_TOKEN_LIFETIME_MS = 15 * 60_000;
/** Progress edits at most this often: Discord rate-limits edits to one webhook message. */
export const EDIT_THROTTLE_MS = 2000;
export interface InteractionPortOptions {
  /** When the interaction arrived; its token is good for `tokenLifetimeMs` from then. */
  receivedAt: number;
  tokenLifetimeMs?: number;
  editThrottleMs?: number;
  log: Logger;
}

/**
 * The ChatPort for one interaction, deferred on arrival. The first answer fills the deferred reply
 * (unless it must notify someone: edits never notify), later ones are follow-ups. Once the interaction token is past its lifetime (or Discord says it is
 * invalid) answers go to the channel with the bot token instead, and edits of interaction messages
 * become new channel messages that later edits then change.
 */
export class InteractionPort implements ChatPort {
  readonly platform = 'discord' as const;
  readonly limits: ChatPort['limits'];
  private original: 'placeholder' | 'answered' | 'deleted' = 'placeholder';
  private originalId?: string;
  private tokenDead = false;
  /** Ids the core knows → the channel message that now stands for them. */
  private readonly channelMessages = new Map<string, string>();
  private readonly channels = new Map<string, Promise<SendableChannels>>();
  private readonly throttle: CoalescingThrottle;
  private readonly tokenLifetimeMs: number;
  // One request at a time, in call order: the first answer must fill the deferred reply before follow-ups.
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly interaction: ChatInputCommandInteraction | ButtonInteraction,
    private readonly options: InteractionPortOptions,
  ) {
    this.tokenLifetimeMs = options.tokenLifetimeMs ?? INTERACTION_TOKEN_LIFETIME_MS;
    this.throttle = new CoalescingThrottle(options.editThrottleMs ?? EDIT_THROTTLE_MS);
    this.limits = {
      maxUploadBytes: interaction.attachmentSizeLimit || DEFAULT_UPLOAD_LIMIT,
      maxDownloadBytes: MAX_DOWNLOAD_BYTES,
      maxTextLength: MAX_TEXT_LENGTH,
    };
  }

  sendText(chat: ChatRef, text: string, options: SendOptions = {}): Promise<SentMessage> {
    const payloads = textPayloads(text, options);
    return this.serial(async () => {
      let sent: SentMessage | undefined;
      for (const [index, payload] of payloads.entries()) {
        sent = await this.deliver(chat, payload, index === 0 && Boolean(options.mention));
      }
      return sent!;
    });
  }

  editText(
    chat: ChatRef,
    messageId: string,
    text: string,
    options: Pick<SendOptions, 'buttons'> = {},
  ): Promise<void> {
    const payload = editPayload(text, options.buttons);
    return this.throttle.run(messageId, () => this.serial(() => this.edit(chat, messageId, payload)));
  }

  async showAction(chat: ChatRef, _action: ChatAction): Promise<void> {
    // While the token lives, the deferred reply already shows "… is thinking"; Discord has no other
    // activity for interactions. In the channel fallback the typing indicator stands in.
    if (this.tokenUsable()) return;
    await (await this.channelOf(chat)).sendTyping();
  }

  async sendVideo(chat: ChatRef, video: OutgoingVideo, options: SendOptions = {}): Promise<SentMessage> {
    // Downloaded before queueing, so a slow download does not hold up other answers.
    const body = await videoMessage(
      video,
      this.limits.maxUploadBytes,
      this.interaction.locale,
      this.options.log,
    );
    return this.serial(() =>
      this.deliver(chat, videoPayload(body, video, options), Boolean(options.mention)),
    );
  }

  /**
   * Called when the core has handled the message. If it said nothing, the "is thinking…" placeholder
   * is removed rather than left spinning; anything sent later arrives as a follow-up.
   */
  settle(): Promise<void> {
    return this.serial(async () => {
      if (this.original !== 'placeholder' || !this.tokenUsable()) return;
      this.original = 'deleted';
      await this.interaction.deleteReply().catch((error: unknown) => {
        if (!isExpiredToken(error)) throw error;
      });
    });
  }

  private serial<T>(job: () => Promise<T>): Promise<T> {
    const run = this.tail.then(job);
    this.tail = run.catch(() => undefined);
    return run;
  }

  private tokenUsable(): boolean {
    return !this.tokenDead && Date.now() - this.options.receivedAt < this.tokenLifetimeMs;
  }

  private markTokenDead(error: unknown): void {
    if (!isExpiredToken(error)) throw error;
    this.tokenDead = true;
    this.options.log.info('discord: interaction token expired, answering in the channel');
  }

  /**
   * Sends a new answer. `notifies`: the answer mentions someone who must be notified. Filling the deferred
   * reply is an edit, and edits never notify, so such an answer replaces the placeholder with a follow-up.
   */
  private async deliver(chat: ChatRef, payload: BaseMessageOptions, notifies = false): Promise<SentMessage> {
    if (this.tokenUsable()) {
      try {
        if (this.original === 'placeholder' && !notifies) {
          const message = await this.interaction.editReply(payload);
          this.original = 'answered';
          this.originalId = message.id;
          return { id: message.id };
        }
        if (this.original === 'placeholder') {
          await this.interaction.deleteReply();
          this.original = 'deleted';
        }
        return { id: (await this.interaction.followUp(payload)).id };
      } catch (error) {
        this.markTokenDead(error);
      }
    }
    const message = await (await this.channelOf(chat)).send(payload);
    this.channelMessages.set(message.id, message.id);
    return { id: message.id };
  }

  private async edit(chat: ChatRef, messageId: string, payload: BaseMessageOptions): Promise<void> {
    const inChannel = this.channelMessages.get(messageId);
    if (inChannel) {
      await (await this.channelOf(chat)).messages.edit(inChannel, payload);
      return;
    }
    if (this.tokenUsable()) {
      try {
        await this.interaction.editReply({
          ...payload,
          message: messageId === this.originalId ? '@original' : messageId,
        });
        return;
      } catch (error) {
        this.markTokenDead(error);
      }
    }
    // A bot token may not edit interaction (webhook) messages: post the text anew and edit that copy later.
    const copy = await (await this.channelOf(chat)).send(payload);
    this.channelMessages.set(messageId, copy.id);
  }

  /** The conversation's channel (the thread, when there is one), fetched once with the bot token. */
  private channelOf(chat: ChatRef): Promise<SendableChannels> {
    const id = chat.threadId ?? chat.chatId;
    let channel = this.channels.get(id);
    if (!channel) {
      channel = this.interaction.client.channels.fetch(id, { allowUnknownGuild: true }).then((found) => {
        if (!found?.isSendable()) throw new Error(`discord: channel ${id} does not take messages`);
        return found;
      });
      // A failed fetch is not remembered, so the next answer tries again.
      channel.catch(() => this.channels.delete(id));
      this.channels.set(id, channel);
    }
    return channel;
  }
}
