/**
 * What every flow receives: the message, the port to answer through, the chat's backend connection and the
 * shared services. Flows get everything passed in, so tests can drive them with real parts and fakes alike.
 */
import type { Logger } from 'pino';
import type { ChatConnection, Clock } from '../conversation/connection.js';
import type { RunningJob } from '../jobs/types.js';
import type { Button, ChatPort, ChatRef, IncomingMessage, SendOptions, SentMessage } from '../messages.js';
import type { Metrics } from '../metrics.js';
import type { NemoClient } from '../nemo/index.js';
import type { SkillProfile } from '../profiles.js';
import { splitText } from '../split-text.js';
import type { Store } from '../store/store.js';
import type { Lang, Texts } from '../texts.js';

export interface FlowServices {
  nemo: NemoClient;
  store: Store;
  profile: SkillProfile;
  clock: Clock;
  /** How often a long edit's progress message is refreshed. */
  progressIntervalMs: number;
  /** Longest an edit's stream may run (the backend's own limit is 15 minutes). */
  editMaxDurationMs: number;
  metrics?: Metrics;
  /** Where an edit that cost the backend nothing gives its unit of the daily budget back. */
  editBudget?: { giveBack(message: IncomingMessage): Promise<void> };
}

export interface FlowContext extends FlowServices {
  message: IncomingMessage;
  port: ChatPort;
  chat: ChatRef;
  chatKey: string;
  lang: Lang;
  t: Texts;
  log: Logger;
  conn: ChatConnection;
  /** Fires on /cancel, /new or shutdown for queued work; never fires for quick answers. */
  signal: AbortSignal;
  /** Set once the user heard that the backend lost the session, so they are not told twice. */
  sessionRenewalAnnounced: boolean;
  /**
   * The durable job an export or edit runs in: the flow saves there what a takeover must not redo (the
   * render started, the edit sent). Absent for work that cannot outlive its process (an upload's edit).
   */
  job?: Pick<RunningJob, 'record' | 'update' | 'reload'>;
}

/** Sends text as a reply to the user's message, split to fit the platform's message length. */
export async function reply(ctx: FlowContext, text: string, options: SendOptions = {}): Promise<SentMessage> {
  const parts = splitText(text, ctx.port.limits.maxTextLength);
  let last: SentMessage | undefined;
  for (const [index, part] of parts.entries()) {
    const isLast = index === parts.length - 1;
    // Only the first part replies to the user's message; buttons and mentions belong to the last.
    last = await ctx.port.sendText(ctx.chat, part, {
      replyTo: index === 0 ? (options.replyTo ?? ctx.message.id) : undefined,
      buttons: isLast ? options.buttons : undefined,
      mention: isLast ? options.mention : undefined,
    });
  }
  return last!;
}

/** Edits a progress message; a failed edit (message deleted, rate limit) must never fail the job itself. */
export async function editQuietly(
  ctx: FlowContext,
  messageId: string,
  text: string,
  buttons?: Button[][],
): Promise<void> {
  try {
    await ctx.port.editText(
      ctx.chat,
      messageId,
      text.slice(0, ctx.port.limits.maxTextLength),
      buttons ? { buttons } : undefined,
    );
  } catch (error) {
    ctx.log.debug({ err: error }, 'could not edit a progress message');
  }
}

/** The buttons offered after a result: what a user most likely wants next. */
export function nextStepButtons(t: Texts, withExport: boolean): Button[][] {
  const row: Button[] = [{ label: t.buttons.status, action: 'status' }];
  if (withExport) row.unshift({ label: t.buttons.export, action: 'export' });
  return [row];
}

/**
 * One message that shows a job's progress and ends with its outcome. Edits go out one at a time and in order,
 * so a late "still working" can never overwrite the final text; while one edit is in flight only the newest
 * pending text is kept (platforms rate-limit edits).
 */
export class ProgressMessage {
  private chain: Promise<void> = Promise.resolve();
  private pending: string | undefined;
  private finished = false;

  /** `shown`: the text the message has now, when known; an edit to the same text is skipped (platforms
   * refuse it as "not modified" and still count it against the chat's rate limit). */
  private constructor(
    private readonly ctx: FlowContext,
    readonly id: string,
    private shown?: string,
  ) {}

  static async send(ctx: FlowContext, text: string): Promise<ProgressMessage> {
    const sent = await reply(ctx, text);
    return new ProgressMessage(ctx, sent.id, text);
  }

  /** The job's progress message if an earlier owner sent one, else a new one (saved to the job). */
  static async forJob(ctx: FlowContext, text: string): Promise<ProgressMessage> {
    const saved = ctx.job?.record.progressMessageId;
    if (saved) {
      const resumed = new ProgressMessage(ctx, saved);
      resumed.update(text);
      return resumed;
    }
    const progress = await ProgressMessage.send(ctx, text);
    await ctx.job?.update({ progressMessageId: progress.id });
    return progress;
  }

  update(text: string): void {
    if (this.finished) return;
    const idle = this.pending === undefined;
    this.pending = text;
    if (!idle) return;
    this.chain = this.chain.then(async () => {
      const latest = this.pending;
      this.pending = undefined;
      if (latest === undefined || latest === this.shown || this.finished) return;
      await editQuietly(this.ctx, this.id, latest);
      this.shown = latest;
    });
  }

  async finish(text: string, buttons?: Button[][]): Promise<void> {
    this.finished = true;
    await this.chain;
    await editQuietly(this.ctx, this.id, text, buttons);
  }
}

/** The profile's first example: what the user is told to try next. */
export function firstExample(ctx: Pick<FlowContext, 'profile'>): string {
  return ctx.profile.examples[0] ?? '';
}
