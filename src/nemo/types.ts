/** The public value types of the NemoVideo client (see /work/notes/CLIENT-CONTRACT.md). */
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import type { SkillName, SkillPlatform } from '../config.js';
import type { EndpointName, ErrorKind } from './errors.js';

export interface SkillIdentity {
  source: SkillName;
  version: string;
  platform: SkillPlatform;
}

/** Receives one report per finished public call (after its retries), for metrics. */
export interface NemoCallObserver {
  callFinished(endpoint: EndpointName, durationMs: number, outcome: 'ok' | ErrorKind): void;
}

export type SleepFn = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface RetryPolicy {
  /** Tries in total, the first included. */
  attempts: number;
  baseMs: number;
  maxMs: number;
}

export interface NemoClientOptions {
  baseUrl: string;
  skill: SkillIdentity;
  /** Per non-streaming call; for uploads it is the longest pause without a byte moving. Default 30 s. */
  requestTimeoutMs?: number;
  /** Wait before the single retry after HTTP 429 (config NEMO_RATE_LIMIT_RETRY_MS). */
  rateLimitRetryMs: number;
  /** Cap of the render poll interval (config NEMO_RENDER_POLL_MS). */
  renderPollMaxMs: number;
  /**
   * Longest an edit stream may run. Default 15 min. It is the stream's only time limit: ADK sends no
   * keep-alives and a tool may work silently for minutes, so no idle or body timeout applies.
   */
  sseMaxDurationMs?: number;
  /** Largest SSE event (or line) read from a stream, in bytes; a bigger one ends it as a protocol error. */
  sseMaxEventBytes?: number;
  /** Most bytes read from one non-streaming answer (config NEMO_MAX_RESPONSE_BYTES). Default 16 MiB. */
  maxResponseBytes?: number;
  /** Network errors / 5xx on idempotent calls (GETs and cancel). Default { attempts: 3, baseMs: 250, maxMs: 4000 }. */
  retry?: RetryPolicy;
  dispatcher?: Dispatcher;
  logger?: Logger;
  sleep?: SleepFn;
  observer?: NemoCallObserver;
}

/** What a chat gives the client so it can recover by itself (1001 → refresh). */
export interface NemoCredentials {
  token(): Promise<string>;
  /** On 1001: get a fresh token; the client retries once with it. */
  refreshToken(): Promise<string>;
}

export interface NemoSessionRef extends NemoCredentials {
  sessionId(): Promise<string>;
  /** On 1002: create a new session and return its id; the client retries once with it. */
  renewSession(): Promise<string>;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface AnonymousToken {
  token: string;
  userId: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  credits: number;
  /** The client id the token was issued for (a new uuid when the backend refused the given one). */
  clientId: string;
}

export interface CreatedSession {
  taskId: string;
  sessionId: string;
  userId: string;
}

export interface Credits {
  available: number;
  frozen: number;
  total: number;
}

export interface SessionState {
  sessionId: string;
  taskId: string;
  taskName: string;
  /** Raw draft; `draft.ts` reads it. `null` when the session has none yet. */
  draft: unknown;
  videoInfos: unknown[];
  generatedMedia: unknown[];
  /** The whole `data` object as the backend sent it. */
  raw: unknown;
}

export interface UploadSource {
  name: string;
  mimeType: string;
  /** Bytes; when every source has one, the request carries a Content-Length. */
  size?: number;
  /** Opens the bytes. Called again for the one retry after 1001/1002/429. */
  open(signal?: AbortSignal): Promise<NodeJS.ReadableStream | Readable | AsyncIterable<Uint8Array>>;
}

export interface UploadedFile {
  filename: string;
  fileType: string;
  cdnUrl: string;
  durationSec?: number;
  width?: number;
  height?: number;
  fps?: number;
  hash?: string;
}

export interface UploadResult {
  files: UploadedFile[];
}

export type RenderState = 'pending' | 'processing' | 'completed' | 'failed' | 'cancelled';

export interface RenderStatus {
  id: string;
  status: RenderState;
  /** 0-100. */
  progress: number;
  outputUrl?: string;
  durationSec?: number;
  sizeBytes?: number;
  error?: string;
}

export interface ClaimToken {
  claimToken: string;
  expiresIn: number;
  /** Browser link that binds the anonymous work to an account. */
  url: string;
}

export type NemoEvent =
  | { type: 'text'; text: string; partial: boolean }
  | { type: 'thought'; text: string }
  | { type: 'tool_call'; id?: string; name: string; args: unknown }
  | { type: 'tool_result'; id?: string; name: string; response: unknown }
  | { type: 'heartbeat' }
  | { type: 'error'; message: string; code?: string }
  | { type: 'turn_complete' };
