/**
 * NemoClient: every NemoVideo call the flows make, typed, with the recoveries nemo-api.md prescribes.
 * One instance serves every chat; per-chat credentials come in as `NemoCredentials` / `NemoSessionRef`.
 */
import { randomUUID } from 'node:crypto';
import { type Logger, pino } from 'pino';
import type { z } from 'zod';
import {
  type EndpointName,
  type ErrorKind,
  isNemoError,
  NemoAbortedError,
  NemoProtocolError,
  NemoStreamInterruptedError,
  NemoTimeoutError,
} from './errors.js';
import { isNetworkFailure, type JsonAnswer, NemoHttp, type NemoRequest } from './http.js';
import { multipartBody } from './multipart.js';
import { type Auth, withRecovery } from './recovery.js';
import { isReusedRenderIdError, newRenderId, pollRender } from './render.js';
import {
  anonymousTokenData,
  claimTokenData,
  createSessionData,
  creditsData,
  describeIssue,
  renderBody,
  stateData,
  uploadData,
} from './schemas.js';
import { skillHeaders } from './skill-headers.js';
import { sseEvents } from './sse.js';
import { Deadline, defaultSleep } from './timing.js';
import type {
  AnonymousToken,
  CallOptions,
  ClaimToken,
  CreatedSession,
  Credits,
  NemoCallObserver,
  NemoClientOptions,
  NemoCredentials,
  NemoEvent,
  NemoSessionRef,
  RenderStatus,
  SessionState,
  UploadResult,
  UploadSource,
} from './types.js';

const APP = 'nemo_agent';
/** Larger than any ADK event of an edit (a final event repeats the whole reply and every tool call). */
export const DEFAULT_SSE_MAX_EVENT_BYTES = 1024 * 1024;
const CLAIM_PAGE = 'https://nemovideo.com/workspace/claim';

const enc = encodeURIComponent;

/** Parses answer data with a schema; a mismatch is a NemoProtocolError naming the endpoint. */
function parseData<S extends z.ZodType>(endpoint: EndpointName, schema: S, data: unknown): z.output<S> {
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw new NemoProtocolError(describeIssue(parsed.error), { endpoint });
  return parsed.data;
}

export class NemoClient {
  readonly #base: string;
  readonly #http: NemoHttp;
  readonly #log: Logger;
  readonly #rateLimitRetryMs: number;
  readonly #renderPollMaxMs: number;
  readonly #sseMaxDurationMs: number;
  readonly #sseMaxEventBytes: number;
  readonly #observer: NemoCallObserver | undefined;

  constructor(options: NemoClientOptions) {
    this.#base = options.baseUrl.replace(/\/+$/, '');
    this.#log = options.logger ?? pino({ enabled: false });
    this.#rateLimitRetryMs = options.rateLimitRetryMs;
    this.#renderPollMaxMs = options.renderPollMaxMs;
    this.#sseMaxDurationMs = options.sseMaxDurationMs ?? 15 * 60_000;
    this.#sseMaxEventBytes = options.sseMaxEventBytes ?? DEFAULT_SSE_MAX_EVENT_BYTES;
    this.#observer = options.observer;
    this.#http = new NemoHttp({
      baseUrl: this.#base,
      defaultHeaders: skillHeaders(options.skill),
      timeoutMs: options.requestTimeoutMs ?? 30_000,
      maxResponseBytes: options.maxResponseBytes ?? 16 * 1024 * 1024,
      retry: options.retry ?? { attempts: 3, baseMs: 250, maxMs: 4_000 },
      sleep: options.sleep ?? defaultSleep,
      logger: this.#log,
      ...(options.dispatcher && { dispatcher: options.dispatcher }),
    });
  }

  /** A 7-day anonymous token. HTTP 400 → one retry with a fresh uuid client id; 429 → wait, one retry. */
  getAnonymousToken(clientId: string, o: CallOptions = {}): Promise<AnonymousToken> {
    const endpoint = 'anonymous-token';
    return this.#observe(endpoint, async () => {
      let id = clientId;
      const recovered = new Set<ErrorKind>();
      for (;;) {
        try {
          const answer = await this.#http.call({
            endpoint,
            method: 'POST',
            path: '/api/auth/anonymous-token',
            headers: { 'x-client-id': id },
            signal: o.signal,
          });
          const d = parseData(endpoint, anonymousTokenData, answer.data);
          return {
            token: d.token,
            userId: d.user_id,
            expiresAt: d.expires_at,
            credits: d.credits ?? 0,
            clientId: id,
          };
        } catch (error) {
          if (!isNemoError(error) || recovered.has(error.kind)) throw error;
          if (error.kind === 'client-id') id = randomUUID();
          else if (error.kind === 'rate-limited')
            await this.#http.pause(endpoint, this.#rateLimitRetryMs, o.signal);
          else throw error;
          recovered.add(error.kind);
        }
      }
    });
  }

  createSession(
    creds: NemoCredentials,
    input: { language?: string },
    o: CallOptions = {},
  ): Promise<CreatedSession> {
    const endpoint = 'create-session';
    return this.#recovering(endpoint, creds, undefined, o, async ({ token }) => {
      const answer = await this.#http.call({
        endpoint,
        method: 'POST',
        path: `/api/tasks/me/with-session/${APP}`,
        token,
        body: { task_name: 'project', ...(input.language && { language: input.language }) },
        signal: o.signal,
      });
      const d = parseData(endpoint, createSessionData, answer.data);
      return { taskId: d.task_id, sessionId: d.session_id, userId: d.user_id };
    });
  }

  getCredits(creds: NemoCredentials, o: CallOptions = {}): Promise<Credits> {
    const endpoint = 'credits';
    return this.#recovering(endpoint, creds, undefined, o, async ({ token }) => {
      const answer = await this.#get(endpoint, '/api/credits/balance/simple', token, o.signal);
      return parseData(endpoint, creditsData, answer.data);
    });
  }

  getState(session: NemoSessionRef, o: CallOptions = {}): Promise<SessionState> {
    const endpoint = 'state';
    return this.#recovering(endpoint, session, session, o, async ({ token, sessionId }) => {
      const answer = await this.#get(
        endpoint,
        `/api/state/${APP}/me/${enc(sessionId)}/latest`,
        token,
        o.signal,
      );
      const d = parseData(endpoint, stateData, answer.data);
      return {
        sessionId: d.session_id ?? sessionId,
        taskId: d.task_id ?? '',
        taskName: d.task_name ?? '',
        draft: d.state?.draft ?? null,
        videoInfos: d.state?.video_infos ?? [],
        generatedMedia: d.state?.generated_media ?? [],
        raw: answer.data,
      };
    });
  }

  /**
   * Streams files as multipart (field `files`, repeated). Sources are reopened for a retry after
   * 1001/1002/429, which the backend answers before accepting the body. `onProgress` gets file bytes sent.
   */
  uploadFiles(
    session: NemoSessionRef,
    files: UploadSource[],
    o: CallOptions & { onProgress?(bytesSent: number): void } = {},
  ): Promise<UploadResult> {
    if (files.length === 0) throw new TypeError('uploadFiles needs at least one file');
    const endpoint = 'upload';
    return this.#recovering(endpoint, session, session, o, async ({ token, sessionId }) => {
      const body = multipartBody(files, {
        ...(o.signal && { signal: o.signal }),
        ...(o.onProgress && { onProgress: o.onProgress }),
      });
      const answer = await this.#http.call({
        endpoint,
        method: 'POST',
        path: uploadPath(sessionId),
        token,
        body,
        signal: o.signal,
      });
      return parseData(endpoint, uploadData, answer.data);
    });
  }

  /** Asks the backend to fetch media by URL. */
  uploadUrls(session: NemoSessionRef, urls: string[], o: CallOptions = {}): Promise<UploadResult> {
    const endpoint = 'upload';
    return this.#recovering(endpoint, session, session, o, async ({ token, sessionId }) => {
      const answer = await this.#http.call({
        endpoint,
        method: 'POST',
        path: uploadPath(sessionId),
        token,
        body: { urls, source_type: 'url' },
        signal: o.signal,
      });
      return parseData(endpoint, uploadData, answer.data);
    });
  }

  /**
   * Sends one message to the agent and yields its events as they arrive. Recovery (1001/1002/404/429) only
   * happens before the backend answers 200; after that nothing is ever resent (an edit may be charged).
   * Leaving the loop early aborts the request, so no socket is left open.
   */
  async *sendMessage(
    session: NemoSessionRef,
    text: string,
    o: CallOptions & { maxDurationMs?: number } = {},
  ): AsyncGenerator<NemoEvent, void, undefined> {
    const endpoint = 'run-sse';
    const started = performance.now();
    const maxMs = o.maxDurationMs ?? this.#sseMaxDurationMs;
    const cap = new Deadline(maxMs);
    const consumerLeft = new AbortController();
    const signal = AbortSignal.any([cap.signal, consumerLeft.signal, ...(o.signal ? [o.signal] : [])]);
    let outcome: 'ok' | ErrorKind = 'aborted';
    // Before the stream, an abort of the caller or the cap has its own meaning; map it once, here.
    const fail = (error: unknown): unknown => {
      if (o.signal?.aborted) return new NemoAbortedError({ endpoint });
      if (cap.expired) return new NemoTimeoutError({ endpoint, timeoutMs: maxMs });
      if (isNemoError(error)) return error;
      if (isNetworkFailure(error)) return new NemoStreamInterruptedError({ endpoint, cause: error });
      return error;
    };
    try {
      let body: AsyncIterable<Uint8Array>;
      try {
        body = await withRecovery(this.#recoveryContext(endpoint, session, session, { signal }), (auth) =>
          this.#http.openStream(runSseRequest(auth, text), signal),
        );
      } catch (error) {
        throw fail(error);
      }
      try {
        for await (const event of sseEvents(body, {
          logger: this.#log,
          maxEventBytes: this.#sseMaxEventBytes,
        }))
          yield event;
      } catch (error) {
        const mapped = fail(error);
        // A dropped socket surfaces as a transport error; after 200 it is always "interrupted", never network.
        throw isNemoError(mapped) && mapped.kind === 'network'
          ? new NemoStreamInterruptedError({ endpoint, cause: error })
          : mapped;
      }
      outcome = 'ok';
    } catch (error) {
      outcome = isNemoError(error) ? error.kind : 'api';
      throw error;
    } finally {
      // Runs too when the consumer breaks out of its loop: abort so undici closes the socket.
      if (outcome !== 'ok') consumerLeft.abort();
      cap.clear();
      this.#report(endpoint, started, outcome);
    }
  }

  /** Starts an export. A reused id (the backend refuses those) is retried once with a new id. */
  startRender(
    session: NemoSessionRef,
    draft: unknown,
    o: CallOptions & { quality?: 'high' | 'medium' | 'low' } = {},
  ): Promise<RenderStatus> {
    const endpoint = 'render-start';
    return this.#recovering(endpoint, session, session, o, async ({ token, sessionId }) => {
      for (let attempt = 0; ; attempt++) {
        const id = newRenderId();
        try {
          const answer = await this.#http.call({
            endpoint,
            method: 'POST',
            path: '/api/render/proxy/lambda',
            token,
            body: { id, sessionId, draft, output: { format: 'mp4', quality: o.quality ?? 'high' } },
            signal: o.signal,
            allowBare: true,
          });
          return toRenderStatus(endpoint, answer, id);
        } catch (error) {
          if (attempt === 0 && isReusedRenderIdError(error)) continue;
          throw error;
        }
      }
    });
  }

  getRender(creds: NemoCredentials, renderId: string, o: CallOptions = {}): Promise<RenderStatus> {
    const endpoint = 'render-poll';
    return this.#recovering(endpoint, creds, undefined, o, async ({ token }) => {
      const answer = await this.#get(
        endpoint,
        `/api/render/proxy/lambda/${enc(renderId)}`,
        token,
        o.signal,
        true,
      );
      return toRenderStatus(endpoint, answer, renderId);
    });
  }

  /**
   * Polls until the render ends: returns it `completed` or `cancelled`; throws NemoRenderFailedError on
   * `failed`, NemoTimeoutError past `timeoutMs` (default 30 min), NemoAbortedError on abort.
   */
  waitForRender(
    creds: NemoCredentials,
    renderId: string,
    o: CallOptions & { onProgress?(s: RenderStatus): void; timeoutMs?: number } = {},
  ): Promise<RenderStatus> {
    return pollRender({
      renderId,
      poll: () => this.getRender(creds, renderId, o),
      pause: (ms) => this.#http.pause('render-poll', ms, o.signal),
      maxIntervalMs: this.#renderPollMaxMs,
      logger: this.#log,
      ...(o.timeoutMs !== undefined && { timeoutMs: o.timeoutMs }),
      ...(o.signal && { signal: o.signal }),
      ...(o.onProgress && { onProgress: o.onProgress }),
    });
  }

  cancelRender(creds: NemoCredentials, renderId: string, o: CallOptions = {}): Promise<void> {
    const endpoint = 'render-cancel';
    return this.#recovering(endpoint, creds, undefined, o, async ({ token }) => {
      await this.#http.call({
        endpoint,
        method: 'POST',
        path: `/api/render/proxy/lambda/${enc(renderId)}/cancel`,
        token,
        signal: o.signal,
        idempotent: true,
        allowBare: true,
      });
    });
  }

  /** The backend's download fallback for a finished render. */
  downloadUrl(renderId: string): string {
    return `${this.#base}/api/render/proxy/${enc(renderId)}/download`;
  }

  /** A claim token and the browser link that moves anonymous work into a registered account. */
  claimToken(
    creds: NemoCredentials,
    input: { taskId: string; sessionId: string },
    o: CallOptions = {},
  ): Promise<ClaimToken> {
    const endpoint = 'claim-token';
    return this.#recovering(endpoint, creds, undefined, o, async ({ token }) => {
      const answer = await this.#http.call({
        endpoint,
        method: 'POST',
        path: '/api/auth/claim-token',
        token,
        body: { task_id: input.taskId, session_id: input.sessionId },
        signal: o.signal,
      });
      const d = parseData(endpoint, claimTokenData, answer.data);
      return {
        claimToken: d.claim_token,
        expiresIn: d.expires_in,
        url: `${CLAIM_PAGE}?ct=${enc(d.claim_token)}`,
      };
    });
  }

  #get(endpoint: EndpointName, path: string, token: string, signal?: AbortSignal, allowBare = false) {
    return this.#http.call({ endpoint, method: 'GET', path, token, signal, idempotent: true, allowBare });
  }

  #recoveryContext(
    endpoint: EndpointName,
    creds: NemoCredentials,
    session: NemoSessionRef | undefined,
    o: CallOptions,
  ) {
    return {
      endpoint,
      creds,
      ...(session && { session }),
      ...(o.signal && { signal: o.signal }),
      rateLimitRetryMs: this.#rateLimitRetryMs,
      pause: (e: EndpointName, ms: number, s?: AbortSignal) => this.#http.pause(e, ms, s),
      logger: this.#log,
    };
  }

  #recovering<T>(
    endpoint: EndpointName,
    creds: NemoCredentials,
    session: NemoSessionRef | undefined,
    o: CallOptions,
    attempt: (auth: Auth) => Promise<T>,
  ): Promise<T> {
    return this.#observe(endpoint, () =>
      withRecovery(this.#recoveryContext(endpoint, creds, session, o), attempt),
    );
  }

  async #observe<T>(endpoint: EndpointName, call: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      const result = await call();
      this.#report(endpoint, started, 'ok');
      return result;
    } catch (error) {
      this.#report(endpoint, started, isNemoError(error) ? error.kind : 'api');
      throw error;
    }
  }

  #report(endpoint: EndpointName, started: number, outcome: 'ok' | ErrorKind): void {
    try {
      this.#observer?.callFinished(endpoint, performance.now() - started, outcome);
    } catch (error) {
      // Metrics must never break a call.
      this.#log.warn({ endpoint, err: error }, 'nemo observer threw');
    }
  }
}

function uploadPath(sessionId: string): string {
  return `/api/upload-video/${APP}/me/${enc(sessionId)}`;
}

function runSseRequest(auth: Auth, text: string): NemoRequest {
  return {
    endpoint: 'run-sse',
    method: 'POST',
    path: '/run_sse',
    token: auth.token,
    headers: { accept: 'text/event-stream' },
    body: {
      app_name: APP,
      user_id: 'me',
      session_id: auth.sessionId,
      new_message: { parts: [{ text }] },
      // Without it ADK answers one event per model call: no partial text, so no live progress.
      streaming: true,
    },
  };
}

function toRenderStatus(endpoint: EndpointName, answer: JsonAnswer, fallbackId: string): RenderStatus {
  const parsed = parseData(endpoint, renderBody, answer.body);
  return { ...parsed, id: parsed.id ?? fallbackId };
}
