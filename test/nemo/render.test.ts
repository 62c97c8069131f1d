import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  NemoAbortedError,
  NemoNetworkError,
  NemoProtocolError,
  NemoRenderFailedError,
  NemoTimeoutError,
  RenderPollSchedule,
  type RenderStatus,
} from '../../src/nemo/index.js';
import { pollRender } from '../../src/nemo/render.js';
import { makeClip } from '../fixtures/media.js';
import { type Chat, type Harness, startHarness } from './harness.js';
import { fileSource } from './helpers.js';

describe('the poll schedule before progress shows a rate', () => {
  it('starts at 2 s and grows ×1.5 up to the cap', () => {
    const schedule = new RenderPollSchedule({ maxMs: 30_000 });
    const first = Array.from({ length: 9 }, () => schedule.next());
    expect(first).toEqual([2000, 3000, 4500, 6750, 10125, 15187.5, 22781.25, 30000, 30000]);
  });

  it('never exceeds a cap below 2 s', () => {
    const schedule = new RenderPollSchedule({ maxMs: 500 });
    expect([schedule.next(), schedule.next()]).toEqual([500, 500]);
  });
});

describe('pollRender with a scripted backend', () => {
  const status = (
    s: RenderStatus['status'],
    progress = 0,
    extra: Partial<RenderStatus> = {},
  ): RenderStatus => ({
    id: 'r1',
    status: s,
    progress,
    ...extra,
  });
  function script(steps: Array<RenderStatus | Error>) {
    let i = 0;
    return async () => {
      const step = steps[Math.min(i++, steps.length - 1)]!;
      if (step instanceof Error) throw step;
      return step;
    };
  }
  const waits: number[] = [];
  const pause = async (ms: number) => {
    waits.push(ms);
  };
  beforeEach(() => {
    waits.length = 0;
  });

  it('polls at once, reports changes only, and keeps polling through a transient failure', async () => {
    const seen: RenderStatus[] = [];
    const done = await pollRender({
      renderId: 'r1',
      poll: script([
        status('pending'),
        status('pending'),
        new NemoNetworkError({ endpoint: 'render-poll' }),
        status('processing', 50),
        status('completed', 100, { outputUrl: 'u' }),
      ]),
      pause,
      maxIntervalMs: 4_000,
      onProgress: (s) => seen.push(s),
    });
    expect(done).toMatchObject({ status: 'completed', outputUrl: 'u' });
    expect(seen.map((s) => `${s.status}:${s.progress}`)).toEqual([
      'pending:0',
      'processing:50',
      'completed:100',
    ]);
    expect(waits).toEqual([2000, 3000, 4000, 4000]);
  });

  it('throws NemoRenderFailedError with the reason on failed', async () => {
    const error = await pollRender({
      renderId: 'r1',
      poll: script([status('failed', 30, { error: 'Encoder failed' })]),
      pause,
      maxIntervalMs: 4_000,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NemoRenderFailedError);
    expect(error).toMatchObject({ renderId: 'r1', reason: 'Encoder failed', kind: 'render-failed' });
  });

  it('stops a non-transient failure at once', async () => {
    await expect(
      pollRender({
        renderId: 'r1',
        poll: script([new NemoProtocolError('x', { endpoint: 'render-poll' })]),
        pause,
        maxIntervalMs: 4_000,
      }),
    ).rejects.toBeInstanceOf(NemoProtocolError);
    expect(waits).toEqual([]);
  });

  it('times out once the waits add up to timeoutMs, never waiting past it', async () => {
    await expect(
      pollRender({
        renderId: 'r1',
        poll: script([status('processing', 10)]),
        pause,
        maxIntervalMs: 4_000,
        timeoutMs: 10_000,
      }),
    ).rejects.toBeInstanceOf(NemoTimeoutError);
    expect(waits).toEqual([2000, 3000, 4000, 1000]);
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    await expect(
      pollRender({
        renderId: 'r1',
        poll: script([status('processing', 10)]),
        pause: async () => controller.abort(),
        maxIntervalMs: 4_000,
        signal: controller.signal,
      }),
    ).rejects.toBeInstanceOf(NemoAbortedError);
  });
});

describe('render against the emulator', () => {
  let h: Harness;
  let chat: Chat;
  let draft: unknown;
  beforeAll(async () => {
    h = await startHarness({ renderStepMs: 60 }, { renderPollMaxMs: 30_000 });
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    h.emu.clearFaults();
    chat = await h.newChat();
    await h.client.uploadFiles(chat.ref, [
      await fileSource(await makeClip({ seconds: 1, width: 320, height: 240 })),
    ]);
    draft = (await h.client.getState(chat.ref)).draft;
  });

  for (const shape of ['data', 'top-level', 'alternate'] as const) {
    it(`starts, polls and completes with the "${shape}" poll shape`, async () => {
      h.emu.options.renderPollShape = shape;
      const started = await h.client.startRender(chat.ref, draft, { quality: 'medium' });
      expect(started).toMatchObject({ status: 'pending', progress: 0 });
      expect(started.id).toMatch(/^render_\d{13}_[0-9a-f]{8}$/);
      const sent = h.emu.requestsTo('render-start').at(-1)!;
      expect(sent.body).toMatchObject({
        id: started.id,
        sessionId: chat.state.sessionId,
        draft,
        output: { format: 'mp4', quality: 'medium' },
      });
      const seen: RenderStatus[] = [];
      const done = await h.client.waitForRender(chat.ref, started.id, { onProgress: (s) => seen.push(s) });
      expect(done.status).toBe('completed');
      expect(done.progress).toBe(100);
      expect(done.outputUrl).toMatch(/\/media\/.+\.mp4$/);
      expect(seen.at(0)!.status).toMatch(/pending|processing/);
      const progress = seen.map((s) => s.progress);
      expect(progress).toEqual([...progress].sort((a, b) => a - b));
    });
  }

  it('a failed render is NemoRenderFailedError with its reason', async () => {
    const started = await h.client.startRender(chat.ref, draft);
    h.emu.failRender(started.id, 'Encoder failed');
    await expect(h.client.waitForRender(chat.ref, started.id)).rejects.toMatchObject({
      kind: 'render-failed',
      reason: 'Encoder failed',
    });
  });

  it('a cancelled render ends the wait with its status', async () => {
    const started = await h.client.startRender(chat.ref, draft);
    await h.client.cancelRender(chat.ref, started.id);
    const done = await h.client.waitForRender(chat.ref, started.id);
    expect(done.status).toBe('cancelled');
  });

  it("polls on through a run of 5xx longer than one call's retries", async () => {
    const started = await h.client.startRender(chat.ref, draft);
    h.emu.inject({ endpoint: 'render-poll', httpStatus: 503, times: 4 });
    const done = await h.client.waitForRender(chat.ref, started.id);
    expect(done.status).toBe('completed');
    expect(
      h.outcomes.filter((o) => o.endpoint === 'render-poll' && o.outcome === 'server').length,
    ).toBeGreaterThan(0);
  });
});
