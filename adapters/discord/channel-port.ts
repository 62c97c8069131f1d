/**
 * The ChatPort for a channel (or thread) with the bot token alone, for jobs that outlive the interaction that
 * started them: a job taken over by another process after a restart has no interaction to answer through.
 * A message the bot token may not edit (an interaction's reply is a webhook message) is posted anew on its
 * first edit, and later edits change that copy.
 */
import { type BaseMessageOptions, type Client, type SendableChannels, userMention } from 'discord.js';
import type { Logger } from 'pino';
import type {
  ChatAction,
  ChatPort,
  ChatRef,
  OutgoingVideo,
  Sender,
  SendOptions,
  SentMessage,
} from '../../src/messages.js';
import { splitText } from '../../src/split-text.js';
import { rowsOf } from './buttons.js';
import { DEFAULT_UPLOAD_LIMIT, EDIT_THROTTLE_MS, MAX_DOWNLOAD_BYTES, MAX_TEXT_LENGTH } from './port.js';
import { CoalescingThrottle } from './throttle.js';
import { videoMessage } from './video.js';

const MAX_ROWS = 5;

function mentionsFor(requester: Sender | undefined) {
  return { parse: [], users: requester ? [requester.id] : [], repliedUser: false };
}

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
    const prefix = options.mention ? `${userMention(options.mention.id)} ` : '';
    const pieces = splitText(text, MAX_TEXT_LENGTH - prefix.length);
    const channel = await this.channelOf(chat);
    let sent: SentMessage | undefined;
    for (const [index, piece] of pieces.entries()) {
      const first = index === 0;
      const message = await channel.send({
        content: first ? prefix + piece : piece,
        allowedMentions: mentionsFor(first ? options.mention : undefined),
        components: index === pieces.length - 1 && options.buttons ? rowsOf(options.buttons) : [],
      });
      sent = { id: message.id };
    }
    return sent!;
  }

  editText(
    chat: ChatRef,
    messageId: string,
    text: string,
    options: Pick<SendOptions, 'buttons'> = {},
  ): Promise<void> {
    const payload: BaseMessageOptions = {
      content: text.slice(0, MAX_TEXT_LENGTH),
      allowedMentions: mentionsFor(undefined),
      ...(options.buttons ? { components: rowsOf(options.buttons) } : {}),
    };
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
    const own = body.components ?? [];
    const buttons = (options.buttons ?? []).map((row) =>
      own.length > 0 ? row.filter((button) => button.url !== video.url) : row,
    );
    const content = [options.mention ? userMention(options.mention.id) : '', video.caption ?? '']
      .filter(Boolean)
      .join(' ');
    const message = await (await this.channelOf(chat)).send({
      ...body,
      content: content.slice(0, MAX_TEXT_LENGTH),
      allowedMentions: mentionsFor(options.mention),
      components: [...own, ...rowsOf(buttons, MAX_ROWS - own.length)],
    });
    return { id: message.id };
  }

  private async channelOf(chat: ChatRef): Promise<SendableChannels> {
    const id = chat.threadId ?? chat.chatId;
    const found = await this.client.channels.fetch(id, { allowUnknownGuild: true });
    if (!found?.isSendable()) throw new Error(`discord: channel ${id} does not take messages`);
    return found;
  }
}
