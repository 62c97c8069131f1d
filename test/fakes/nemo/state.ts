import { setMaxListeners } from 'node:events';
import { FaultQueue } from './faults.js';
import { Gate } from './gate.js';
import { MediaRegistry } from './media.js';
import { seededRandom } from './prng.js';
import type {
  EmulatedRender,
  EmulatedSession,
  EmulatedToken,
  EmulatorOptions,
  RecordedRequest,
} from './types.js';

/** Everything the emulator remembers; handlers read and change it. */
export class EmulatorState {
  url = '';
  readonly tokens = new Map<string, EmulatedToken>();
  readonly sessions = new Map<string, EmulatedSession>();
  readonly renders = new Map<string, EmulatedRender>();
  readonly requests: RecordedRequest[] = [];
  /** Edit streams per session: open now and the most ever open at once (proves a bot serializes a chat's edits). */
  readonly streamsBySession = new Map<string, { open: number; most: number }>();
  readonly faults = new FaultQueue();
  readonly media = new MediaRegistry();
  /** Anonymous tokens issued, for the 7-day limits: client id → time, and IP → client id → time. */
  readonly issuedByClient = new Map<string, number>();
  readonly issuedByIp = new Map<string, Map<string, number>>();
  /** Phase timers of running renders, cleared on cancel, reset and close. */
  readonly renderTimers = new Map<string, NodeJS.Timeout[]>();
  /** The MP4 each running render is making (ffmpeg starts with the render). */
  readonly renderOutputs = new Map<string, Promise<string>>();
  /** While held, running renders stay where they are (status and progress) instead of following the timers. */
  readonly renderGate = new Gate();
  /** While held, an edit stream stays open after its first event, sending keep-alives. */
  readonly editGate = new Gate();
  /** Aborted on reset/close: stops edit streams, delays and renders in flight. */
  lifetime = lifetimeController();
  random: () => number;
  /** Render polls answered, for the 'alternate' poll shape. */
  pollsAnswered = 0;

  constructor(
    readonly options: Required<EmulatorOptions>,
    readonly tmpDir: string,
  ) {
    this.random = seededRandom(options.seed);
  }

  reset(): void {
    this.lifetime.abort();
    this.lifetime = lifetimeController();
    for (const timers of this.renderTimers.values()) timers.forEach(clearTimeout);
    this.renderTimers.clear();
    this.renderOutputs.clear();
    this.renderGate.release();
    this.editGate.release();
    this.tokens.clear();
    this.sessions.clear();
    this.renders.clear();
    this.requests.length = 0;
    this.streamsBySession.clear();
    this.faults.clear();
    this.media.clear();
    this.issuedByClient.clear();
    this.issuedByIp.clear();
    this.random = seededRandom(this.options.seed);
    this.pollsAnswered = 0;
  }
}

/** Every open edit stream listens to it, and many chats may stream at once: no listener-leak warning at 11. */
function lifetimeController(): AbortController {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  return controller;
}
