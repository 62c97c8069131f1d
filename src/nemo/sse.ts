/**
 * Bytes of a `/run_sse` answer → NemoEvents. eventsource-parser handles the framing (chunks split anywhere,
 * CRLF, multi-line `data:` joined with \n, comments); a streaming TextDecoder keeps a multi-byte character
 * that straddles two chunks intact. One payload that is not JSON is skipped, not fatal.
 */
import { createParser } from 'eventsource-parser';
import type { Logger } from 'pino';
import { mapEventPayload } from './events.js';
import type { NemoEvent } from './types.js';

/** The `data` of each SSE event, in order. An event without a closing blank line at the end still counts. */
export async function* sseData(
  body: AsyncIterable<Uint8Array | string>,
): AsyncGenerator<string, void, undefined> {
  const decoder = new TextDecoder();
  let pending: string[] = [];
  const parser = createParser({ onEvent: (event) => pending.push(event.data) });
  const drain = () => {
    const ready = pending;
    pending = [];
    return ready;
  };
  for await (const chunk of body) {
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
  logger?: Logger,
): AsyncGenerator<NemoEvent, void, undefined> {
  for await (const data of sseData(body)) {
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
