/**
 * One HTTP exchange with the backend: undici `request()`, a per-call deadline combined with the caller's
 * signal, the envelope read into data or a typed error, and bounded backoff for idempotent calls.
 * Token/session recovery (1001/1002/429) sits one level up, in `recovery.ts`.
 */
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { type Dispatcher, request } from 'undici';
import {
  type EndpointName,
  isNemoError,
  NemoAbortedError,
  NemoApiError,
  type NemoError,
  NemoExportBlockedError,
  NemoFileTooLargeError,
  NemoMissingClientIdError,
  NemoNetworkError,
  NemoNoCreditsError,
  NemoProtocolError,
  NemoRateLimitedError,
  NemoServerError,
  NemoSessionNotFoundError,
  NemoTimeoutError,
  NemoTokenError,
  NemoUnsupportedFileError,
} from './errors.js';
import { parseJsonKeepingIds, type Unwrapped, unwrapEnvelope } from './schemas.js';
import { backoffDelay, Deadline } from './timing.js';
import type { RetryPolicy, SleepFn } from './types.js';

/** A body produced while it is sent. `stream(onChunk)` is called once per attempt. */
export interface StreamedBody {
  contentType: string;
  contentLength?: number;
  stream(onChunk: () => void): AsyncIterable<Uint8Array>;
}

export interface NemoRequest {
  endpoint: EndpointName;
  method: 'GET' | 'POST';
  /** Path and query, starting with `/`. */
  path: string;
  token?: string;
  headers?: Record<string, string>;
  /** An object is sent as JSON. */
  body?: object | StreamedBody;
  signal?: AbortSignal;
  /** GETs and cancel: network errors, timeouts and 5xx are retried with backoff. */
  idempotent?: boolean;
  /** Accept an answer with no envelope as the data itself (the top-level render-poll shape). */
  allowBare?: boolean;
}

export interface JsonAnswer {
  data: unknown;
  /** The whole answer object; render answers read fields from both `data` and the top level. */
  body: Record<string, unknown>;
}

export interface NemoHttpOptions {
  baseUrl: string;
  defaultHeaders: Record<string, string>;
  timeoutMs: number;
  /** Most bytes read from one non-streaming answer; past it the answer is dropped and the call fails. */
  maxResponseBytes: number;
  retry: RetryPolicy;
  sleep: SleepFn;
  logger: Logger;
  dispatcher?: Dispatcher;
}

/** Endpoints bound to a session, where HTTP 404 means "session not found" (ADK answers `{detail}`). */
const SESSION_BOUND: ReadonlySet<EndpointName> = new Set(['run-sse', 'state', 'upload']);

/** Error codes of Node sockets and undici that mean "the connection failed", not "the code is wrong". */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
]);

export function isNetworkFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && NETWORK_CODES.has(code);
}

/** Failures worth another try of an idempotent call. */
export function isTransient(error: unknown): boolean {
  return (
    isNemoError(error) && (error.kind === 'network' || error.kind === 'server' || error.kind === 'timeout')
  );
}

/** Removes the call's token (and anything token-shaped) from backend text before it is kept anywhere. */
export function scrubToken(text: string, token?: string): string {
  const withoutKnown = token ? text.replaceAll(token, '[redacted]') : text;
  return withoutKnown.replace(/nmv_usr_\w+/g, '[redacted]');
}

function parseRetryAfter(value: string | string[] | undefined): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(raw);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

function field(data: unknown, ...names: string[]): unknown {
  if (typeof data !== 'object' || data === null) return undefined;
  for (const name of names) {
    const value = (data as Record<string, unknown>)[name];
    if (value !== undefined && value !== null) return value;
  }
  return undefined;
}

/** Maps a nonzero backend code to its typed error. */
export function errorFromCode(
  endpoint: EndpointName,
  failure: Extract<Unwrapped, { ok: false }>,
  token?: string,
): NemoError {
  switch (failure.code) {
    case 1001:
      return new NemoTokenError({ endpoint });
    case 1002:
      return new NemoSessionNotFoundError({ endpoint });
    case 2001: {
      const bindId = field(failure.data, 'bind_id', 'bindId', 'user_id', 'userId');
      return new NemoNoCreditsError({
        endpoint,
        ...(typeof bindId === 'string' || typeof bindId === 'number' ? { bindId: String(bindId) } : {}),
      });
    }
    case 4001:
      return new NemoUnsupportedFileError({ endpoint });
    case 4002: {
      const limit = Number(
        field(failure.data, 'limit_bytes', 'limitBytes', 'max_bytes', 'maxBytes', 'max_size'),
      );
      return new NemoFileTooLargeError({
        endpoint,
        ...(Number.isFinite(limit) ? { limitBytes: limit } : {}),
      });
    }
    case 402:
      return new NemoExportBlockedError({ endpoint });
    case 429:
      return new NemoRateLimitedError({ endpoint });
    default:
      return new NemoApiError({
        endpoint,
        code: failure.code ?? 'unknown',
        ...(failure.message !== undefined ? { backendMessage: scrubToken(failure.message, token) } : {}),
      });
  }
}

/** Turns a complete HTTP answer into the envelope's data, or throws the typed error it stands for. */
export function interpretAnswer(
  endpoint: EndpointName,
  status: number,
  headers: Record<string, string | string[] | undefined>,
  text: string,
  options: { allowBare?: boolean; token?: string } = {},
): JsonAnswer {
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(headers['retry-after']);
    throw new NemoRateLimitedError({ endpoint, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });
  }
  if (status === 402) throw new NemoExportBlockedError({ endpoint });
  if (status >= 500) throw new NemoServerError({ endpoint, status });

  let body: unknown;
  let notJson = false;
  try {
    body = text.trim() === '' ? undefined : parseJsonKeepingIds(text);
  } catch {
    notJson = true;
  }
  const envelope = unwrapEnvelope(body, { allowBare: options.allowBare });

  if (status < 200 || status >= 300) {
    if (status === 400 && endpoint === 'anonymous-token') throw new NemoMissingClientIdError({ endpoint });
    if (status === 401) throw new NemoTokenError({ endpoint });
    if (status === 404 && SESSION_BOUND.has(endpoint)) throw new NemoSessionNotFoundError({ endpoint });
    if (envelope && !envelope.ok) throw errorFromCode(endpoint, envelope, options.token);
    const detail = field(body, 'detail', 'message', 'error');
    throw new NemoApiError({
      endpoint,
      code: status,
      ...(typeof detail === 'string' ? { backendMessage: scrubToken(detail, options.token) } : {}),
    });
  }
  if (!envelope) {
    throw new NemoProtocolError(notJson ? 'the body is not JSON' : 'no {code} or {success} envelope', {
      endpoint,
    });
  }
  if (!envelope.ok) throw errorFromCode(endpoint, envelope, options.token);
  return { data: envelope.data, body: envelope.body };
}

/**
 * The body as text, reading at most `maxBytes`: a bigger answer (announced or not) is dropped at once and
 * fails as a protocol error, so a broken proxy streaming gigabytes cannot fill the memory. Not retried.
 */
async function readBounded(
  endpoint: EndpointName,
  res: Dispatcher.ResponseData,
  maxBytes: number,
): Promise<string> {
  const tooLarge = () => new NemoProtocolError(`the answer is larger than ${maxBytes} bytes`, { endpoint });
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    res.body.destroy();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    total += chunk.length;
    // Leaving the loop destroys the body: undici closes the connection instead of reading on.
    if (total > maxBytes) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function isStreamedBody(body: object): body is StreamedBody {
  return (
    typeof (body as StreamedBody).stream === 'function' &&
    typeof (body as StreamedBody).contentType === 'string'
  );
}

export class NemoHttp {
  readonly #o: NemoHttpOptions;

  constructor(options: NemoHttpOptions) {
    this.#o = options;
  }

  get logger(): Logger {
    return this.#o.logger;
  }

  /** A JSON call; idempotent ones are retried on network errors, timeouts and 5xx with jittered backoff. */
  async call(req: NemoRequest): Promise<JsonAnswer> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#once(req);
      } catch (error) {
        if (!req.idempotent || attempt >= this.#o.retry.attempts || !isTransient(error)) throw error;
        const wait = backoffDelay(attempt - 1, this.#o.retry);
        this.#o.logger.debug(
          { endpoint: req.endpoint, attempt, wait, kind: (error as NemoError).kind },
          'nemo retry',
        );
        await this.pause(req.endpoint, wait, req.signal);
      }
    }
  }

  /**
   * Opens an SSE answer. The per-call deadline covers only the wait for headers; `streamSignal` (the
   * caller's signal combined with the stream's cap) governs the body. A non-stream answer is read as an
   * envelope and thrown as its typed error; the caller may then recover, since nothing was accepted.
   */
  async openStream(req: NemoRequest, streamSignal: AbortSignal): Promise<Dispatcher.ResponseData['body']> {
    const deadline = new Deadline(this.#o.timeoutMs);
    const started = performance.now();
    try {
      const res = await request(this.#url(req.path), {
        ...this.#requestInit(req, deadline),
        signal: AbortSignal.any([streamSignal, deadline.signal]),
        // undici cuts a body silent for 300 s by default; ADK sends nothing while a tool works (generation
        // takes 100-300 s). `streamSignal` carries the stream's own cap instead.
        bodyTimeout: 0,
      });
      this.#log(req, res.statusCode, started);
      const contentType = String(res.headers['content-type'] ?? '');
      if (res.statusCode === 200 && !contentType.includes('json')) return res.body;
      const text = await readBounded(req.endpoint, res, this.#o.maxResponseBytes);
      interpretAnswer(req.endpoint, res.statusCode, res.headers, text, { token: req.token });
      throw new NemoProtocolError('expected an event stream, got JSON', { endpoint: req.endpoint });
    } catch (error) {
      throw this.#transportError(req, error, deadline, streamSignal);
    } finally {
      deadline.clear();
    }
  }

  /** Sleeps, turning an abort of `signal` into NemoAbortedError. */
  async pause(endpoint: EndpointName, ms: number, signal?: AbortSignal): Promise<void> {
    try {
      await this.#o.sleep(ms, signal);
    } catch (error) {
      if (signal?.aborted) throw new NemoAbortedError({ endpoint });
      throw error;
    }
    if (signal?.aborted) throw new NemoAbortedError({ endpoint });
  }

  async #once(req: NemoRequest): Promise<JsonAnswer> {
    const deadline = new Deadline(this.#o.timeoutMs);
    const started = performance.now();
    try {
      if (req.signal?.aborted) throw new NemoAbortedError({ endpoint: req.endpoint });
      const res = await request(this.#url(req.path), {
        ...this.#requestInit(req, deadline),
        signal: req.signal ? AbortSignal.any([req.signal, deadline.signal]) : deadline.signal,
      });
      const text = await readBounded(req.endpoint, res, this.#o.maxResponseBytes);
      this.#log(req, res.statusCode, started);
      return interpretAnswer(req.endpoint, res.statusCode, res.headers, text, {
        allowBare: req.allowBare,
        token: req.token,
      });
    } catch (error) {
      throw this.#transportError(req, error, deadline, req.signal);
    } finally {
      deadline.clear();
    }
  }

  #url(path: string): string {
    return `${this.#o.baseUrl}${path}`;
  }

  #requestInit(req: NemoRequest, deadline: Deadline) {
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...this.#o.defaultHeaders,
      ...req.headers,
    };
    if (req.token) headers['authorization'] = `Bearer ${req.token}`;
    let body: string | Readable | undefined;
    if (req.body && isStreamedBody(req.body)) {
      headers['content-type'] = req.body.contentType;
      if (req.body.contentLength !== undefined) headers['content-length'] = String(req.body.contentLength);
      // Every chunk restarts the deadline: for uploads it is an idle timeout, so big files may take long.
      // undici pulls an async iterable chunk by chunk, waiting for the socket to drain: memory stays flat.
      // (Its types list Readable only; the runtime takes any async iterable.)
      body = req.body.stream(() => deadline.bump()) as unknown as Readable;
    } else if (req.body) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(req.body);
    }
    return { method: req.method, headers, body, dispatcher: this.#o.dispatcher };
  }

  /** Which of our typed errors a thrown value stands for; unknown values (bugs, a failing source) pass through. */
  #transportError(req: NemoRequest, error: unknown, deadline: Deadline, callerSignal?: AbortSignal): unknown {
    if (isNemoError(error)) return error;
    const endpoint = req.endpoint;
    if (callerSignal?.aborted) return new NemoAbortedError({ endpoint });
    if (deadline.expired) return new NemoTimeoutError({ endpoint, timeoutMs: deadline.ms });
    if (isNetworkFailure(error)) {
      this.#o.logger.debug({ endpoint, code: (error as { code?: string }).code }, 'nemo network failure');
      return new NemoNetworkError({ endpoint, cause: error });
    }
    return error;
  }

  #log(req: NemoRequest, status: number, started: number): void {
    this.#o.logger.debug(
      { endpoint: req.endpoint, method: req.method, status, ms: Math.round(performance.now() - started) },
      'nemo answer',
    );
  }
}
