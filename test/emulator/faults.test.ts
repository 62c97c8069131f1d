import { request } from 'undici';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../fakes/nemo/emulator.js';
import { deadlineIn, waitFor } from '../support/wait-for.js';
import { anonymousToken, authHeaders, call, contentEvents, newSession, runSseBody } from './helpers.js';

let emu: Emulator;
let token: string;
let sid: string;
beforeEach(async () => {
  emu ??= await startEmulator({ noTextRatio: 0 });
  emu.reset();
  token = await anonymousToken(emu);
  sid = await newSession(emu, token);
});
afterAll(() => emu?.close());

const credits = () => call(emu, 'GET', '/api/credits/balance/simple', { token });

/** Reads a stream until it ends or breaks, returning what arrived and whether it broke. */
async function readUntilClosed(sessionId: string, text: string) {
  const res = await request(`${emu.url}/run_sse`, {
    method: 'POST',
    headers: { ...authHeaders(token), 'content-type': 'application/json' },
    body: JSON.stringify(runSseBody(sessionId, text)),
  });
  let raw = '';
  let broke = false;
  try {
    for await (const chunk of res.body) raw += chunk.toString();
  } catch {
    broke = true;
  }
  return { raw, broke };
}

describe('fault injection', () => {
  it('answers an envelope code, once by default, then normally', async () => {
    emu.inject({ endpoint: 'credits', code: 1001 });
    const faulty = await credits();
    expect(faulty.status).toBe(200);
    expect(faulty.json).toMatchObject({ code: 1001, data: null });
    expect((await credits()).json.code).toBe(0);
  });

  it('applies `times`, Infinity until cleared, and queues faults in order', async () => {
    emu.inject({ endpoint: 'credits', code: 2001, times: 2 });
    emu.inject({ endpoint: 'credits', httpStatus: 503 });
    const answers = [await credits(), await credits(), await credits(), await credits()];
    expect(answers.map((a) => a.json.code ?? a.status)).toEqual([2001, 2001, 503, 0]);

    emu.inject({ endpoint: 'credits', code: 4001, times: Number.POSITIVE_INFINITY });
    for (let i = 0; i < 5; i++) expect((await credits()).json.code).toBe(4001);
    emu.clearFaults();
    expect((await credits()).json.code).toBe(0);
  });

  it('answers bare HTTP statuses with JSON bodies', async () => {
    for (const status of [400, 402, 404, 429, 500, 502, 503]) {
      emu.inject({ endpoint: 'state', httpStatus: status });
      const res = await call(emu, 'GET', `/api/state/nemo_agent/me/${sid}/latest`, { token });
      expect(res.status).toBe(status);
      expect(res.json).toBeTypeOf('object');
    }
  });

  it('applies to anonymous-token too', async () => {
    emu.inject({ endpoint: 'anonymous-token', httpStatus: 429 });
    const res = await call(emu, 'POST', '/api/auth/anonymous-token', { headers: { 'x-client-id': 'fresh' } });
    expect(res.status).toBe(429);
  });

  it('delays the answer, which is then normal', async () => {
    emu.inject({ endpoint: 'credits', delayMs: 1500 });
    const order: string[] = [];
    const slow = credits().then((r) => {
      order.push('delayed');
      return r;
    });
    await waitFor(() => emu.requestsTo('credits').length === 1, {
      deadline: deadlineIn(15_000),
      what: 'the delayed request to reach the emulator',
    });
    const fast = await call(emu, 'GET', `/api/state/nemo_agent/me/${sid}/latest`, { token });
    order.push('other');
    expect(fast.json.code).toBe(0);
    expect((await slow).json.code).toBe(0);
    expect(order).toEqual(['other', 'delayed']);
  });

  it('sends a body that is not JSON', async () => {
    emu.inject({ endpoint: 'create-session', malformed: true });
    const res = await call(emu, 'POST', '/api/tasks/me/with-session/nemo_agent', {
      token,
      body: { task_name: 'x' },
    });
    expect(res.status).toBe(200);
    expect(() => JSON.parse(res.text)).toThrow();
    expect(emu.sessions.size).toBe(1);
  });

  it('sends an event stream whose data is not JSON on run-sse', async () => {
    emu.inject({ endpoint: 'run-sse', malformed: true });
    const { raw } = await readUntilClosed(sid, 'add music');
    expect(raw.startsWith('data: ')).toBe(true);
    expect(() => JSON.parse(raw.slice('data: '.length))).toThrow();
  });

  it('drops a stream after N content events; the backend still finishes the edit', async () => {
    emu.inject({ endpoint: 'run-sse', dropAfterEvents: 2 });
    const { raw, broke } = await readUntilClosed(sid, 'add music and a title "Drop"');
    expect(broke).toBe(true);
    expect(contentEvents(raw)).toHaveLength(2);
    await waitFor(() => emu.sessions.get(sid)!.draft.t.length >= 2, {
      deadline: deadlineIn(15_000),
      what: 'the backend to finish the edit after the drop',
    });
    expect(emu.sessions.get(sid)!.draft.t.map((t) => t.tt)).toEqual([1, 7]);
    expect(emu.tokens.get(token)!.credits.available).toBe(50);
  });

  it('drops a stream right after its headers with dropAfterEvents 0', async () => {
    emu.inject({ endpoint: 'run-sse', dropAfterEvents: 0 });
    const { raw, broke } = await readUntilClosed(sid, 'add music');
    expect({ raw, broke }).toEqual({ raw: '', broke: true });
  });

  it('resets the connection before answering', async () => {
    emu.inject({ endpoint: 'render-poll', resetConnection: true });
    await expect(call(emu, 'GET', '/api/render/proxy/lambda/render_x', { token })).rejects.toThrow();
    expect(emu.requestsTo('render-poll')).toHaveLength(1);
  });

  it('refuses faults that make no sense', () => {
    expect(() => emu.inject({ endpoint: 'credits', dropAfterEvents: 1 })).toThrow();
    expect(() => emu.inject({ endpoint: 'credits' })).toThrow();
  });
});
