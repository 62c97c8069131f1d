import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../fakes/nemo/emulator.js';
import { ffprobe, summarizeProbe } from '../fixtures/ffmpeg.js';
import { deadlineIn, waitFor } from '../support/wait-for.js';
import { anonymousToken, call, getState, type Json, newSession, runSse } from './helpers.js';

let emu: Emulator;
let token: string;
let sid: string;
let draft: Json;
let renderCount = 0;

beforeAll(async () => {
  emu = await startEmulator({ renderStepMs: 100, noTextRatio: 0 });
});
beforeEach(async () => {
  emu.reset();
  emu.options.renderPollShape = 'data';
  token = await anonymousToken(emu);
  sid = await newSession(emu, token);
  await runSse(emu, token, sid, 'add music'); // a 10 s BGM track: something to export
  draft = (await getState(emu, token, sid)).data.state.draft;
});
afterAll(() => emu?.close());

const newId = () => `render_${Date.now()}_${++renderCount}`;
const start = (
  id: string,
  body: Json = { id, sessionId: sid, draft, output: { format: 'mp4', quality: 'high' } },
) => call(emu, 'POST', '/api/render/proxy/lambda', { token, body });
const poll = async (id: string) => (await call(emu, 'GET', `/api/render/proxy/lambda/${id}`, { token })).json;
const statusOf = (answer: Json) => answer.data?.status ?? answer.status;
const startedRender = async () => {
  const id = newId();
  await start(id);
  return id;
};

/** Polls until the render stops, returning every answer. */
async function pollToEnd(id: string): Promise<Json[]> {
  const answers: Json[] = [];
  await waitFor(
    async () => {
      const answer = await poll(id);
      answers.push(answer);
      return ['completed', 'failed', 'cancelled'].includes(statusOf(answer));
    },
    { deadline: deadlineIn(20_000), what: `render ${id} to end`, intervalMs: 10 },
  );
  return answers;
}

describe('render lifecycle', () => {
  it('goes pending → processing → completed with rising progress, to a playable 1080p H.264 MP4', async () => {
    const id = newId();
    const started = await start(id);
    expect(started.json).toEqual({ success: true, data: { id, status: 'pending', progress: 0 } });

    const answers = await pollToEnd(id);
    const statuses = answers.map((a) => a.data.status).filter((s, i, all) => s !== all[i - 1]);
    expect(statuses).toEqual(['pending', 'processing', 'completed']);
    const progress = answers.map((a) => a.data.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    const done = answers.at(-1).data;
    expect(done).toMatchObject({ id, progress: 100, outputUrl: `${emu.url}/media/${id}.mp4` });
    expect(Date.parse(done.completedAt)).toBeGreaterThanOrEqual(Date.parse(done.createdAt));

    const video = await request(done.outputUrl);
    expect(video.statusCode).toBe(200);
    expect(video.headers['content-type']).toBe('video/mp4');
    const bytes = Buffer.from(await video.body.arrayBuffer());
    expect(Number(video.headers['content-length'])).toBe(bytes.length);
    const path = join(tmpdir(), `${id}.mp4`);
    await writeFile(path, bytes);
    const media = await ffprobe(path)
      .then(summarizeProbe)
      .finally(() => rm(path, { force: true }));
    expect(media).toMatchObject({ width: 1920, height: 1080, videoCodec: 'h264' });
    // The draft is 10 s long; renders are capped at 3 s to keep tests fast.
    expect(media.durationSec).toBeCloseTo(3, 0);
  });

  it('answers in the top-level shape with output {url, duration, size}', async () => {
    emu.options.renderPollShape = 'top-level';
    const id = newId();
    await start(id);
    const answers = await pollToEnd(id);
    expect(answers[0]).toMatchObject({ id, status: expect.any(String), progress: expect.any(Number) });
    expect(answers[0].data).toBeUndefined();
    const done = answers.at(-1);
    const head = await request(done.output.url, { method: 'HEAD' });
    expect(done.output).toMatchObject({ duration: 3, size: Number(head.headers['content-length']) });
  });

  it('alternates the two shapes when asked', async () => {
    emu.options.renderPollShape = 'alternate';
    const id = newId();
    await start(id);
    const [first, second, third] = [await poll(id), await poll(id), await poll(id)];
    expect([first.data?.id, second.data?.id, third.data?.id]).toEqual([id, undefined, id]);
    expect(second.id).toBe(id);
  });

  it('answers HTTP 402 to render-start without the attribution headers, while other calls work', async () => {
    const res = await call(emu, 'POST', '/api/render/proxy/lambda', {
      headers: { authorization: `Bearer ${token}` },
      body: { id: newId(), sessionId: sid, draft, output: { format: 'mp4', quality: 'high' } },
    });
    expect(res.status).toBe(402);
    expect(res.json.code).toBe(402);
    expect(emu.renders.size).toBe(0);
    const state = await call(emu, 'GET', `/api/state/nemo_agent/me/${sid}/latest`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(state.json.code).toBe(0);
  });

  it('refuses a reused id and an empty draft', async () => {
    const id = newId();
    await start(id);
    const again = await start(id);
    expect(again.json).toMatchObject({ success: false, code: 4000, error: 'render id already used' });
    const empty = await start(newId(), {
      id: newId(),
      sessionId: sid,
      draft: { t: [], d: 0 },
      output: { format: 'mp4' },
    });
    expect(empty.json.success).toBe(false);
    expect(empty.json.code).not.toBe(0);
  });

  it('cancels a running render', async () => {
    const id = newId();
    await start(id);
    const cancelled = await call(emu, 'POST', `/api/render/proxy/lambda/${id}/cancel`, { token });
    expect(cancelled.json).toEqual({ code: 0, message: 'success', data: { id, status: 'cancelled' } });
    // A render started after the cancel runs to its end on the same timers: the cancelled one had that time.
    await pollToEnd(await startedRender());
    expect(statusOf(await poll(id))).toBe('cancelled');
  });

  it('fails a render on failRender with the error in the poll answer', async () => {
    const id = newId();
    await start(id);
    emu.failRender(id, 'GPU node lost');
    expect((await poll(id)).data).toMatchObject({ status: 'failed', error: 'GPU node lost' });
    emu.options.renderPollShape = 'top-level';
    expect(await poll(id)).toMatchObject({ status: 'failed', error: 'GPU node lost' });
  });

  it('hides renders of other users', async () => {
    const id = newId();
    await start(id);
    const stranger = await anonymousToken(emu);
    const res = await call(emu, 'GET', `/api/render/proxy/lambda/${id}`, { token: stranger });
    expect(res.json).toMatchObject({ success: false, code: 4004 });
  });
});

describe('download and media', () => {
  let id: string;
  let outputUrl: string;
  beforeEach(async () => {
    id = newId();
    await start(id);
    outputUrl = (await pollToEnd(id)).at(-1).data.outputUrl;
  });

  it('redirects the download fallback to the file once done (404 before)', async () => {
    const res = await request(`${emu.url}/api/render/proxy/${id}/download`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe(outputUrl);
    await res.body.dump();
    const pendingId = newId();
    await start(pendingId);
    const early = await call(emu, 'GET', `/api/render/proxy/${pendingId}/download`, { token });
    expect(early.status).toBe(404);
  });

  it('serves byte ranges', async () => {
    const whole = Buffer.from(await (await request(outputUrl)).body.arrayBuffer());
    const part = await request(outputUrl, { headers: { range: 'bytes=100-199' } });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 100-199/${whole.length}`);
    expect(Buffer.from(await part.body.arrayBuffer()).equals(whole.subarray(100, 200))).toBe(true);

    const tail = await request(outputUrl, { headers: { range: 'bytes=-10' } });
    expect(Buffer.from(await tail.body.arrayBuffer()).equals(whole.subarray(-10))).toBe(true);

    const past = await request(outputUrl, { headers: { range: `bytes=${whole.length}-` } });
    expect(past.statusCode).toBe(416);
    expect(past.headers['content-range']).toBe(`bytes */${whole.length}`);
    await past.body.dump();
  });
});
