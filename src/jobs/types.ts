/**
 * A long job (an export: render and delivery; an edit: one message to the agent) as a record that outlives
 * the process that accepted it. Whatever a takeover needs to carry on, without redoing what may cost the
 * user credits, is written here before the side effect it guards.
 */
import type { ChatPort, ChatRef, Sender } from '../messages.js';

export type JobKind = 'export' | 'edit';

/**
 * - `queued`: nothing reached the backend yet; a takeover starts from the beginning.
 * - `sent`: an edit's message was handed to the backend; it must never be sent again.
 * - `rendering`: a render was started (`renderId`); a takeover polls it instead of starting another.
 * - `delivering`: the result is being sent to the chat; delivery is guarded by an idempotency key.
 * - `done`: the user has the result.
 */
export type JobPhase = 'queued' | 'sent' | 'rendering' | 'delivering' | 'done';

export interface JobRecord {
  /** Unique per accepted message; also the queue's job id, so adding it twice adds it once. */
  id: string;
  kind: JobKind;
  chat: ChatRef;
  requester: Sender;
  /** The user's message the answers reply to. */
  replyTo: string;
  /** The sender's language as the platform reported it (texts and new sessions follow it). */
  language?: string;
  /** The edit's instruction; also what the router read the export from. */
  text: string;
  /** When the message arrived (ms since epoch): "long job" mentions count from here. */
  receivedAt: number;
  /** The message that shows progress and ends with the outcome. */
  progressMessageId?: string;
  renderId?: string;
  /** The backend's draft before an edit, to tell what the edit changed after a takeover. */
  draftBefore?: unknown;
  phase: JobPhase;
}

/** What may change on a record while its job runs. */
export type JobPatch = Partial<Pick<JobRecord, 'progressMessageId' | 'renderId' | 'draftBefore' | 'phase'>>;

/** A job as its processor sees it. */
export interface RunningJob {
  /** The record as it was when this run started (a takeover sees what the previous owner saved). */
  readonly record: JobRecord;
  /** Fires on /cancel or /new: stop, and stop the backend work too. */
  readonly cancelled: AbortSignal;
  /**
   * Fires when this process hands the job over (shutdown): stop talking to the chat, but leave the backend
   * work running, since the next owner carries on with it.
   */
  readonly handedOver: AbortSignal;
  /** The port of the update that started the job, when it runs in the process that received it. */
  readonly livePort?: ChatPort;
  /** Saves fields of the record; resolves once they are durable. */
  update(patch: JobPatch): Promise<void>;
  /** The record as it is stored now (another owner may have changed it). */
  reload(): Promise<JobRecord>;
}

export type JobProcessor = (job: RunningJob) => Promise<void>;

export interface SubmitOptions {
  /** Aborting it cancels the job wherever it runs. */
  signal?: AbortSignal;
  /** Preferred for answers while the job runs in this process (a Discord interaction's own token). */
  port?: ChatPort;
}

/** `left-running`: this process shut down first; another one takes the job over. */
export type SubmitOutcome = 'finished' | 'left-running';

export interface JobEngine {
  /** True when records survive this process (Redis). */
  readonly durable: boolean;
  /** Starts running jobs (and, when durable, taking over those whose owner is gone). */
  start(processor: JobProcessor): Promise<void>;
  /**
   * Records a job that must wait its turn in its chat's queue. A durable engine keeps it in Redis on a lease
   * this process renews while it lives: if the process dies, the job runs by itself once the lease lapses,
   * so an accepted ("queued") export is not lost. `submit` with the same record then starts it.
   */
  hold(record: JobRecord): Promise<void>;
  /** Removes a held job that will never run here (dropped by /cancel or /new before its turn). */
  drop(id: string): Promise<void>;
  /** Records the job (or starts a held one), then resolves once it finished (wherever it ran) or this engine closed. */
  submit(record: JobRecord, options?: SubmitOptions): Promise<SubmitOutcome>;
  /**
   * Stops taking jobs. `leaveRunning`: running jobs are handed over, not cancelled nor failed (durable engines);
   * otherwise they are cancelled and awaited.
   */
  close(options: { leaveRunning: boolean }): Promise<void>;
}

/** The abort reason of `RunningJob.handedOver`. */
export class HandedOverError extends Error {
  override name = 'HandedOverError';
  constructor() {
    super('the job was handed over to another process');
  }
}
