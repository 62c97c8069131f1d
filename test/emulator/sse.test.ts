import { request } from 'undici';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../fakes/nemo/emulator.js';
import {
  anonymousToken,
  authHeaders,
  call,
  contentEvents,
  getState,
  type Json,
  newSession,
  runSse,
  runSseBody,
  sseFrames,
} from './helpers.js';

let emu: Emulator;
beforeEach(async () => {
  emu ??= await startEmulator({ noTextRatio: 0 });
  emu.reset();
  Object.assign(emu.options, {
    noTextRatio: 0,
    sseStyle: 'adk',
    heartbeatMs: 50,
    editCost: 50,
    generateCost: 100,
  });
});
afterAll(() => emu?.close());

async function freshSession() {
  const token = await anonymousToken(emu);
  return { token, sid: await newSession(emu, token) };
}

const parts = (events: Json[]) => events.flatMap((e) => e.content?.parts ?? []);
const toolNames = (events: Json[]) =>
  parts(events).flatMap((p: Json) => (p.functionCall ? [p.functionCall.name] : []));

describe('run_sse, ADK style', () => {
  it('streams data-only frames: tool call and result, partial text chunks, then the whole text', async () => {
    const { token, sid } = await freshSession();
    const res = await runSse(emu, token, sid, 'add a title "Urban Dreams"');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream');
    expect(res.raw).not.toMatch(/^(event|id):/m);
    const frames = sseFrames(res.raw);
    expect(frames.every((f) => f === '' || JSON.parse(f))).toBe(true);

    const events = contentEvents(res.raw).filter((e) => Object.keys(e).length > 0);
    for (const event of events)
      expect(event).toMatchObject({ author: 'nemo_agent', invocationId: events[0].invocationId });
    const call = parts(events).find((p: Json) => p.functionCall)?.functionCall;
    const result = parts(events).find((p: Json) => p.functionResponse)?.functionResponse;
    expect(call).toMatchObject({
      name: 'edit_multitrack',
      args: { action: 'add_text', text: 'Urban Dreams' },
    });
    expect(result).toMatchObject({ id: call.id, name: 'edit_multitrack' });
    expect(parts(events).some((p: Json) => p.thought === true)).toBe(true);

    const texts = events.filter(
      (e) => e.content?.parts?.[0]?.text !== undefined && !e.content.parts[0].thought,
    );
    const partials = texts.filter((e) => e.partial === true);
    const finals = texts.filter((e) => !e.partial);
    expect(partials.length).toBeGreaterThan(1);
    expect(finals).toHaveLength(1);
    expect(texts.at(-1)).toBe(finals[0]);
    expect(partials.map((e) => e.content.parts[0].text).join('')).toBe(finals[0].content.parts[0].text);
    expect(finals[0].content.parts[0].text).toContain('Urban Dreams');
  });

  it('sends every shape a real ADK-JS 2.0 server sends', async () => {
    const { token, sid } = await freshSession();
    const events = contentEvents((await runSse(emu, token, sid, 'add a title "Urban Dreams"')).raw);
    const model = events.filter((e) => e.content?.role === 'model');
    // Bookkeeping fields on every ADK event; usage on the model's; ms timestamps (ADK-JS), not float seconds.
    for (const e of events.filter((x) => x.author)) {
      expect(e.actions).toMatchObject({ stateDelta: {}, requestedToolConfirmations: {} });
      expect(e.longRunningToolIds).toEqual([]);
      expect(Number.isInteger(e.timestamp) && e.timestamp > 1e12).toBe(true);
    }
    for (const e of model) expect(e.usageMetadata).toMatchObject({ totalTokenCount: expect.any(Number) });
    // Partial thought chunks, then the whole thought in the call's event (several parts in one event).
    const thoughts = model.filter((e) => e.content.parts[0].thought);
    expect(thoughts.filter((e) => e.partial === true).length).toBe(2);
    const callEvent = model.find((e) => e.content.parts.some((p: Json) => p.functionCall));
    expect(callEvent.content.parts[0]).toMatchObject({ thought: true });
    const chunks = thoughts.filter((e) => e.partial === true).map((e) => e.content.parts[0].text);
    expect(callEvent.content.parts[0].text).toBe(chunks.join(''));
    // The final text says partial: false and STOP; events with no content and `data: {}` come too.
    const finalText = model.filter((e) => !e.content.parts[0].thought && e.content.parts[0].text).at(-1);
    expect(finalText).toMatchObject({ partial: false, finishReason: 'STOP' });
    expect(events.some((e) => e.author && !e.content && e.finishReason === 'STOP')).toBe(true);
    expect(events.some((e) => Object.keys(e).length === 0)).toBe(true);
  });

  it('marks a generation call long-running, and can put thought + text + call in one event', async () => {
    const { token, sid } = await freshSession();
    const raw = (await runSse(emu, token, sid, 'generate a 5-second clip of waves #several-parts')).raw;
    const first = contentEvents(raw).find((e) => e.content?.parts?.some((p: Json) => p.functionCall));
    expect(first.content.parts.map((p: Json) => Object.keys(p).sort().join('+'))).toEqual([
      'text+thought',
      'text',
      'functionCall',
    ]);
    expect(first.longRunningToolIds).toEqual([first.content.parts[2].functionCall.id]);
  });

  it('a no-text edit ends the way ADK-JS ends a model call with no parts: errorCode STOP', async () => {
    emu.options.noTextRatio = 1;
    const { token, sid } = await freshSession();
    const events = contentEvents((await runSse(emu, token, sid, 'add lo-fi background music')).raw);
    expect(events.at(-1)).toMatchObject({ errorCode: 'STOP', finishReason: 'STOP' });
    expect(events.at(-1).errorMessage).toBeUndefined();
  });

  it('accepts camelCase keys', async () => {
    const { token, sid } = await freshSession();
    const res = await request(`${emu.url}/run_sse`, {
      method: 'POST',
      headers: { ...authHeaders(token), 'content-type': 'application/json' },
      body: JSON.stringify({
        appName: 'nemo_agent',
        userId: 'me',
        sessionId: sid,
        newMessage: { parts: [{ text: 'add music' }] },
      }),
    });
    expect(res.statusCode).toBe(200);
    expect(toolNames(contentEvents(await res.body.text()))).toEqual(['generate_music']);
  });

  it('changes the draft as the message asks', async () => {
    const { token, sid } = await freshSession();
    const before = (await getState(emu, token, sid)).data.state.draft;
    await runSse(emu, token, sid, 'add lo-fi BGM and a title "Urban Dreams"');
    const after = (await getState(emu, token, sid)).data.state.draft;
    expect(after).not.toEqual(before);
    expect(after.t.find((t: Json) => t.tt === 1).sg).toEqual([{ n: 'Lo-fi', s: 0, e: 10_000, v: 0.35 }]);
    expect(after.t.find((t: Json) => t.tt === 7).sg).toEqual([{ txt: 'Urban Dreams', s: 0, e: 3000 }]);
    expect(emu.sessions.get(sid)?.messages.map((m) => m.text)).toEqual([
      'add lo-fi BGM and a title "Urban Dreams"',
    ]);
  });

  it('closes edits without any text when noTextRatio is 1, yet the draft changes', async () => {
    emu.options.noTextRatio = 1;
    const { token, sid } = await freshSession();
    const res = await runSse(emu, token, sid, 'add background music');
    const events = contentEvents(res.raw);
    expect(parts(events).some((p: Json) => typeof p.text === 'string' && !p.thought)).toBe(false);
    expect(toolNames(events)).toEqual(['generate_music']);
    const draft = (await getState(emu, token, sid)).data.state.draft;
    expect(draft.t.map((t: Json) => t.tt)).toEqual([1]);
  });

  it('generates with seedance: heartbeats meanwhile, generated media, generateCost charged', async () => {
    const { token, sid } = await freshSession();
    const res = await runSse(emu, token, sid, 'generate a city timelapse at night');
    const frames = sseFrames(res.raw);
    expect(frames.filter((f) => f === '{"type":"heartbeat"}').length).toBeGreaterThan(1);
    expect(frames).toContain('');
    expect(toolNames(contentEvents(res.raw))).toEqual(['generate_video_with_seedance', 'edit_multitrack']);
    const state = (await getState(emu, token, sid)).data.state;
    expect(state.generated_media).toHaveLength(1);
    expect(state.draft.t[0].sg[0]).toMatchObject({ s: 0, e: 5000, gen: true });
    expect(emu.tokens.get(token)?.credits).toEqual({ available: 0, frozen: 0 });
    const clip = await request(state.generated_media[0].url);
    expect(clip.headers['content-type']).toBe('video/mp4');
    expect((await clip.body.arrayBuffer()).byteLength).toBeGreaterThan(1000);
  });

  it('flushes the headers before the edit is done', async () => {
    emu.options.heartbeatMs = 200;
    const { token, sid } = await freshSession();
    const res = await request(`${emu.url}/run_sse`, {
      method: 'POST',
      headers: { ...authHeaders(token), 'content-type': 'application/json' },
      body: JSON.stringify(runSseBody(sid, 'generate a beach scene')),
    });
    // The generation tool has not finished (its result adds the clip), yet the stream has begun.
    expect(emu.sessions.get(sid)?.generatedMedia).toEqual([]);
    expect(emu.tokens.get(token)?.credits).toEqual({ available: 0, frozen: 100 });
    await res.body.text();
    expect(emu.sessions.get(sid)?.generatedMedia).toHaveLength(1);
  });

  it('says "click the Export button" when the message mentions GUI', async () => {
    const { token, sid } = await freshSession();
    const res = await runSse(emu, token, sid, 'GUI test: add music');
    expect(
      parts(contentEvents(res.raw))
        .map((p: Json) => p.text ?? '')
        .join(''),
    ).toContain('click the Export button');
  });

  it('runs out of credits: code 2001 with bind_id, before any stream, nothing changed', async () => {
    const { token, sid } = await freshSession();
    const userId = emu.tokens.get(token)!.userId;
    expect((await runSse(emu, token, sid, 'add music')).status).toBe(200);
    expect((await runSse(emu, token, sid, 'add a title')).status).toBe(200);
    const broke = await runSse(emu, token, sid, 'trim to 3s');
    expect(broke.headers['content-type']).toBe('application/json');
    expect(JSON.parse(broke.raw)).toMatchObject({ code: 2001, data: { bind_id: userId } });
    const credits = await call(emu, 'GET', '/api/credits/balance/simple', { token });
    expect(credits.json.data).toEqual({ available: 0, frozen: 0, total: 0 });
    expect(emu.sessions.get(sid)?.messages).toHaveLength(2);
  });

  it('never runs a registered token dry unless setCredits says so', async () => {
    emu.options.operatorTokens = ['nmv_usr_op'];
    const sid = await newSession(emu, 'nmv_usr_op');
    for (let i = 0; i < 3; i++) expect((await runSse(emu, 'nmv_usr_op', sid, 'add music')).status).toBe(200);
    emu.setCredits('nmv_usr_op', 10);
    expect(JSON.parse((await runSse(emu, 'nmv_usr_op', sid, 'add music')).raw).code).toBe(2001);
  });

  it('sends an ADK {error} event for "#stream-error"', async () => {
    const { token, sid } = await freshSession();
    const events = contentEvents((await runSse(emu, token, sid, 'add music #stream-error')).raw);
    expect(events.at(-1)).toEqual({ error: expect.any(String) });
  });
});

describe('run_sse, legacy style', () => {
  it('streams {type} events: tool_call, tool_result, text chunks, heartbeats', async () => {
    emu.options.sseStyle = 'legacy';
    const { token, sid } = await freshSession();
    const res = await runSse(emu, token, sid, 'generate an ocean video');
    const frames = sseFrames(res.raw);
    expect(frames).toContain('{"type":"heartbeat"}');
    const events = contentEvents(res.raw);
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['tool_call', 'tool_result', 'text']));
    expect(events.find((e) => e.type === 'tool_call')).toMatchObject({
      name: 'generate_video_with_seedance',
    });
    expect(events.every((e) => e.content === undefined || typeof e.content === 'string')).toBe(true);
    const text = events
      .filter((e) => e.type === 'text')
      .map((e) => e.content)
      .join('');
    expect(text).toMatch(/^Done! I generated/);
  });
});
