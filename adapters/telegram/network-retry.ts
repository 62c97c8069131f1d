/**
 * One more try for a Bot API call whose connection failed before any answer came back: a reused keep-alive
 * socket the server had just closed (`socket hang up`, ECONNRESET), a refused or unreachable connection.
 * auto-retry covers 429 and 5xx, which are answers; this covers the network. A call that still fails leaves
 * as a PlatformNetworkError, so the core logs it as a network error with the method and chat, not as a bug.
 */
import { HttpError, type Transformer } from 'grammy';
import { PlatformNetworkError } from '../../src/messages.js';

/** Socket errors that mean the request got no answer (a timeout may have been processed: not retried). */
const CONNECTION_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ECONNABORTED',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EAI_AGAIN',
]);

/**
 * True when grammY's fetch (node-fetch) failed before a response: its "request to … failed" error with a
 * socket code. A body cut after the answer began ("Invalid response body…") had an answer: not retried.
 */
export function failedBeforeAnswer(error: unknown): boolean {
  if (!(error instanceof HttpError)) return false;
  const cause = error.error as { type?: unknown; code?: unknown; message?: unknown } | undefined;
  return (
    cause?.type === 'system' &&
    typeof cause.message === 'string' &&
    cause.message.startsWith('request to ') &&
    typeof cause.code === 'string' &&
    CONNECTION_CODES.has(cause.code)
  );
}

export interface NetworkRetryOptions {
  /** Mean wait before the retry; the actual wait is jittered between half and one and a half of it. */
  delayMs: number;
  /** Told of each retry (method, chat, the socket code). */
  onRetry?: (info: { method: string; chatId?: string; code?: string }) => void;
  random?: () => number;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A socket code, or the kind of failure; never the message, which holds the request URL and so the token. */
function reasonOf(error: HttpError): string {
  const cause = error.error as { code?: unknown; type?: unknown; name?: unknown } | undefined;
  for (const value of [cause?.code, cause?.type, cause?.name])
    if (typeof value === 'string' && value !== '') return value;
  return 'network failure';
}

/** The transformer. getUpdates is left alone: the runner retries its polls itself. */
export function networkRetry(options: NetworkRetryOptions): Transformer {
  const random = options.random ?? Math.random;
  return async (prev, method, payload, signal) => {
    if (method === 'getUpdates') return prev(method, payload, signal);
    const chatId = (payload as { chat_id?: unknown } | undefined)?.chat_id;
    const chat = chatId === undefined ? undefined : String(chatId);
    try {
      return await prev(method, payload, signal);
    } catch (error) {
      if (!(error instanceof HttpError) || signal?.aborted) throw error;
      if (!failedBeforeAnswer(error)) throw new PlatformNetworkError(method, chat, reasonOf(error));
      const code = (error.error as { code?: string }).code;
      options.onRetry?.({ method, ...(chat ? { chatId: chat } : {}), ...(code ? { code } : {}) });
      await sleep(options.delayMs * (0.5 + random()), signal as AbortSignal | undefined);
      try {
        return await prev(method, payload, signal);
      } catch (again) {
        if (again instanceof HttpError && !signal?.aborted)
          throw new PlatformNetworkError(method, chat, reasonOf(again));
        throw again;
      }
    }
  };
}
