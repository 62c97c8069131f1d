/**
 * Bytes of a `/run_sse` answer → NemoEvents. eventsource-parser handles the framing (chunks split anywhere,
 * CRLF, multi-line `data:` joined with \n, comments); a streaming TextDecoder keeps a multi-byte character
 * that straddles two chunks intact. One payload that is not JSON is skipped, not fatal. An event larger than
 * `maxEventBytes` ends the stream with a NemoProtocolError before it is buffered whole.
 */
import { createParser } from 'eventsource-parser';
import type { Logger } from 'pino';
import { NemoProtocolError } from './errors.js';
import { mapEventPayload } from './events.js';
import type { NemoEvent } from './types.js';

export interface SseOptions {
  logger?: Logger;
  /** Largest event (all its lines) in bytes; unbounded when absent. */
  maxEventBytes?: number;
}

const LF = 10;
const CR = 13;

/**
 * Counts the bytes of the event being read, across chunks: a blank line (LF, CRLF or CR) ends an event.
 * Line breaks are single bytes that never occur inside a multi-byte UTF-8 character, so raw bytes suffice.
 */
class EventSizeGuard {
  #size = 0;
  #lineEmpty = true;
  #afterCr = false;

  constructor(private readonly maxBytes: number) {}

  feed(chunk: Uint8Array | string): void {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    for (let i = 0; i < bytes.length; i++) {
      const byte = bytes[i];
      if (byte === LF && this.#afterCr) {
        this.#afterCr = false;
        continue;
      }
      this.#afterCr = byte === CR;
      if (byte === LF || byte === CR) {
        if (this.#lineEmpty) this.#size = 0;
        this.#lineEmpty = true;
        continue;
      }
      this.#lineEmpty = false;
      if (++this.#size > this.maxBytes) {
        throw new NemoProtocolError(`an SSE event is larger than ${this.maxBytes} bytes`, {
          endpoint: 'run-sse',
        });
      }
    }
  }
}

/** The `data` of each SSE event, in order. An event without a closing blank line at the end still counts. */
export async function* sseData(
  body: AsyncIterable<Uint8Array | string>,
  options: Pick<SseOptions, 'maxEventBytes'> = {},
): AsyncGenerator<string, void, undefined> {
  const decoder = new TextDecoder();
  const guard = options.maxEventBytes === undefined ? undefined : new EventSizeGuard(options.maxEventBytes);
  let pending: string[] = [];
  const parser = createParser({ onEvent: (event) => pending.push(event.data) });
  const drain = () => {
    const ready = pending;
    pending = [];
    return ready;
  };
  for await (const chunk of body) {
    guard?.feed(chunk);
    parser.feed(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    yield* drain();
  }
  // Flush the decoder, and end a last event the server closed without its blank line.
  parser.feed(`${decoder.decode()}\n\n`);
  yield* drain();
}

/** Typed events of an SSE body. An empty `data:` line is a keep-alive, reported as a heartbeat. */
export async function* sseEvents(
  body: AsyncIterable<Uint8Array | string>,
  options: SseOptions = {},
): AsyncGenerator<NemoEvent, void, undefined> {
  const logger = options.logger;
  for await (const data of sseData(body, options)) {
    if (data.trim() === '') {
      yield { type: 'heartbeat' };
      continue;
    }
    let payload: unknown;
    try {
      payload = JSON.parse(data);
    } catch {
      logger?.debug({ endpoint: 'run-sse', bytes: data.length }, 'skipped an SSE event that is not JSON');
      continue;
    }
    const mapped = mapEventPayload(payload);
    if (!mapped.ok) {
      logger?.debug({ endpoint: 'run-sse', reason: mapped.reason }, 'skipped an SSE event of unknown shape');
      continue;
    }
    yield* mapped.events;
  }
}
