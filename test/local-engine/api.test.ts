/**
 * The engine's API edges, through the bot's client over HTTP: the backend's error codes where the bot
 * expects them, the size cap of the data folder, and the render queue.
 */
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RenderPool } from '../../src/local-engine/render/pool.js';
import {
  NemoApiError,
  NemoFileTooLargeError,
  NemoSessionNotFoundError,
  NemoUnsupportedFileError,
} from '../../src/nemo/index.js';
import { runFfmpeg } from '../fixtures/ffmpeg.js';
import { type EngineHarness, edit, makeFlatClip, startEngineHarness, uploadFiles } from './support.js';

describe('local engine API', { timeout: 120_000 }, () => {
  let h: EngineHarness;
  beforeAll(async () => {
    h = await startEngineHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('refuses a file that is not media (4001), whatever its name says, and URL uploads', async () => {
    const session = await h.newSession();
    const fake = join(h.dir, 'clip.mp4');
    await writeFile(fake, Buffer.alloc(2048, 7));
    await expect(uploadFiles(h, session, [fake])).rejects.toBeInstanceOf(NemoUnsupportedFileError);
    await expect(h.client.uploadUrls(session, ['https://example.com/a.mp4'])).rejects.toBeInstanceOf(
      NemoUnsupportedFileError,
    );
    expect((await h.client.getState(session)).videoInfos).toEqual([]);
  });

  it('says what arrived and puts it on the timeline in the short-key draft', async () => {
    const session = await h.newSession();
    const uploaded = await uploadFiles(h, session, [await makeFlatClip(h.dir, 2)]);
    expect(uploaded.files[0]).toMatchObject({
      filename: 'flat-2.mp4',
      fileType: 'video',
      width: 640,
      height: 360,
    });
    expect(uploaded.files[0]!.durationSec).toBeCloseTo(2, 1);
    const state = await h.client.getState(session);
    expect(state.draft).toMatchObject({
      t: [{ tt: 0, sg: [{ n: 'flat-2', s: 0 }] }],
      m: { width: 640, height: 360 },
    });
  });

  it('refuses to render a draft that names media the session does not have', async () => {
    const session = await h.newSession();
    await uploadFiles(h, session, [await makeFlatClip(h.dir, 2)]);
    const draft = (await h.client.getState(session)).draft as { t: Array<{ sg: Array<{ src: string }> }> };
    draft.t[0]!.sg[0]!.src = '../../etc/passwd';
    await expect(h.client.startRender(session, draft)).rejects.toBeInstanceOf(NemoApiError);
  });

  it('answers an unknown session with 1002, which the client recovers from once and then reports', async () => {
    const session = await h.newSession();
    const lost = {
      ...session,
      sessionId: async () => '5500000000000000000',
      renewSession: async () => '5500000000000000001',
    };
    await expect(h.client.getState(lost)).rejects.toBeInstanceOf(NemoSessionNotFoundError);
  });

  it('edits nothing on an empty timeline, and says so', async () => {
    const session = await h.newSession();
    expect(await edit(h, session, 'make it 9:16')).toMatch(/nothing on the timeline/);
  });
});

describe('the data folder size cap', { timeout: 120_000 }, () => {
  it('refuses an upload that cannot fit (4002)', async () => {
    const h = await startEngineHarness({ maxBytes: 0 });
    try {
      const session = await h.newSession();
      await expect(uploadFiles(h, session, [await makeFlatClip(h.dir, 1)])).rejects.toBeInstanceOf(
        NemoFileTooLargeError,
      );
    } finally {
      await h.close();
    }
  });

  it('deletes the least recently used idle session to make room; that session is then gone (1002)', async () => {
    const probeDir = await startEngineHarness();
    const clip = join(probeDir.dir, 'noisy.mp4');
    await runFfmpeg([
      ...['-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25', '-t', '2'],
      ...['-vf', 'noise=alls=60:allf=t', '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '10', clip],
    ]);
    const size = (await stat(clip)).size;
    // Room for two copies and a half: a third upload must push the oldest idle session out.
    const h = await startEngineHarness({ maxBytes: Math.floor(size * 2.5) });
    try {
      const older = await h.newSession();
      const newer = await h.newSession();
      await uploadFiles(h, older, [clip]);
      await uploadFiles(h, newer, [clip]);
      await uploadFiles(h, newer, [clip]);
      const gone = { ...older, renewSession: async () => '5500000000000000001' };
      await expect(h.client.getState(gone)).rejects.toBeInstanceOf(NemoSessionNotFoundError);
      expect((await h.client.getState(newer)).videoInfos).toHaveLength(2);
    } finally {
      await h.close();
      await probeDir.close();
    }
  });
});

describe('RenderPool', () => {
  function gatedTask(id: string, log: string[]) {
    let finish!: () => void;
    const done = new Promise<void>((resolve) => {
      finish = resolve;
    });
    return {
      finish,
      task: {
        id,
        start: () => {
          log.push(`start ${id}`);
          return { pid: undefined, done, cancel: () => finish() };
        },
        dropped: () => log.push(`dropped ${id}`),
      },
    };
  }

  it('runs at most N at once, starts queued work in order as slots free, and drops cancelled queued work', async () => {
    const pool = new RenderPool(2);
    const log: string[] = [];
    const tasks = ['a', 'b', 'c', 'd'].map((id) => gatedTask(id, log));
    for (const { task } of tasks) pool.submit(task);
    expect(log).toEqual(['start a', 'start b']);
    expect({ running: pool.running, queued: pool.queued }).toEqual({ running: 2, queued: 2 });
    expect(pool.cancel('d')).toBe(true);
    expect(log).toContain('dropped d');
    const exited = new Promise((resolve) => pool.once('exited', resolve));
    tasks[0]!.finish();
    await exited;
    expect(log).toEqual(['start a', 'start b', 'dropped d', 'start c']);
    tasks[1]!.finish();
    tasks[2]!.finish();
    await pool.close();
    expect(pool.running).toBe(0);
  });
});
