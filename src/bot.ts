/**
 * The conversation core: one `handle` that every adapter calls with a normalized message. It routes the
 * message, greets a new chat, answers quick questions at once and puts timeline work (uploads, edits,
 * exports) in the chat's queue. It never throws: a bug is logged once with the chat key and the user gets a
 * short apology.
 */
import type { Logger } from 'pino';
import { AccessGate } from './access/gate.js';
import { OPEN_ACCESS } from './access/policy.js';
import type { AccessConfig } from './config.js';
import { chatLockFrom } from './conversation/chat-lock.js';
import { ChatQueue } from './conversation/chat-queue.js';
import { type Clock, Connections } from './conversation/connection.js';
import { DownloadSlots } from './conversation/download-slots.js';
import { FloodGuard } from './conversation/flood-guard.js';
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
import { fencedPort } from './jobs/fenced-port.js';
import { MemoryJobEngine } from './jobs/memory-engine.js';
import type { PortDirectory } from './jobs/port-directory.js';
import { reportInterruptedEdit } from './jobs/recover-edit.js';
import type { JobEngine, JobKind, JobRecord, RunningJob } from './jobs/types.js';
import {
  type ChatPort,
  chatKey,
  type HandleMessage,
  type IncomingMessage,
  PlatformNetworkError,
} from './messages.js';
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
  /** How long a chat's lock outlives a process that died holding it (CHAT_LOCK_TTL_MS); default 30 s. */
  chatLockTtlMs?: number;
  /** Longest an edit stream may run; the backend's own limit of 15 minutes by default. */
  editMaxDurationMs?: number;
  clock?: Clock;
  metrics?: Metrics;
  /** Where exports and edits run; default: in this process, lost with it. */
  jobs?: JobEngine;
  /** How a job reaches its chat when no update of this process carries a port (a takeover). */
  ports?: PortDirectory;
  /** Who may use the bot and spend (ALLOWED_*, ADMIN_USERS, GROUP_SPENDERS, daily edits); default: everyone. */
  access?: AccessConfig;
  /** Bounds (config MAX_*); each unset one is unbounded. */
  limits?: BotLimits;
}

export interface BotLimits {
  /** Platform downloads at once in this process. */
  concurrentDownloads?: number;
  /** Jobs one chat may have waiting; past it the new one is refused with "you have N jobs waiting". */
  queuedJobsPerChat?: number;
  /** Messages one user may send per minute before the bot stops answering them. */
  messagesPerUserPerMinute?: number;
}

export interface Bot {
  handle: HandleMessage;
  /**
   * Starts running jobs, including those taken over from a process that is gone; call it once the adapters
   * can send (their ports are in the directory). The first export or edit starts it otherwise.
   */
  startJobs(): Promise<void>;
  /** Resolves when no chat has queued or running work. */
  idle(): Promise<void>;
  /**
   * Cancels running work and waits for it to stop; `leaveRunning` (durable jobs only): exports and edits are
   * left for another process to take over instead, and this one stops talking to their chats.
   */
  close(options?: { leaveRunning?: boolean }): Promise<void>;
}

const FIFTEEN_MINUTES = 15 * 60_000;
/** Platforms redeliver an update for a while after a restart; remember ids for a day. */
const DEDUPE_TTL_MS = 24 * 60 * 60_000;

/** Timeline work waits its turn; everything else answers at once. */
type QueuedIntent = Extract<Intent, { kind: 'upload' | 'edit' | 'export' }>;

/** A reply the platform could not take is a network error, not a bug: logged as such. True when it was one. */
function logNetworkError(log: Pick<Logger, 'warn'>, error: unknown): boolean {
  if (!(error instanceof PlatformNetworkError)) return false;
  log.warn({ method: error.method, chatId: error.chatId, reason: error.reason }, 'network error');
  return true;
}

export function createBot(deps: BotDeps): Bot {
  const clock = deps.clock ?? { now: () => Date.now() };
  const access = new AccessGate({
    config: deps.access ?? OPEN_ACCESS,
    store: deps.store,
    clock,
    log: deps.log,
  });
  const services: FlowServices = {
    editBudget: access,
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
    ...(deps.chatLockTtlMs ? { lockTtlMs: deps.chatLockTtlMs } : {}),
  });
  // The chat's lock in the store makes "one job per chat" hold across processes sharing one Redis.
  const queue = new ChatQueue(
    (key, error) => deps.log.error({ err: error, chatKey: key }, 'a queued job failed'),
    {
      lock: chatLockFrom(deps.store, {
        ...(deps.chatLockTtlMs ? { ttlMs: deps.chatLockTtlMs } : {}),
        onWarning: (msg, err) => deps.log.warn({ err }, msg),
      }),
    },
  );
  const limits = deps.limits ?? {};
  const downloads = new DownloadSlots(limits.concurrentDownloads ?? Number.POSITIVE_INFINITY);
  const flood = new FloodGuard(limits.messagesPerUserPerMinute ?? Number.POSITIVE_INFINITY, clock);
  const maxWaiting = limits.queuedJobsPerChat ?? Number.POSITIVE_INFINITY;
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
      // Its own signal per message: one shared never-aborted signal would collect a listener from every
      // backend call's AbortSignal.any (a leak on Node 20).
      signal: new AbortController().signal,
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

  const engine = deps.jobs ?? new MemoryJobEngine();
  let jobsStarted: Promise<void> | undefined;
  const startJobs = () => {
    jobsStarted ??= engine.start(processJob);
    return jobsStarted;
  };

  /** Runs an export or edit job, here or after a takeover: its context is rebuilt from the record. */
  async function processJob(job: RunningJob): Promise<void> {
    const { record } = job;
    const log = deps.log.child({ chatKey: chatKey(record.chat), jobId: record.id });
    const live = job.livePort ?? deps.ports?.portFor(record.chat);
    if (!live) throw new Error(`no way to send to a ${record.chat.platform} chat from this process`);
    if (record.phase === 'done') return;
    const ctx: FlowContext = {
      ...contextFor(messageOf(record), fencedPort(live, job.handedOver), log),
      signal: job.cancelled,
      job,
    };
    deps.metrics?.runningJobs.inc({ kind: record.kind });
    try {
      await run(ctx, async () => {
        if (record.kind === 'export') return exportFlow(ctx);
        // The edit reached the backend before its owner died: report, never resend.
        if (record.phase === 'sent') return reportInterruptedEdit(ctx, record);
        return editFlow(ctx, record.text);
      });
      await job.update({ phase: 'done' });
    } catch (bug) {
      await apologize(ctx, bug);
    } finally {
      deps.metrics?.runningJobs.dec({ kind: record.kind });
    }
  }

  function enqueue(ctx: FlowContext, intent: QueuedIntent): { ahead: number; done: Promise<unknown> } {
    if (intent.kind === 'export' || intent.kind === 'edit') {
      // Recorded as soon as it is accepted, before it waits its turn: if this process dies, the job is not
      // lost with the queue but runs elsewhere once its hold lapses (taken over like a running one).
      const record = newJobRecord(ctx.message, intent.kind, intent.kind === 'edit' ? intent.text : undefined);
      // A hold that fails (Redis away) only loses that safety net: the job still runs when its turn comes.
      const held = engine.hold(record).catch((error) => ctx.log.warn({ err: error }, 'could not hold a job'));
      const queued = queue.enqueue(ctx.chatKey, async (signal) => {
        try {
          await held;
          await startJobs();
          await engine.submit(record, { signal, port: ctx.port });
        } catch (bug) {
          await apologize(ctx, bug);
        }
      });
      void queued.done.then(async (outcome) => {
        if (outcome !== 'dropped') return;
        await engine.drop(record.id).catch((e) => ctx.log.warn({ err: e }, 'drop failed'));
        if (intent.kind === 'edit') await access.giveBack(ctx.message).catch(() => undefined);
      });
      return queued;
    }
    let captionSent = false;
    const queued = queue.enqueue(ctx.chatKey, async (signal) => {
      // Uploads stay in this process: their bytes come with the incoming message.
      const job: FlowContext = { ...ctx, signal };
      deps.metrics?.runningJobs.inc({ kind: intent.kind });
      try {
        await run(job, async () => {
          const uploaded = await downloads.run(() =>
            uploadFlow(job, ctx.message.attachments, { followedByEdit: Boolean(intent.then) }),
          );
          if (!uploaded || !intent.then || signal.aborted) return;
          captionSent = true;
          await editFlow(job, intent.then);
        });
      } catch (bug) {
        await apologize(job, bug);
      } finally {
        deps.metrics?.runningJobs.dec({ kind: intent.kind });
      }
    });
    // A caption counted as an edit that never went out (upload failed, cancelled, dropped) is given back.
    if (intent.then)
      void queued.done.then(() =>
        captionSent ? undefined : access.giveBack(ctx.message).catch(() => undefined),
      );
    return queued;
  }

  /**
   * Everything up to queuing, in arrival order per chat. Returns the queued work to wait for, if any — boxed,
   * because an async function returning a bare promise would adopt it and hold the chat's line until it ends.
   */
  async function accept(
    ctx: FlowContext,
    intent: Exclude<Intent, { kind: 'ignore' }>,
  ): Promise<{ queued?: Promise<unknown> }> {
    if ((await access.admit(ctx, intent)) === 'answered') return {};
    // Through the connection: the flow that follows reads the same record without another round trip.
    const record = await ctx.conn.record();
    if (!record.greeted) {
      // Under the chat's setup lock, so a chat whose first messages reach two processes is greeted once.
      const greeting = await connections.exclusive(`greet:${ctx.chatKey}`, async () =>
        (await ctx.store.getChat(ctx.chatKey)).greeted ? 'greeted elsewhere' : connectFlow(ctx),
      );
      // The greeting already says what /start and /help would; a failed connection was explained.
      if (greeting === false) return {};
      if (greeting === true && (intent.kind === 'start' || intent.kind === 'help')) return {};
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
    const waiting = queue.waitingCount(ctx.chatKey);
    if (waiting >= maxWaiting) {
      await ctx.port.sendText(ctx.chat, ctx.t.tooManyWaiting(waiting), { replyTo: ctx.message.id });
      return {};
    }
    const { ahead, done } = enqueue(ctx, intent as QueuedIntent);
    if (ahead > 0) await ctx.port.sendText(ctx.chat, ctx.t.queued(ahead), { replyTo: ctx.message.id });
    return { queued: done };
  }

  async function apologize(ctx: FlowContext, bug: unknown): Promise<void> {
    if (logNetworkError(ctx.log, bug)) return; // an apology would meet the same network
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
      if (!flood.admit(`${message.chat.platform}:${message.sender.id}`)) {
        log.debug({ senderId: message.sender.id }, 'over the messages-per-minute limit; not answering');
        return;
      }
      const current = ctx;
      // The message takes its place in the chat's line before the first await, so an adapter may hand
      // messages over without waiting for earlier ones to finish (a /cancel must not wait behind its job).
      const previous = intake.get(key) ?? Promise.resolve();
      const accepted = previous.then(async () => {
        if (message.updateId && !(await deps.store.firstSeen(`update:${message.updateId}`, DEDUPE_TTL_MS))) {
          log.debug({ updateId: message.updateId }, 'skipped a redelivered update');
          return {};
        }
        return accept(current, intent);
      });
      const tail = accepted.catch(() => undefined);
      intake.set(key, tail);
      void tail.then(() => {
        if (intake.get(key) === tail) intake.delete(key);
      });
      const { queued } = await accepted;
      await queued;
    } catch (bug) {
      if (ctx) await apologize(ctx, bug);
      else if (!logNetworkError(log, bug)) log.error({ err: bug }, 'bug while handling a message');
    }
  };

  return {
    handle,
    startJobs,
    idle: async () => {
      while (intake.size > 0) await Promise.all([...intake.values()]);
      await queue.idle();
    },
    close: async (options = {}) => {
      if (options.leaveRunning && engine.durable) {
        // First hand the jobs over (their waiters here return), then drop what never reached the engine.
        await engine.close({ leaveRunning: true });
        await queue.close();
        return;
      }
      await queue.close();
      await engine.close({ leaveRunning: false });
    },
  };
}

/** A job's id: unique per received message, and free of ':' (BullMQ reserves it). */
function jobIdOf(message: IncomingMessage, kind: JobKind): string {
  return `${kind}-${chatKey(message.chat)}-${message.id}-${message.receivedAt}`.replaceAll(':', '_');
}

function newJobRecord(message: IncomingMessage, kind: JobKind, instruction?: string): JobRecord {
  return {
    id: jobIdOf(message, kind),
    kind,
    chat: message.chat,
    requester: message.sender,
    replyTo: message.id,
    ...(message.language ? { language: message.language } : {}),
    text: instruction ?? message.text,
    receivedAt: message.receivedAt,
    phase: 'queued',
  };
}

/** The message a job answers, as far as its flows need it: who asked, where, in which language. */
function messageOf(record: JobRecord): IncomingMessage {
  return {
    id: record.replyTo,
    chat: record.chat,
    sender: record.requester,
    text: record.text,
    attachments: [],
    isGroup: false,
    addressedToBot: true,
    ...(record.language ? { language: record.language } : {}),
    receivedAt: record.receivedAt,
  };
}
