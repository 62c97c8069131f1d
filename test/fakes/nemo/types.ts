/** The emulator's public types: the contract in /work/notes/EMULATOR-CONTRACT.md. */

export interface EmulatorOptions {
  /** 0 (default) = any free port. */
  port?: number;
  /** Address to listen on: 127.0.0.1 (default); 0.0.0.0 inside a container so the bot's container reaches it. */
  host?: string;
  /** Base of the links it hands out (media, downloads) when clients reach it by another name, e.g. http://emulator:4010. */
  publicUrl?: string;
  /** Time per render phase pending → processing → completed. */
  renderStepMs?: number;
  /** Gap between SSE events of an edit. */
  editDelayMs?: number;
  /** Heartbeat interval while a tool "works" during an edit. */
  heartbeatMs?: number;
  /** Share of edits that close without any text (0..1). */
  noTextRatio?: number;
  /** Seeds the PRNG that applies noTextRatio, so runs are reproducible. */
  seed?: number;
  /** Credits of a new anonymous token. */
  initialCredits?: number;
  /** Credits charged per accepted edit message. */
  editCost?: number;
  /** Credits charged per accepted generation message. */
  generateCost?: number;
  tokensPerIpPer7Days?: number;
  /** Per-file upload limit (nemo-video-gen is capped at 200 MB as the real skill is); 4002 past it. */
  maxUploadBytes?: number;
  renderPollShape?: 'data' | 'top-level' | 'alternate';
  sseStyle?: 'adk' | 'legacy';
  /** Tokens accepted as registered users (e.g. an operator's NEMO_TOKEN). */
  operatorTokens?: string[];
}

export type EndpointKey =
  | 'anonymous-token'
  | 'create-session'
  | 'run-sse'
  | 'upload'
  | 'credits'
  | 'state'
  | 'render-start'
  | 'render-poll'
  | 'render-cancel'
  | 'render-download'
  | 'claim-token'
  | 'media';

export interface Fault {
  endpoint: EndpointKey;
  /** How many requests it hits: default 1, Infinity for all. */
  times?: number;
  /** Envelope error: HTTP 200 {code, message, data:null}. */
  code?: number;
  /** Bare HTTP status with a JSON body typical for it. */
  httpStatus?: number;
  /** Delay the headers; combined with another kind, that kind happens after the delay. */
  delayMs?: number;
  /** 200 with a body that is not JSON (on run-sse: an event whose data is not JSON). */
  malformed?: boolean;
  /** run-sse only: destroy the socket after N content events (heartbeats not counted). */
  dropAfterEvents?: number;
  /** Destroy the socket before answering. */
  resetConnection?: boolean;
  /** Never answer: hold the request until the client gives up and closes it (a client-side timeout). */
  hang?: boolean;
  /** The normal answer with its full Content-Length announced, cut at half its body by a socket reset. */
  resetMidBody?: boolean;
  /** An HTML error page with this HTTP status, as a proxy in front of the backend serves it. */
  htmlErrorPage?: number;
  /** The normal answer, labelled with this Content-Type instead of its own. */
  contentType?: string;
  /** HTTP 200 `application/json` whose body never ends as JSON: this many bytes, written as the client reads. */
  hugeBodyBytes?: number;
}

export interface RecordedRequest {
  endpoint: EndpointKey;
  method: string;
  path: string;
  headers: Record<string, string>;
  /** Parsed JSON body, when the request had one. */
  body?: unknown;
  /** Upload requests only: bytes received (the bytes themselves are never kept). */
  bodyBytes?: number;
  /** hugeBodyBytes faults only: answer bytes the client took before it closed the connection. */
  answerBytes?: number;
  at: number;
}

export interface EmulatedToken {
  token: string;
  userId: string;
  clientId: string;
  credits: { available: number; frozen: number };
  /** Epoch ms; calls at or after it answer 1001. */
  expiresAt: number;
  registered: boolean;
}

export interface UploadedFile {
  filename: string;
  fileType: 'video' | 'image' | 'audio';
  cdnUrl: string;
  sizeBytes: number;
  durationSec?: number;
  width?: number;
  height?: number;
  fps?: number;
  hash: string;
}

export interface SessionMessage {
  text: string;
  at: number;
}

/** Short-key timeline, as the backend stores it. Segment fields are the emulator's guess. */
export interface Draft {
  t: Array<{ tt: number; sg: Array<Record<string, unknown>> }>;
  d: number;
  m: { title: string; width: number; height: number };
}

export interface EmulatedSession {
  sessionId: string;
  taskId: string;
  taskName: string;
  language?: string;
  userId: string;
  token: string;
  draft: Draft;
  uploads: UploadedFile[];
  messages: SessionMessage[];
  generatedMedia: Array<Record<string, unknown>>;
}

export type RenderStatus = 'pending' | 'processing' | 'completed' | 'failed' | 'cancelled';

export interface EmulatedRender {
  id: string;
  sessionId: string;
  userId: string;
  draft: unknown;
  quality: string;
  status: RenderStatus;
  /** 0-100; rises while processing, as last answered to a poll. */
  progress: number;
  createdAt: number;
  /** When the render entered 'processing' (progress rises from there). */
  processingAt?: number;
  completedAt?: number;
  durationSec: number;
  outputUrl?: string;
  sizeBytes?: number;
  error?: string;
  polls: number;
}

export interface Emulator {
  /** http://127.0.0.1:PORT (no trailing slash): the NEMO_API_BASE. */
  url: string;
  requests: RecordedRequest[];
  requestsTo(endpoint: EndpointKey): RecordedRequest[];
  inject(fault: Fault): void;
  clearFaults(): void;
  setCredits(token: string, available: number): void;
  sessions: Map<string, EmulatedSession>;
  tokens: Map<string, EmulatedToken>;
  expireToken(token: string): void;
  dropSession(sessionId: string): void;
  renders: Map<string, EmulatedRender>;
  /** The most /run_sse streams of this session that were open at the same moment (0 if it had none). */
  mostConcurrentStreams(sessionId: string): number;
  /** /run_sse streams open now, across every session. */
  openStreams(): number;
  /**
   * Holds the render gate: every running render, and every render started while it is held, stays at its
   * status and progress (no timer moves it) until `releaseRenders`. The timers drive renders otherwise.
   */
  holdRenders(): void;
  /** Sets a held render to 'processing' at this progress (0-100), as its polls will say. */
  setRenderProgress(renderId: string, progress: number): void;
  /** Opens the render gate: every held render completes as soon as its MP4 exists; new ones use the timers. */
  releaseRenders(): void;
  /** Holds the edit gate: each /run_sse stream stays open after its first event (keep-alives only). */
  holdEdits(): void;
  /** Opens the edit gate: held streams carry on and finish, whether or not their client is still there. */
  releaseEdits(): void;
  /** Ends a pending or processing render as 'failed' with this error, at once. */
  failRender(renderId: string, error?: string): void;
  options: Required<EmulatorOptions>;
  reset(): void;
  close(): Promise<void>;
}
