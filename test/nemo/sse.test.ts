import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { sseData, sseEvents } from '../../src/nemo/index.js';
import { collect, type RawServer, startRawServer } from './helpers.js';
import { QUIRKY_EVENTS, QUIRKY_STREAM } from './sse-fixture.js';

const BYTES = new TextEncoder().encode(QUIRKY_STREAM);

async function* chunksOf(bytes: Uint8Array, cuts: number[]): AsyncGenerator<Uint8Array> {
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    yield bytes.slice(from, cut);
    from = cut;
  }
}

describe('sseEvents over in-memory chunks', () => {
  it('maps every quirk of one whole answer to the expected events', async () => {
    expect(await collect(sseEvents(chunksOf(BYTES, [])))).toEqual(QUIRKY_EVENTS);
  });

  it('gives the same events whatever byte the answer is split at (CR/LF pairs and UTF-8 sequences included)', async () => {
    for (let cut = 1; cut < BYTES.length; cut++) {
      const events = await collect(sseEvents(chunksOf(BYTES, [cut])));
      expect(events, `split at byte ${cut}`).toEqual(QUIRKY_EVENTS);
    }
  });

  it('survives one byte per chunk', async () => {
    const cuts = Array.from({ length: BYTES.length - 1 }, (_, i) => i + 1);
    expect(await collect(sseEvents(chunksOf(BYTES, cuts)))).toEqual(QUIRKY_EVENTS);
  });

  it('joins multi-line data with \\n and reports empty data as an empty payload', async () => {
    const data = await collect(
      sseData(chunksOf(new TextEncoder().encode('data: a\ndata: b\n\ndata:\n\n'), [])),
    );
    expect(data).toEqual(['a\nb', '']);
  });

  it('skips payloads that are JSON but no known event shape, and keeps going', async () => {
    const text = 'data: [1,2]\n\ndata: {"type":"mystery"}\n\ndata: "str"\n\ndata: {"type":"heartbeat"}\n\n';
    const events = await collect(sseEvents(chunksOf(new TextEncoder().encode(text), [])));
    expect(events).toEqual([{ type: 'heartbeat' }]);
  });
});

describe('sseEvents over a real HTTP answer with exact bytes', () => {
  let server: RawServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  /** Byte offsets that fall inside a multi-byte character or between a CR and its LF. */
  function awkwardCuts(): number[] {
    const cuts: number[] = [];
    for (let i = 1; i < BYTES.length; i++) {
      const insideUtf8 = (BYTES[i]! & 0xc0) === 0x80;
      const betweenCrLf = BYTES[i - 1] === 0x0d && BYTES[i] === 0x0a;
      if (insideUtf8 || betweenCrLf) cuts.push(i);
    }
    return cuts;
  }

  it('reads chunks cut inside UTF-8 characters and CRLF pairs, flushed one by one by the server', async () => {
    const cuts = awkwardCuts();
    expect(cuts.length).toBeGreaterThan(10);
    server = await startRawServer(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.flushHeaders();
      let from = 0;
      for (const cut of [...cuts, BYTES.length]) {
        res.write(BYTES.slice(from, cut));
        from = cut;
        await new Promise((r) => setTimeout(r, 1));
      }
      res.end();
    });
    const res = await request(server.url);
    expect(await collect(sseEvents(res.body))).toEqual(QUIRKY_EVENTS);
  });
});

describe('the largest SSE event', () => {
  const LIMIT = 64;
  const event = (payload: string) => `data: ${payload}\r\n\r\n`;
  const small = event('{"type":"heartbeat"}'); // 28 bytes of line

  it('passes events up to the bound, however the bytes are split and whatever line breaks end them', async () => {
    const atLimit = `data: "${'x'.repeat(LIMIT - 8)}"`; // exactly LIMIT bytes of line
    const text = `${small}${atLimit}\n\n${small.replaceAll('\r\n', '\r')}${small}`;
    const bytes = new TextEncoder().encode(text);
    for (let cut = 1; cut < bytes.length; cut++) {
      const data = await collect(sseData(chunksOf(bytes, [cut]), { maxEventBytes: LIMIT }));
      expect(data, `split at byte ${cut}`).toHaveLength(4);
    }
  });

  it('counts every line of one event, so many short data lines cannot add up past it', async () => {
    const lines = Array.from({ length: 10 }, () => 'data: 0123456789').join('\n');
    const bytes = new TextEncoder().encode(`${lines}\n\n`);
    await expect(collect(sseData(chunksOf(bytes, [7, 40]), { maxEventBytes: LIMIT }))).rejects.toMatchObject({
      kind: 'protocol',
      endpoint: 'run-sse',
    });
  });

  it('ends the stream with a protocol error before a larger event is buffered whole', async () => {
    const huge = new TextEncoder().encode(`${small}data: "${'y'.repeat(10 * LIMIT)}"\n\n`);
    const cuts = Array.from({ length: 20 }, (_, i) => (i + 1) * 32);
    const seen: string[] = [];
    const read = async () => {
      for await (const data of sseData(chunksOf(huge, cuts), { maxEventBytes: LIMIT })) seen.push(data);
    };
    await expect(read()).rejects.toMatchObject({ kind: 'protocol' });
    expect(seen).toEqual(['{"type":"heartbeat"}']);
  });

  it('defaults to 1 MiB in the client', async () => {
    const { DEFAULT_SSE_MAX_EVENT_BYTES } = await import('../../src/nemo/client.js');
    expect(DEFAULT_SSE_MAX_EVENT_BYTES).toBe(1024 * 1024);
  });
});
