/**
 * The gates a test holds so that a render stays running, or an edit stream open, for exactly as long as it
 * needs: no test has to hope its work fits inside a timer's window on a loaded machine.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../fakes/nemo/emulator.js';
import { deadlineIn, waitFor } from '../support/wait-for.js';
import { anonymousToken, call, contentEvents, getState, type Json, newSession, runSse } from './helpers.js';

const STEP_MS = 50;
let emu: Emulator;
/** Another emulator on the same timers and never held: its renders show when a timer would have fired. */
let clock: Emulator;

beforeAll(async () => {
  [emu, clock] = await Promise.all([
    startEmulator({ renderStepMs: STEP_MS, noTextRatio: 0 }),
    startEmulator({ renderStepMs: STEP_MS, noTextRatio: 0 }),
  ]);
});
beforeEach(() => {
  emu.reset();
  clock.reset();
});
afterAll(async () => {
  await Promise.all([emu?.close(), clock?.close()]);
});

interface Project {
  emu: Emulator;
  token: string;
  sid: string;
  draft: Json;
}

async function project(on: Emulator): Promise<Project> {
  const token = await anonymousToken(on);
  const sid = await newSession(on, token);
  await runSse(on, token, sid, 'add music'); // a 10 s BGM track: something to export
  return { emu: on, token, sid, draft: (await getState(on, token, sid)).data.state.draft };
}

let renders = 0;
async function startRender(p: Project): Promise<string> {
  const id = `render_gate_${++renders}`;
  const body = { id, sessionId: p.sid, draft: p.draft, output: { format: 'mp4', quality: 'high' } };
  const started = await call(p.emu, 'POST', '/api/render/proxy/lambda', { token: p.token, body });
  expect(started.json.success).toBe(true);
  return id;
}
const poll = async (p: Project, id: string) =>
  (await call(p.emu, 'GET', `/api/render/proxy/lambda/${id}`, { token: p.token })).json.data;

/** Starts a render on the free-running emulator and resolves once its timers completed it. */
async function timersRanOut(what: string): Promise<void> {
  const p = await project(clock);
  const id = await startRender(p);
  await waitFor(async () => (await poll(p, id)).status === 'completed', {
    deadline: deadlineIn(20_000),
    what: `a timer-driven render to complete (${what})`,
  });
}

describe('the render gate', () => {
  it('keeps a render pending while held, at the progress a test sets, and completes it on release', async () => {
    const p = await project(emu);
    emu.holdRenders();
    const id = await startRender(p);
    await timersRanOut('the held render would have completed by now');
    expect(await poll(p, id)).toMatchObject({ status: 'pending', progress: 0, outputUrl: null });

    emu.setRenderProgress(id, 42);
    await timersRanOut('progress would have risen by now');
    expect(await poll(p, id)).toMatchObject({ status: 'processing', progress: 42 });
    emu.options.renderPollShape = 'top-level';
    expect(await call(emu, 'GET', `/api/render/proxy/lambda/${id}`, { token: p.token })).toMatchObject({
      json: { status: 'processing', progress: 42 },
    });
    emu.options.renderPollShape = 'data';

    emu.releaseRenders();
    const done = await waitFor(
      async () => {
        const answer = await poll(p, id);
        return answer.status === 'completed' ? answer : undefined;
      },
      { deadline: deadlineIn(20_000), what: 'the released render to complete' },
    );
    expect(done).toMatchObject({ progress: 100, outputUrl: `${emu.url}/media/${id}.mp4` });
    const video = await fetch(done.outputUrl);
    expect(video.headers.get('content-type')).toBe('video/mp4');
    expect((await video.arrayBuffer()).byteLength).toBeGreaterThan(1000);
  });

  it('stops a render already running on its timers where it is', async () => {
    const p = await project(emu);
    const id = await startRender(p);
    await waitFor(async () => (await poll(p, id)).status === 'processing', {
      deadline: deadlineIn(20_000),
      what: 'the render to be processing',
    });
    emu.holdRenders();
    const held = await poll(p, id);
    await timersRanOut('the render would have completed by now');
    expect(await poll(p, id)).toEqual(held);
    emu.releaseRenders();
    await waitFor(async () => (await poll(p, id)).status === 'completed', {
      deadline: deadlineIn(20_000),
      what: 'the released render to complete',
    });
  });

  it('leaves a render cancelled while held cancelled after the release', async () => {
    const p = await project(emu);
    emu.holdRenders();
    const id = await startRender(p);
    await call(emu, 'POST', `/api/render/proxy/lambda/${id}/cancel`, { token: p.token });
    emu.releaseRenders();
    // A render started after the release runs on its timers; once it completed, the cancelled one had its chance.
    const after = await startRender(p);
    await waitFor(async () => (await poll(p, after)).status === 'completed', {
      deadline: deadlineIn(20_000),
      what: 'a render started after the release to complete',
    });
    expect(await poll(p, id)).toMatchObject({ status: 'cancelled' });
  });

  it('refuses a progress for a render that is not held', async () => {
    const p = await project(emu);
    const id = await startRender(p);
    expect(() => emu.setRenderProgress(id, 50)).toThrow(/hold the renders first/);
  });
});

describe('the edit gate', () => {
  it('keeps a charged edit stream open, unchanged, until released; then it finishes the edit', async () => {
    const token = await anonymousToken(emu);
    const sid = await newSession(emu, token);
    const before = (await getState(emu, token, sid)).data.state.draft;
    emu.holdEdits();
    const streamed = runSse(emu, token, sid, 'add the title "Held"');
    const deadline = deadlineIn(20_000);
    await waitFor(() => emu.openStreams() === 1 && emu.sessions.get(sid)!.messages.length === 1, {
      deadline,
      what: 'the edit to be taken and streaming',
    });
    // The same edit on an emulator that holds nothing streams to its end: the held one had that time too.
    await project(clock);
    expect(emu.openStreams()).toBe(1);
    expect((await getState(emu, token, sid)).data.state.draft).toEqual(before);

    emu.releaseEdits();
    const { raw } = await streamed;
    expect(emu.openStreams()).toBe(0);
    const events = contentEvents(raw);
    expect(events.length).toBeGreaterThan(1);
    expect((await getState(emu, token, sid)).data.state.draft).not.toEqual(before);
  });
});
