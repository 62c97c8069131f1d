import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  NemoAbortedError,
  NemoClient,
  type NemoEvent,
  NemoNoCreditsError,
  NemoProtocolError,
  NemoServerError,
  NemoStreamInterruptedError,
  NemoTimeoutError,
} from '../../src/nemo/index.js';
import { makeClip } from '../fixtures/media.js';
import { type Chat, type Harness, startHarness } from './harness.js';
import { collect, fakeSession, fileSource, type RawServer, startRawServer } from './helpers.js';
import { QUIRKY_EVENTS, QUIRKY_STREAM } from './sse-fixture.js';

const texts = (events: NemoEvent[]) => events.flatMap((e) => (e.type === 'text' ? [e] : []));

describe('sendMessage against the emulator', () => {
  let h: Harness;
  let chat: Chat;
  beforeAll(async () => {
    h = await startHarness({ editDelayMs: 5, heartbeatMs: 20 });
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    h.emu.clearFaults();
    Object.assign(h.emu.options, { sseStyle: 'adk', noTextRatio: 0, editDelayMs: 5 });
    h.waits.length = 0;
    chat = await h.newChat();
    await h.client.uploadFiles(chat.ref, [
      await fileSource(await makeClip({ seconds: 1, width: 320, height: 240 })),
    ]);
  });

  it('streams an ADK edit: tool call and result, partial text then the final text, and the draft changes', async () => {
    const events = await collect(h.client.sendMessage(chat.ref, 'add some lo-fi music as BGM'));
    expect(events.some((e) => e.type === 'tool_call')).toBe(true);
    expect(events.some((e) => e.type === 'tool_result')).toBe(true);
    const said = texts(events);
    expect(said.some((t) => t.partial)).toBe(true);
    expect(said.at(-1)!.partial).toBe(false);
    const sent = h.emu.requestsTo('run-sse').at(-1)!;
    expect(sent.headers['accept']).toBe('text/event-stream');
    expect(sent.body).toEqual({
      app_name: 'nemo_agent',
      user_id: 'me',
      session_id: chat.state.sessionId,
      new_message: { parts: [{ text: 'add some lo-fi music as BGM' }] },
      streaming: true,
    });
    const state = await h.client.getState(chat.ref);
    expect(JSON.stringify(state.draft)).toMatch(/"tt":1/);
    expect(h.outcomes.at(-2)).toEqual({ endpoint: 'run-sse', outcome: 'ok' });
  });

  it('streams the legacy style the same way', async () => {
    h.emu.options.sseStyle = 'legacy';
    const events = await collect(h.client.sendMessage(chat.ref, 'add a title "Urban Dreams"'));
    expect(events.some((e) => e.type === 'tool_call')).toBe(true);
    expect(events.some((e) => e.type === 'tool_result')).toBe(true);
    expect(texts(events).length).toBeGreaterThan(0);
    expect(events.some((e) => e.type === 'thought')).toBe(false);
  });

  it('ends cleanly when an edit closes with no text at all, with keep-alives as heartbeats', async () => {
    h.emu.options.noTextRatio = 1;
    h.emu.options.editDelayMs = 60;
    const events = await collect(h.client.sendMessage(chat.ref, 'make it cinematic'));
    expect(texts(events)).toEqual([]);
    expect(events.some((e) => e.type === 'heartbeat')).toBe(true);
    expect(events.some((e) => e.type === 'tool_call')).toBe(true);
  });

  it('a socket drop mid-stream is NemoStreamInterruptedError and the message is never resent', async () => {
    h.emu.inject({ endpoint: 'run-sse', dropAfterEvents: 2 });
    const before = h.emu.requestsTo('run-sse').length;
    const seen: NemoEvent[] = [];
    const error = await (async () => {
      for await (const e of h.client.sendMessage(chat.ref, 'trim the video')) seen.push(e);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NemoStreamInterruptedError);
    expect(seen.filter((e) => e.type !== 'heartbeat').length).toBeGreaterThan(0);
    expect(h.emu.requestsTo('run-sse').length - before).toBe(1);
    expect(h.outcomes.at(-1)).toEqual({ endpoint: 'run-sse', outcome: 'stream-interrupted' });
  });

  it('a half event before the close is skipped and the stream ends cleanly', async () => {
    h.emu.inject({ endpoint: 'run-sse', malformed: true });
    expect(await collect(h.client.sendMessage(chat.ref, 'trim'))).toEqual([]);
  });

  it('recovers before the stream: unknown session (HTTP 404) → new session, then streams once', async () => {
    const old = chat.state.sessionId;
    h.emu.dropSession(old);
    const events = await collect(h.client.sendMessage(chat.ref, 'add music'));
    expect(events.length).toBeGreaterThan(0);
    expect(chat.state.renewals).toBe(1);
    const sids = h.emu
      .requestsTo('run-sse')
      .slice(-2)
      .map((r) => (r.body as { session_id: string }).session_id);
    expect(sids).toEqual([old, chat.state.sessionId]);
  });

  it('recovers before the stream: 1001 → refresh; 429 → wait and retry', async () => {
    h.emu.inject({ endpoint: 'run-sse', code: 1001 });
    expect((await collect(h.client.sendMessage(chat.ref, 'add music'))).length).toBeGreaterThan(0);
    expect(chat.state.refreshes).toBe(1);
    h.emu.inject({ endpoint: 'run-sse', httpStatus: 429 });
    expect((await collect(h.client.sendMessage(chat.ref, 'add a title'))).length).toBeGreaterThan(0);
    expect(h.waits).toEqual([30_000]);
  });

  it('no credits before the stream is NemoNoCreditsError with the id to bind; a 5xx is not retried', async () => {
    h.emu.setCredits(chat.state.token, 0);
    const error = await collect(h.client.sendMessage(chat.ref, 'generate a video of a city')).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(NemoNoCreditsError);
    expect((error as NemoNoCreditsError).bindId).toBe(chat.state.userId);

    h.emu.setCredits(chat.state.token, 100);
    h.emu.inject({ endpoint: 'run-sse', httpStatus: 503 });
    const before = h.emu.requestsTo('run-sse').length;
    await expect(collect(h.client.sendMessage(chat.ref, 'trim'))).rejects.toBeInstanceOf(NemoServerError);
    expect(h.emu.requestsTo('run-sse').length - before).toBe(1);
  });

  it("the caller's signal ends the stream with NemoAbortedError", async () => {
    h.emu.options.editDelayMs = 100;
    const controller = new AbortController();
    const error = await (async () => {
      for await (const e of h.client.sendMessage(chat.ref, 'generate a video of a beach', {
        signal: controller.signal,
      })) {
        if (e.type !== 'heartbeat') controller.abort();
      }
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NemoAbortedError);
  });

  it('past maxDurationMs the stream ends with NemoTimeoutError', async () => {
    h.emu.options.editDelayMs = 200;
    const error = await collect(
      h.client.sendMessage(chat.ref, 'generate a video of a forest', { maxDurationMs: 150 }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NemoTimeoutError);
    expect(error).toMatchObject({ timeoutMs: 150, endpoint: 'run-sse' });
  });
});

describe('sendMessage against exact bytes', () => {
  let server: RawServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  const client = (url: string) =>
    new NemoClient({
      baseUrl: url,
      skill: { source: 'video-models', version: '1.0.0', platform: 'unknown' },
      rateLimitRetryMs: 1,
      renderPollMaxMs: 10,
    });
  const { ref } = fakeSession({ token: 'nmv_usr_rawbytes', sessionId: '42' });

  it('reads every framing quirk through the whole client', async () => {
    const bytes = new TextEncoder().encode(QUIRKY_STREAM);
    server = await startRawServer(async (req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      // Three bytes at a time: cuts land inside characters, CRLF pairs and field names.
      for (let i = 0; i < bytes.length; i += 3) {
        res.write(bytes.subarray(i, i + 3));
        if (i % 60 === 0) await new Promise((r) => setImmediate(r));
      }
      res.end();
    });
    expect(await collect(client(server.url).sendMessage(ref, 'hi'))).toEqual(QUIRKY_EVENTS);
  });

  it('breaking out of the loop aborts the request: the server sees the client go away', async () => {
    let closed!: () => void;
    const serverSawClose = new Promise<void>((resolve) => (closed = resolve));
    server = await startRawServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const timer = setInterval(() => res.write('data: {"type":"heartbeat"}\n\n'), 10);
      res.on('close', () => {
        clearInterval(timer);
        closed();
      });
    });
    for await (const event of client(server.url).sendMessage(ref, 'hi')) {
      expect(event).toEqual({ type: 'heartbeat' });
      break;
    }
    await serverSawClose;
    await expect.poll(() => server!.openSockets()).toBe(0);
  });

  it('a 200 JSON answer with code 0 instead of a stream is NemoProtocolError', async () => {
    server = await startRawServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"code":0,"data":{}}');
    });
    await expect(collect(client(server.url).sendMessage(ref, 'hi'))).rejects.toBeInstanceOf(
      NemoProtocolError,
    );
  });
});
