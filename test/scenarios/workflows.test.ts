/**
 * The seeds' common workflows, end to end through the core: real emulator, real Redis, real media.
 */
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { ffprobe, summarizeProbe } from '../fixtures/ffmpeg.js';
import { makeClip, makeImage } from '../fixtures/media.js';
import { fileAttachment, type Harness, startHarness } from '../support/harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Downloads a delivered video and reads it with ffprobe. */
async function probeDelivered(url: string) {
  const response = await request(url);
  expect(response.statusCode).toBe(200);
  const path = join(tmpdir(), `delivered-${process.pid}-${Date.now()}.mp4`);
  await writeFile(path, Buffer.from(await response.body.arrayBuffer()));
  return summarizeProbe(await ffprobe(path));
}

describe('quick edit (video-models): upload → instruction → export', () => {
  it('greets, uploads a real clip, relays the agent, and delivers a real 1080p MP4', async () => {
    h = await startHarness({ skill: 'video-models' });
    const clip = await makeClip({ seconds: 2, width: 1920, height: 1080 });
    await h.send({ attachments: [await fileAttachment(clip, { name: 'demo.mp4' })] });

    // First contact: "Connecting…" became "Ready" with the greeting and the three examples.
    const connecting = h.port.calls.find((c) => c.type === 'send' && c.text === 'Connecting…');
    expect(connecting).toBeDefined();
    const ready = h.port.messages.get((connecting as { id: string }).id)!;
    expect(ready).toMatch(/^✅ Ready\./);
    expect(ready).toContain('Share your video clips');
    expect(ready).toContain('“apply a cinematic video model to enhance color and motion smoothness”');
    // The receipt names the file with what the backend measured.
    expect(h.port.texts.some((t) => /📥 Got it: demo\.mp4 \(2 s, 1920×1080\)/.test(t))).toBe(true);
    expect(h.emulator.requestsTo('upload')).toHaveLength(1);
    expect(h.emulator.requestsTo('upload')[0]!.bodyBytes).toBeGreaterThan(1000);

    await h.send('apply a cinematic video model to enhance color and motion smoothness');
    expect(h.port.sent).toContain('Done! I applied a cinematic color look.');
    // Thoughts (the emulator always sends one) and tool calls never reach the chat.
    expect(h.port.texts.join('\n')).not.toMatch(/The user wrote|edit_multitrack|apply_filter/);

    await h.send('export 1080p MP4');
    const [delivered] = h.port.videos;
    expect(delivered).toBeDefined();
    expect(delivered!.video.width).toBe(1920);
    expect(delivered!.video.height).toBe(1080);
    expect(delivered!.options?.buttons?.flat().map((b) => b.action)).toEqual(['download', 'status', 'new']);
    expect(h.port.texts).toContain('✅ Rendered (100%).');
    const probe = await probeDelivered(delivered!.video.url);
    expect(probe).toMatchObject({ width: 1920, height: 1080, videoCodec: 'h264' });
    const record = await h.store.getChat(h.chatKey);
    expect(record.lastVideoUrl).toBe(delivered!.video.url);
    expect(record.lastRenderId).toMatch(/^render_/);
    expect(h.port.calls.some((c) => c.type === 'action' && c.action === 'upload_video')).toBe(true);
  });
});

describe('batch style: several files, one render each', () => {
  it('uploads several attachments in one call and renders after each instruction', async () => {
    h = await startHarness({ skill: 'ai-video-maker-ai' });
    const image = await makeImage({ width: 640, height: 360, format: 'png' });
    const clip = await makeClip({ seconds: 1, width: 640, height: 360 });
    await h.send({
      attachments: [
        await fileAttachment(image, { name: 'product.png', kind: 'photo' }),
        await fileAttachment(clip, { name: 'logo.mp4' }),
      ],
    });
    expect(h.emulator.requestsTo('upload')).toHaveLength(1);
    expect(h.port.texts.some((t) => t.includes('product.png') && t.includes('logo.mp4'))).toBe(true);

    await h.send('add a title "Spring Sale"');
    await h.send('export');
    await h.send('add some background music');
    await h.send('export');
    expect(h.port.videos).toHaveLength(2);
    expect(h.emulator.requestsTo('render-start')).toHaveLength(2);
    const [first, second] = h.port.videos;
    expect(first!.video.url).not.toBe(second!.video.url);
  });
});

describe('iterative: rough cut → refine → export', () => {
  it('keeps the timeline between instructions and shows it on request', async () => {
    h = await startHarness({ skill: 'free-editing-with-ai' });
    const clip = await makeClip({ seconds: 2, width: 1920, height: 1080 });
    await h.send({ attachments: [await fileAttachment(clip)], text: 'trim it to 1 second' });
    // The caption ran as an edit after the upload.
    expect(h.port.sent).toContain('Done! I trimmed the timeline to 1s.');
    await h.send('add a title "Day 1"');
    await h.send('status');
    const summary = h.port.sent.at(-1)!;
    expect(summary).toMatch(/^Timeline \(2 tracks\): 1\. Video: .+ 2\. Title: "Day 1" \(0-3s\)/);
    await h.send('export');
    expect(h.port.videos).toHaveLength(1);
    const session = await h.session();
    expect(session.messages.map((m) => m.text)).toEqual(['trim it to 1 second', 'add a title "Day 1"']);
  });
});

describe('text to video (nemo-video-gen): a prompt and no upload', () => {
  it('generates from the prompt and exports it', async () => {
    h = await startHarness({ skill: 'nemo-video-gen' });
    await h.send('generate a 15-second video of a sunset beach from a text description');
    expect(h.port.sent.some((t) => t.startsWith('Done! I generated a 5-second clip'))).toBe(true);
    expect(h.emulator.requestsTo('upload')).toHaveLength(0);
    await h.send('export');
    expect(h.port.videos).toHaveLength(1);
    const probe = await probeDelivered(h.port.videos[0]!.video.url);
    expect(probe.videoCodec).toBe('h264');
  });
});

describe('edits that answer with no text', () => {
  it('describes the change from the timeline before and after', async () => {
    h = await startHarness({ emulator: { noTextRatio: 1 } });
    const clip = await makeClip({ seconds: 2, width: 1920, height: 1080 });
    await h.send({ attachments: [await fileAttachment(clip)] });
    await h.send('add background music');
    const last = h.port.sent.at(-1)!;
    expect(last).toMatch(/^Here's what changed:\n• /);
    expect(last).toMatch(/Lo-fi/);
    expect(h.port.calls.at(-1)).toMatchObject({ type: 'send' });
  });

  it('says so when nothing visible changed', async () => {
    h = await startHarness({ emulator: { noTextRatio: 1 } });
    const clip = await makeClip({ seconds: 2, width: 1920, height: 1080 });
    await h.send({ attachments: [await fileAttachment(clip)] });
    await h.send('apply a cinematic look');
    expect(h.port.sent.at(-1)).toMatch(/^Here's what changed:\n• Applied a cinematic look to clip /);
    // The same look again: the agent worked (tool calls) but the timeline reads the same.
    await h.send('apply a cinematic look');
    expect(h.port.sent.at(-1)).toBe(
      'No visible change to the timeline. Try a more specific instruction, e.g. “generate my video clips”.',
    );
  });
});

describe('GUI talk from the agent', () => {
  it('offers an Export button instead of "click the Export button"', async () => {
    h = await startHarness();
    const clip = await makeClip({ seconds: 2, width: 1920, height: 1080 });
    await h.send({ attachments: [await fileAttachment(clip)] });
    await h.send('apply a cinematic look (GUI)');
    const reply = h.port.calls.findLast((c) => c.type === 'send')!;
    expect(reply.type === 'send' && reply.text).toBe(
      'Done! I applied a cinematic color look. Say “export” or tap Export below and I’ll render the video.',
    );
    expect(reply.type === 'send' && reply.options?.buttons?.flat().map((b) => b.action)).toContain('export');
    // Pressing it exports.
    await h.send({ action: 'export' });
    expect(h.port.videos).toHaveLength(1);
  });

  it('drops the trailing "temporary issue" noise after a successful edit', async () => {
    h = await startHarness();
    const clip = await makeClip({ seconds: 2, width: 1920, height: 1080 });
    await h.send({ attachments: [await fileAttachment(clip)] });
    await h.send('apply a cinematic look #temporary-issue');
    expect(h.port.sent).toContain('Done! I applied a cinematic color look.');
    expect(h.port.texts.join('\n')).not.toMatch(/temporary issue/);
  });
});

describe('Chinese', () => {
  it('answers in Chinese when the platform says zh', async () => {
    h = await startHarness();
    await h.send({ text: '积分', language: 'zh-CN' });
    expect(h.port.texts).toContain('正在连接…');
    expect(h.port.sent.at(-1)).toBe('积分：可用 100，冻结 0（进行中的任务），共 100。');
    const session = await h.session();
    expect(session.language).toBe('zh-CN');
  });
});
