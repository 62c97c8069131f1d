/**
 * Typed failures of the NemoVideo client. Each carries the endpoint it came from, a `kind` the chat layer
 * uses as the key of the message a user sees, and whether trying again later may help.
 *
 * Rule: no field and no `.message` ever holds a token. Backend text is kept in `backendMessage` for logs
 * only, after the token of the call was scrubbed out of it (see `http.ts`).
 */

/** Every endpoint the client calls, named like the emulator's endpoint keys. */
export const ENDPOINT_NAMES = [
  'anonymous-token',
  'create-session',
  'run-sse',
  'upload',
  'credits',
  'state',
  'render-start',
  'render-poll',
  'render-cancel',
  'claim-token',
] as const;
export type EndpointName = (typeof ENDPOINT_NAMES)[number];

export type ErrorKind =
  | 'token'
  | 'session'
  | 'credits'
  | 'unsupported-file'
  | 'file-too-large'
  | 'client-id'
  | 'export-blocked'
  | 'rate-limited'
  | 'server'
  | 'api'
  | 'protocol'
  | 'network'
  | 'timeout'
  | 'stream-interrupted'
  | 'render-failed'
  | 'aborted';

export interface NemoErrorOptions {
  endpoint: EndpointName;
  /** The lower-level error (undici, zod). Non-enumerable, as `Error.cause` always is. */
  cause?: unknown;
}

export abstract class NemoError extends Error {
  abstract readonly kind: ErrorKind;
  /** True when the same request may succeed later without the user changing anything. */
  abstract readonly retryable: boolean;
  readonly endpoint: EndpointName;

  constructor(message: string, options: NemoErrorOptions) {
    super(
      `${options.endpoint}: ${message}`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = new.target.name;
    this.endpoint = options.endpoint;
  }
}

/** 1001 (or HTTP 401): the token is bad or expired. */
export class NemoTokenError extends NemoError {
  readonly kind = 'token';
  readonly retryable = false;
  constructor(options: NemoErrorOptions) {
    super('the token was rejected (bad or expired)', options);
  }
}

/** 1002, or HTTP 404 on a session-bound call: the session is gone. */
export class NemoSessionNotFoundError extends NemoError {
  readonly kind = 'session';
  readonly retryable = false;
  constructor(options: NemoErrorOptions) {
    super('the session was not found', options);
  }
}

/** 2001: the account has no credits left. `bindId` is the user id a registration link binds to. */
export class NemoNoCreditsError extends NemoError {
  readonly kind = 'credits';
  readonly retryable = false;
  readonly bindId?: string;
  constructor(options: NemoErrorOptions & { bindId?: string }) {
    super('no credits left', options);
    if (options.bindId !== undefined) this.bindId = options.bindId;
  }
}

/** 4001: the backend does not accept this file type. */
export class NemoUnsupportedFileError extends NemoError {
  readonly kind = 'unsupported-file';
  readonly retryable = false;
  constructor(options: NemoErrorOptions) {
    super('unsupported file type', options);
  }
}

/** 4002: the file is over the size limit. */
export class NemoFileTooLargeError extends NemoError {
  readonly kind = 'file-too-large';
  readonly retryable = false;
  readonly limitBytes?: number;
  constructor(options: NemoErrorOptions & { limitBytes?: number }) {
    super('file too large', options);
    if (options.limitBytes !== undefined) this.limitBytes = options.limitBytes;
  }
}

/** HTTP 400 on anonymous-token: the `X-Client-Id` header was missing or refused. */
export class NemoMissingClientIdError extends NemoError {
  readonly kind = 'client-id';
  readonly retryable = false;
  constructor(options: NemoErrorOptions) {
    super('the client id was missing or refused (HTTP 400)', options);
  }
}

/** HTTP 402: export is blocked on the free plan (or the attribution headers were missing). */
export class NemoExportBlockedError extends NemoError {
  readonly kind = 'export-blocked';
  readonly retryable = false;
  constructor(options: NemoErrorOptions) {
    super('export blocked for this plan (HTTP 402)', options);
  }
}

/** HTTP 429. `retryAfterMs` comes from a `Retry-After` header when the backend sent one. */
export class NemoRateLimitedError extends NemoError {
  readonly kind = 'rate-limited';
  readonly retryable = true;
  readonly retryAfterMs?: number;
  constructor(options: NemoErrorOptions & { retryAfterMs?: number }) {
    super('rate limited (HTTP 429)', options);
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
}

/** HTTP 5xx. */
export class NemoServerError extends NemoError {
  readonly kind = 'server';
  readonly retryable = true;
  readonly status: number;
  constructor(options: NemoErrorOptions & { status: number }) {
    super(`server error (HTTP ${options.status})`, options);
    this.status = options.status;
  }
}

/** Any other nonzero code or unexpected HTTP status. `backendMessage` is for logs, never for users. */
export class NemoApiError extends NemoError {
  readonly kind = 'api';
  readonly retryable = false;
  readonly code: number | string;
  readonly backendMessage?: string;
  constructor(options: NemoErrorOptions & { code: number | string; backendMessage?: string }) {
    super(`the backend answered code ${options.code}`, options);
    this.code = options.code;
    if (options.backendMessage !== undefined) this.backendMessage = options.backendMessage;
  }
}

/** An answer of a shape the client does not understand. `detail` is short and never holds the raw body. */
export class NemoProtocolError extends NemoError {
  readonly kind = 'protocol';
  readonly retryable = false;
  constructor(detail: string, options: NemoErrorOptions) {
    super(`unexpected answer: ${detail}`, options);
  }
}

/** The connection failed (refused, reset, DNS) before a complete answer arrived. */
export class NemoNetworkError extends NemoError {
  readonly kind = 'network';
  readonly retryable = true;
  constructor(options: NemoErrorOptions) {
    super('network error', options);
  }
}

/** A per-call timeout, the stream's maximum duration or a render wait ran out. */
export class NemoTimeoutError extends NemoError {
  readonly kind = 'timeout';
  readonly retryable = true;
  readonly timeoutMs?: number;
  constructor(options: NemoErrorOptions & { timeoutMs?: number }) {
    super(options.timeoutMs === undefined ? 'timed out' : `timed out after ${options.timeoutMs} ms`, options);
    if (options.timeoutMs !== undefined) this.timeoutMs = options.timeoutMs;
  }
}

/** The SSE connection dropped after the backend accepted the message; it must not be resent. */
export class NemoStreamInterruptedError extends NemoError {
  readonly kind = 'stream-interrupted';
  readonly retryable = true;
  constructor(options: NemoErrorOptions) {
    super('the stream was interrupted', options);
  }
}

/** The render ended with status `failed`. `reason` is the backend's text, for logs. */
export class NemoRenderFailedError extends NemoError {
  readonly kind = 'render-failed';
  readonly retryable = false;
  readonly renderId: string;
  readonly reason?: string;
  constructor(options: NemoErrorOptions & { renderId: string; reason?: string }) {
    super(`render ${options.renderId} failed`, options);
    this.renderId = options.renderId;
    if (options.reason !== undefined) this.reason = options.reason;
  }
}

/** The caller's AbortSignal fired. */
export class NemoAbortedError extends NemoError {
  readonly kind = 'aborted';
  readonly retryable = false;
  constructor(options: NemoErrorOptions) {
    super('aborted', options);
  }
}

export function isNemoError(value: unknown): value is NemoError {
  return value instanceof NemoError;
}
