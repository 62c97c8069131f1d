/**
 * The result of an edit offers the next steps as buttons on every platform: Export (when the timeline has
 * something to render) and Status, once, on the message that answers the request. Real emulator, real Redis.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ButtonAction } from '../../src/messages.js';
import { makeClip } from '../fixtures/media.js';
import { fileAttachment, type Harness, startHarness } from '../support/harness.js';
import type { RecordedCall } from '../support/recording-port.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const actionsOf = (call: RecordedCall | undefined): ButtonAction[] | undefined =>
  call && 'options' in call ? call.options?.buttons?.flat().map((b) => b.action) : undefined;

/** Calls made while the bot handled `text`, and the message that answered it (its progress message). */
async function sendAndCollect(harness: Harness, text: string) {
  const from = harness.port.calls.length;
  await harness.send(text);
  const calls = harness.port.calls.slice(from);
  const progress = calls.find((c) => c.type === 'send' && c.text === '⏳ Working on it…');
  if (progress?.type !== 'send') throw new Error('the edit sent no progress message');
  const finalEdit = calls.findLast((c) => c.type === 'edit' && c.id === progress.id);
  return { calls, finalEdit, withButtons: calls.filter((c) => actionsOf(c)?.length) };
}

async function harnessWithClip(progressIntervalMs = 60_000): Promise<Harness> {
  const harness = await startHarness({ progressIntervalMs });
  const clip = await makeClip({ seconds: 2, width: 320, height: 240 });
  await harness.send({ attachments: [await fileAttachment(clip, { name: 'beach.mp4' })] });
  return harness;
}

describe('the result of an edit', () => {
  it('offers Export and Status on the answer, and Export renders and delivers', async () => {
    h = await harnessWithClip();
    const { calls, finalEdit, withButtons } = await sendAndCollect(h, 'apply a cinematic look');

    expect(calls.some((c) => c.type === 'send' && c.text === 'Done! I applied a cinematic color look.')).toBe(
      true,
    );
    expect(finalEdit).toMatchObject({ type: 'edit', text: expect.stringMatching(/^✅ Done/) });
    expect(actionsOf(finalEdit)).toEqual(['export', 'status']);
    expect(withButtons).toEqual([finalEdit]);

    await h.send({ action: 'export' });
    expect(h.port.videos).toHaveLength(1);
    expect(h.port.videos[0]!.video.url).toMatch(/\.mp4$/);
  });

  it('offers Status alone when the timeline has nothing to render', async () => {
    h = await startHarness({ progressIntervalMs: 60_000 });
    const { finalEdit, withButtons } = await sendAndCollect(h, 'apply a cinematic look');

    expect(actionsOf(finalEdit)).toEqual(['status']);
    expect(withButtons).toEqual([finalEdit]);
  });

  it('offers them once: not again when the agent’s own words already carry Export', async () => {
    h = await harnessWithClip();
    const { finalEdit, withButtons } = await sendAndCollect(h, 'apply a cinematic look (GUI)');

    expect(actionsOf(finalEdit)).toBeUndefined();
    expect(withButtons).toHaveLength(1);
    expect(withButtons[0]).toMatchObject({ type: 'send', text: expect.stringContaining('tap Export') });
    expect(actionsOf(withButtons[0])).toEqual(['export', 'status']);
  });

  it('after a long edit, puts them on the ping that tells the requester it is done', async () => {
    // Every edit outlasts a 1 ms progress interval (the emulator's tools work for milliseconds).
    h = await harnessWithClip(1);
    const { finalEdit, withButtons } = await sendAndCollect(h, 'apply a cinematic look');

    expect(actionsOf(finalEdit)).toBeUndefined();
    expect(withButtons).toHaveLength(1);
    const [ping] = withButtons;
    expect(ping).toMatchObject({ type: 'send', text: expect.stringMatching(/^✅ Done/) });
    expect(ping!.type === 'send' && ping!.options?.mention).toBeDefined();
    expect(actionsOf(ping)).toEqual(['export', 'status']);
  });
});
