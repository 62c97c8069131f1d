import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeClip } from '../fixtures/media.js';
import { type Harness, startHarness } from './harness.js';
import { fileSource } from './helpers.js';

// Render ids are random; replay a fixed sequence so the second render collides with the first.
const ids = vi.hoisted(() => [
  'render_1_same',
  'render_1_same',
  'render_2_fresh',
  'render_1_same',
  'render_1_same',
]);
vi.mock('../../src/nemo/render.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../src/nemo/render.js')>()),
  newRenderId: () => ids.shift() ?? 'render_exhausted',
}));

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ renderStepMs: 60 });
});
afterAll(() => h.close());

describe('a reused render id', () => {
  it('is retried once with a new id, then given up', async () => {
    const chat = await h.newChat();
    await h.client.uploadFiles(chat.ref, [
      await fileSource(await makeClip({ seconds: 1, width: 320, height: 240 })),
    ]);
    const { draft } = await h.client.getState(chat.ref);

    expect((await h.client.startRender(chat.ref, draft)).id).toBe('render_1_same');
    expect((await h.client.startRender(chat.ref, draft)).id).toBe('render_2_fresh');
    expect(h.emu.requestsTo('render-start').map((r) => (r.body as { id: string }).id)).toEqual([
      'render_1_same',
      'render_1_same',
      'render_2_fresh',
    ]);
    // Two collisions in a row: the one retry is used up, and the backend's refusal comes through typed.
    await expect(h.client.startRender(chat.ref, draft)).rejects.toMatchObject({ kind: 'api', code: 4000 });
  });
});
