/**
 * The conversation core: one `handle` that every adapter calls with a normalized message. It routes the
 * message, greets a new chat, answers quick questions at once and puts timeline work (uploads, edits,
 * exports) in the chat's queue. It never throws: a bug is logged once with the chat key and the user gets a
 * short apology.
 */
import type { Logger } from 'pino';
import { ChatQueue } from './conversation/chat-queue.js';
import { type Clock, Connections } from './conversation/connection.js';
import { askForFileFlow, cancelFlow, newProjectFlow } from './flows/commands.js';
import { connectFlow } from './flows/connect.js';
import type { FlowContext, FlowServices } from './flows/context.js';
import { creditsFlow } from './flows/credits.js';
import { editFlow } from './flows/edit.js';
import { reportFailure } from './flows/error-messages.js';
import { exportFlow } from './flows/export.js';
import { helpFlow } from './flows/help.js';
import { stateFlow } from './flows/state.js';
import { uploadFlow } from './flows/upload.js';
import { type ChatPort, chatKey, type HandleMessage, type IncomingMessage } from './messages.js';
import type { Metrics } from './metrics.js';
import type { NemoClient } from './nemo/index.js';
import type { SkillProfile } from './profiles.js';
import { type Intent, route } from './router/index.js';
import type { Store } from './store/store.js';
import { languageOf, sessionLanguage, textsFor } from './texts.js';

export interface BotDeps {
  nemo: NemoClient;
  store: Store;
  log: Logger;
  profile: SkillProfile;
  /** NEMO_TOKEN: every chat uses it; without it each chat gets its own anonymous token. */
  operatorToken?: string;
  /** How often a long edit's "still working" message is refreshed (PROGRESS_INTERVAL_MS). */
  progressIntervalMs: number;
  /** Longest an edit stream may run; the backend's own limit of 15 minutes by default. */
  editMaxDurationMs?: number;
  clock?: Clock;
  metrics?: Metrics;
}

export interface Bot {
  handle: HandleMessage;
  /** Resolves when no chat has queued or running work. */
  idle(): Promise<void>;
  /** Cancels running work and waits for it to stop. */
  close(): Promise<void>;
}

const FIFTEEN_MINUTES = 15 * 60_000;
/** Platforms redeliver an update for a while after a restart; remember ids for a day. */
const DEDUPE_TTL_MS = 24 * 60 * 60_000;
const NEVER_ABORTED = new AbortController().signal;

/** Timeline work waits its turn; everything else answers at once. */
type QueuedIntent = Extract<Intent, { kind: 'upload' | 'edit' | 'export' }>;

export function createBot(deps: BotDeps): Bot {
  const clock = deps.clock ?? { now: () => Date.now() };
  const services: FlowServices = {
    nemo: deps.nemo,
    store: deps.store,
    profile: deps.profile,
    clock,
    progressIntervalMs: deps.progressIntervalMs,
    editMaxDurationMs: deps.editMaxDurationMs ?? FIFTEEN_MINUTES,
    metrics: deps.metrics,
  };
  const connections = new Connections({
    nemo: deps.nemo,
    store: deps.store,
    log: deps.log,
    operatorToken: deps.operatorToken,
    clock,
  });
  const queue = new ChatQueue((key, error) =>
    deps.log.error({ err: error, chatKey: key }, 'a queued job failed'),
  );
  // Messages of one chat are taken in arrival order up to the point their work is queued (or answered), so
  // "upload, then edit, then export" sent quickly run in that order. The work itself does not hold the line.
  const intake = new Map<string, Promise<unknown>>();

  function contextFor(message: IncomingMessage, port: ChatPort, log: Logger): FlowContext {
    const key = chatKey(message.chat);
    const t = textsFor(languageOf(message));
    const ctx: FlowContext = {
      ...services,
      message,
      port,
      chat: message.chat,
      chatKey: key,
      lang: t.lang,
      t,
      log,
      signal: NEVER_ABORTED,
      sessionRenewalAnnounced: false,
      conn: connections.for(key, sessionLanguage(message), async () => {
        ctx.sessionRenewalAnnounced = true;
        await port.sendText(message.chat, t.sessionGone);
      }),
    };
    return ctx;
  }

  /** Runs a flow, turning expected failures into the prescribed message; bugs propagate. */
  async function run(ctx: FlowContext, flow: (ctx: FlowContext) => Promise<unknown>): Promise<void> {
    try {
      await flow(ctx);
    } catch (error) {
      await reportFailure(ctx, error);
    }
  }

  function enqueue(ctx: FlowContext, intent: QueuedIntent): { ahead: number; done: Promise<unknown> } {
    return queue.enqueue(ctx.chatKey, async (signal) => {
      const job: FlowContext = { ...ctx, signal };
      const kind = intent.kind;
      deps.metrics?.runningJobs.inc({ kind });
      try {
        await run(job, async () => {
          if (intent.kind === 'export') return exportFlow(job);
          if (intent.kind === 'edit') return editFlow(job, intent.text);
          const uploaded = await uploadFlow(job, ctx.message.attachments, {
            followedByEdit: Boolean(intent.then),
          });
          if (uploaded && intent.then && !signal.aborted) await editFlow(job, intent.then);
        });
      } catch (bug) {
        await apologize(job, bug);
      } finally {
        deps.metrics?.runningJobs.dec({ kind });
      }
    });
  }

  /**
   * Everything up to queuing, in arrival order per chat. Returns the queued work to wait for, if any — boxed,
   * because an async function returning a bare promise would adopt it and hold the chat's line until it ends.
   */
  async function accept(
    ctx: FlowContext,
    intent: Exclude<Intent, { kind: 'ignore' }>,
  ): Promise<{ queued?: Promise<unknown> }> {
    const record = await ctx.store.getChat(ctx.chatKey);
    if (!record.greeted) {
      const connected = await connectFlow(ctx);
      // The greeting already says what /start and /help would; a failed connection was explained.
      if (!connected || intent.kind === 'start' || intent.kind === 'help') return {};
    }
    switch (intent.kind) {
      case 'start':
      case 'help':
        await helpFlow(ctx);
        return {};
      case 'credits':
        await run(ctx, creditsFlow);
        return {};
      case 'state':
        await run(ctx, stateFlow);
        return {};
      case 'cancel':
        await cancelFlow(ctx, queue);
        return {};
      case 'new':
        await run(ctx, (c) => newProjectFlow(c, queue));
        return {};
      case 'upload':
        if (ctx.message.attachments.length === 0) {
          await askForFileFlow(ctx);
          return {};
        }
        break;
      default:
        break;
    }
    const { ahead, done } = enqueue(ctx, intent as QueuedIntent);
    if (ahead > 0) await ctx.port.sendText(ctx.chat, ctx.t.queued(ahead), { replyTo: ctx.message.id });
    return { queued: done };
  }

  async function apologize(ctx: FlowContext, bug: unknown): Promise<void> {
    ctx.log.error({ err: bug }, 'bug while handling a message');
    await ctx.port.sendText(ctx.chat, ctx.t.apology, { replyTo: ctx.message.id }).catch(() => undefined);
  }

  const handle: HandleMessage = async (message, port) => {
    const key = chatKey(message.chat);
    const log = deps.log.child({ chatKey: key });
    let ctx: FlowContext | undefined;
    try {
      ctx = contextFor(message, port, log);
      const intent = route(message);
      deps.metrics?.updates.inc({ platform: message.chat.platform, intent: intent.kind });
      if (intent.kind === 'ignore') return;
      if (message.updateId && !(await deps.store.firstSeen(`update:${message.updateId}`, DEDUPE_TTL_MS))) {
        log.debug({ updateId: message.updateId }, 'skipped a redelivered update');
        return;
      }
      const current = ctx;
      const previous = intake.get(key) ?? Promise.resolve();
      const accepted = previous.then(() => accept(current, intent));
      const tail = accepted.catch(() => undefined);
      intake.set(key, tail);
      void tail.then(() => {
        if (intake.get(key) === tail) intake.delete(key);
      });
      const { queued } = await accepted;
      await queued;
    } catch (bug) {
      if (ctx) await apologize(ctx, bug);
      else log.error({ err: bug }, 'bug while handling a message');
    }
  };

  return {
    handle,
    idle: async () => {
      while (intake.size > 0) await Promise.all([...intake.values()]);
      await queue.idle();
    },
    close: () => queue.close(),
  };
}
