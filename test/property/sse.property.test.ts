/**
 * The SSE parser (its public API: `sseData`, `sseEvents`) fed generated streams split at arbitrary bytes:
 * every event arrives whole and in order whatever the split, with LF, CRLF or CR line ends and multi-byte
 * characters cut in half; arbitrary bytes never make it throw; every event it yields is a typed NemoEvent.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type NemoEvent, sseData, sseEvents } from '../../src/nemo/index.js';
import { recordProperty } from '../support/fault-results.js';
import { checkAsync } from '../support/property.js';

const EVENT_TYPES = new Set<NemoEvent['type']>([
  'text',
  'thought',
  'tool_call',
  'tool_result',
  'heartbeat',
  'error',
  'turn_complete',
]);

/** Cuts bytes at the given positions (any order, duplicates allowed): each piece is one chunk. */
async function* split(bytes: Uint8Array, cuts: number[]): AsyncGenerator<Uint8Array> {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  let from = 0;
  for (const point of [...points, bytes.length]) {
    yield bytes.slice(from, point);
    from = point;
  }
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

const adkPart = fc.oneof(
  fc.record({ text: fc.string({ unit: 'grapheme' }) }),
  fc.record({ thought: fc.constant(true), text: fc.string() }),
  fc.record({ functionCall: fc.record({ id: fc.string(), name: fc.string(), args: fc.jsonValue() }) }),
  fc.record({ functionResponse: fc.record({ name: fc.string(), response: fc.jsonValue() }) }),
);
/** Payloads of both dialects the backend speaks, and JSON of no known shape. */
const payload = fc.oneof(
  fc.record(
    {
      content: fc.record({ role: fc.constant('model'), parts: fc.array(adkPart, { maxLength: 3 }) }),
      partial: fc.boolean(),
      turnComplete: fc.boolean(),
      errorCode: fc.string(),
      errorMessage: fc.string(),
      error: fc.string(),
    },
    { requiredKeys: ['content'] },
  ),
  fc.record({
    type: fc.constantFrom('text', 'tool_call', 'tool_result', 'heartbeat', 'error', 'done', 'weird'),
    content: fc.jsonValue(),
  }),
  fc.jsonValue(),
);
const lineEnd = fc.constantFrom('\n', '\r\n', '\r');
/** One event's `data` text (a JSON payload, or an empty keep-alive) and how it is framed. */
const framedEvent = fc.record({
  data: fc.oneof({ weight: 5, arbitrary: payload.map((p) => JSON.stringify(p) ?? 'null') }, fc.constant('')),
  eol: lineEnd,
  comment: fc.boolean(),
});

describe('the SSE parser on generated streams', () => {
  it('yields every event whole and in order, wherever the bytes are split', async () => {
    const runs = await checkAsync(
      fc.asyncProperty(
        fc.array(framedEvent, { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        async (events, cuts) => {
          const stream = events
            .map((e) => `${e.comment ? `: keep-alive${e.eol}` : ''}data: ${e.data}${e.eol}${e.eol}`)
            .join('');
          const bytes = new TextEncoder().encode(stream);
          expect(await collect(sseData(split(bytes, cuts)))).toEqual(events.map((e) => e.data));
        },
      ),
      3000,
    );
    recordProperty('SSE: generated streams split at arbitrary bytes', runs);
  });

  it('never throws on arbitrary bytes and yields only typed events', async () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 400 }),
      // Mostly SSE-looking text, with garbage among it.
      fc
        .array(fc.oneof(fc.constantFrom('data: ', 'data:', '\n', '\r', ':', '{"', '}'), fc.string()), {
          maxLength: 40,
        })
        .map((parts) => new TextEncoder().encode(parts.join(''))),
    );
    const runs = await checkAsync(
      fc.asyncProperty(bytes, fc.array(fc.nat(), { maxLength: 8 }), async (input, cuts) => {
        for (const event of await collect(sseEvents(split(input, cuts)))) {
          expect(EVENT_TYPES.has(event.type)).toBe(true);
          if (event.type === 'text' || event.type === 'thought') expect(typeof event.text).toBe('string');
          if (event.type === 'error') expect(typeof event.message).toBe('string');
        }
      }),
      3000,
    );
    recordProperty('SSE: arbitrary bytes and SSE-like garbage', runs);
  });

  it('maps generated payloads of both dialects to typed events, never throwing', async () => {
    const runs = await checkAsync(
      fc.asyncProperty(fc.array(payload, { maxLength: 5 }), async (payloads) => {
        const stream = payloads.map((p) => `data: ${JSON.stringify(p) ?? 'null'}\n\n`).join('');
        const events = await collect(sseEvents(split(new TextEncoder().encode(stream), [])));
        for (const event of events) expect(EVENT_TYPES.has(event.type)).toBe(true);
      }),
    );
    recordProperty('SSE: generated ADK and legacy payloads', runs);
  });
});
