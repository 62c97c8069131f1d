/**
 * The ChatPort for a channel (or thread) with the bot token alone, for jobs that outlive the interaction that
 * started them: a job taken over by another process after a restart has no interaction to answer through.
 * A message the bot token may not edit (an interaction's reply is a webhook message) is posted anew on its
 * first edit, and later edits change that copy.
 */
import type { Client, SendableChannels } from 'discord.js';
import type { Logger } from 'pino';
import type {
  ChatAction,
  ChatPort,
  ChatRef,
  OutgoingVideo,
  SendOptions,
  SentMessage,
} from '../../src/messages.js';
import { editPayload, MAX_TEXT_LENGTH, textPayloads, videoPayload } from './payloads.js';
import { DEFAULT_UPLOAD_LIMIT, EDIT_THROTTLE_MS, MAX_DOWNLOAD_BYTES } from './port.js';
import { CoalescingThrottle } from './throttle.js';
import { videoMessage } from './video.js';

export class ChannelPort implements ChatPort {
  readonly platform = 'discord' as const;
  readonly limits = {
    maxUploadBytes: DEFAULT_UPLOAD_LIMIT,
    maxDownloadBytes: MAX_DOWNLOAD_BYTES,
    maxTextLength: MAX_TEXT_LENGTH,
  };
  /** Ids the core knows → the channel message that now stands for them. */
  private readonly copies = new Map<string, string>();
  private readonly throttle: CoalescingThrottle;

  constructor(
    private readonly client: Client,
    private readonly log: Logger,
    editThrottleMs = EDIT_THROTTLE_MS,
  ) {
    this.throttle = new CoalescingThrottle(editThrottleMs);
  }

  async sendText(chat: ChatRef, text: string, options: SendOptions = {}): Promise<SentMessage> {
    const channel = await this.channelOf(chat);
    let sent: SentMessage | undefined;
    for (const payload of textPayloads(text, options)) sent = { id: (await channel.send(payload)).id };
    return sent!;
  }

  editText(
    chat: ChatRef,
    messageId: string,
    text: string,
    options: Pick<SendOptions, 'buttons'> = {},
  ): Promise<void> {
    const payload = editPayload(text, options.buttons);
    return this.throttle.run(messageId, async () => {
      const channel = await this.channelOf(chat);
      const target = this.copies.get(messageId) ?? messageId;
      try {
        await channel.messages.edit(target, payload);
      } catch (error) {
        if (this.copies.has(messageId)) throw error;
        this.log.debug({ messageId }, 'discord: cannot edit that message with the bot token; posting anew');
        this.copies.set(messageId, (await channel.send(payload)).id);
      }
    });
  }

  async showAction(chat: ChatRef, _action: ChatAction): Promise<void> {
    await (await this.channelOf(chat)).sendTyping();
  }

  async sendVideo(chat: ChatRef, video: OutgoingVideo, options: SendOptions = {}): Promise<SentMessage> {
    const body = await videoMessage(video, this.limits.maxUploadBytes, undefined, this.log);
    const message = await (await this.channelOf(chat)).send(videoPayload(body, video, options));
    return { id: message.id };
  }

  private async channelOf(chat: ChatRef): Promise<SendableChannels> {
    const id = chat.threadId ?? chat.chatId;
    const found = await this.client.channels.fetch(id, { allowUnknownGuild: true });
    if (!found?.isSendable()) throw new Error(`discord: channel ${id} does not take messages`);
    return found;
  }
}
