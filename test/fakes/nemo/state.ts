import { FaultQueue } from './faults.js';
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
  readonly faults = new FaultQueue();
  readonly media = new MediaRegistry();
  /** Anonymous tokens issued, for the 7-day limits: client id → time, and IP → client id → time. */
  readonly issuedByClient = new Map<string, number>();
  readonly issuedByIp = new Map<string, Map<string, number>>();
  /** Phase timers of running renders, cleared on cancel, reset and close. */
  readonly renderTimers = new Map<string, NodeJS.Timeout[]>();
  /** Aborted on reset/close: stops edit streams, delays and renders in flight. */
  lifetime = new AbortController();
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
    this.lifetime = new AbortController();
    for (const timers of this.renderTimers.values()) timers.forEach(clearTimeout);
    this.renderTimers.clear();
    this.tokens.clear();
    this.sessions.clear();
    this.renders.clear();
    this.requests.length = 0;
    this.faults.clear();
    this.media.clear();
    this.issuedByClient.clear();
    this.issuedByIp.clear();
    this.random = seededRandom(this.options.seed);
    this.pollsAnswered = 0;
  }
}
