/**
 * The done-when checks on real media: each instruction goes through the bot's NemoClient to the
 * engine over HTTP, the render is downloaded, and the result is measured with ffprobe, silencedetect and
 * raw pixels, never taken from the engine's own word.
 */
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDraft } from '../../src/nemo/draft.js';
import { runFfmpeg } from '../fixtures/ffmpeg.js';
import {
  changedShare,
  type EngineHarness,
  edit,
  frameAt,
  makeClipWithPauses,
  makeColorClip,
  makeColorImage,
  makeFlatClip,
  meanVolumeDb,
  probe,
  renderToFile,
  silences,
  startEngineHarness,
  uploadFiles,
} from './support.js';

let h: EngineHarness;

beforeAll(async () => {
  h = await startEngineHarness();
});
afterAll(async () => {
  await h?.close();
});

// Real encodes on a shared 2-core machine: a generous cap per test (a deadline, not a timing assertion).
const RENDER_TEST = { timeout: 180_000 };

describe('local engine renders', RENDER_TEST, () => {
  it('"trim the pauses" takes out two 2-second silences: about 4 s shorter, no silence over 0.5 s left', async () => {
    const clip = await makeClipWithPauses(h.dir);
    expect(await silences(clip)).toHaveLength(2);
    const session = await h.newSession();
    await uploadFiles(h, session, [clip]);
    const answer = await edit(h, session, 'trim the pauses');
    expect(answer).toMatch(/Removed 2 pauses/);
    // The bot's own parser reads the cut timeline: three pieces of the clip.
    const draft = parseDraft((await h.client.getState(session)).draft);
    expect(draft.tracks.find((t) => t.kind === 'video')?.segments).toHaveLength(3);

    const output = await renderToFile(h, session);
    const before = await probe(clip);
    const after = await probe(output);
    expect(before.durationSec - after.durationSec).toBeGreaterThan(3.5);
    expect(before.durationSec - after.durationSec).toBeLessThan(4.3);
    expect(after.videoCodec).toBe('h264');
    expect(after.audioCodec).toBe('aac');
    expect(await silences(output, -30, 0.5)).toEqual([]);
  });

  it('"make it 9:16" renders 1080×1920', async () => {
    const session = await h.newSession();
    await uploadFiles(h, session, [await makeFlatClip(h.dir, 2)]);
    expect(await edit(h, session, 'make it 9:16')).toMatch(/9:16 \(1080×1920\)/);
    const output = await renderToFile(h, session);
    const info = await probe(output);
    expect({ width: info.width, height: info.height }).toEqual({ width: 1080, height: 1920 });
    expect(info.durationSec).toBeCloseTo(2, 0);
  });

  it('"add a title \'Urban Dreams\' for 3 seconds" changes the title region only, and only for those 3 s', async () => {
    const clip = await makeFlatClip(h.dir, 6);
    const session = await h.newSession();
    await uploadFiles(h, session, [clip]);
    expect(await edit(h, session, "add a title 'Urban Dreams' for 3 seconds")).toMatch(/Urban Dreams.*0-3 s/);
    const output = await renderToFile(h, session);
    const TITLE = [0.4, 0.6] as const; // centred text band
    const TOP = [0, 0.25] as const;
    for (const at of [0.5, 1.5, 2.5]) {
      const [source, rendered] = await Promise.all([frameAt(clip, at, 'gray'), frameAt(output, at, 'gray')]);
      expect(changedShare(source, rendered, ...TITLE), `title band at ${at}s`).toBeGreaterThan(0.1);
      expect(changedShare(source, rendered, ...TOP), `top band at ${at}s`).toBe(0);
    }
    for (const at of [3.5, 4.5, 5.5]) {
      const [source, rendered] = await Promise.all([frameAt(clip, at, 'gray'), frameAt(output, at, 'gray')]);
      expect(changedShare(source, rendered, ...TITLE), `title band at ${at}s`).toBe(0);
    }
  });

  it('five images and a logo with "turn these into a 30-second promo with music": 30 s, sound, the logo at the end', async () => {
    const colors = ['0xd04030', '0x30a050', '0x3060c0', '0xe0c020', '0x20b0c0'];
    const images = await Promise.all(colors.map((c, i) => makeColorImage(h.dir, `photo-${i + 1}.png`, c)));
    const logo = await makeColorImage(h.dir, 'logo.png', '0xff00ff', '200x200');
    const session = await h.newSession();
    await uploadFiles(h, session, [...images, logo]);
    const answer = await edit(h, session, 'turn these into a 30-second promo with music');
    expect(answer).toMatch(/30-second slideshow of 5 images/);
    const progress: number[] = [];
    const output = await renderToFile(h, session, progress);
    // ffmpeg's own progress came through: some value between the ends, never going back.
    expect(progress.some((p) => p > 0 && p < 100)).toBe(true);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    const info = await probe(output);
    expect(Math.abs(info.durationSec - 30)).toBeLessThanOrEqual(1);
    expect(info.audioCodec).toBe('aac');
    expect(await meanVolumeDb(output)).toBeGreaterThan(-40);

    const magentaShare = async (at: number) => {
      const frame = await frameAt(output, at, 'rgb24');
      let magenta = 0;
      for (let i = 0; i < frame.data.length; i += 3) {
        if (frame.data[i]! > 200 && frame.data[i + 1]! < 70 && frame.data[i + 2]! > 200) magenta++;
      }
      return magenta / (frame.width * frame.height);
    };
    expect(await magentaShare(info.durationSec - 0.5)).toBeGreaterThan(0.05);
    expect(await magentaShare(5)).toBe(0);
  });

  it('cancel during a render stops ffmpeg: its process is gone within a second', async () => {
    const clip = await makeFlatClip(h.dir, 20);
    const session = await h.newSession();
    await uploadFiles(h, session, [clip]);
    // Motion smoothing to 60 fps makes this render long enough to be surely running when cancelled.
    await edit(h, session, 'smooth the motion');
    const spawned = once(h.engine.pool, 'spawned') as Promise<[string, number]>;
    const state = await h.client.getState(session);
    const started = await h.client.startRender(session, state.draft);
    const [renderId, pid] = await spawned;
    expect(renderId).toBe(started.id);
    expect(() => process.kill(pid, 0)).not.toThrow();

    const exited = new Promise<string>((resolve) => {
      const onExit = (id: string) => {
        if (id !== renderId) return;
        h.engine.pool.off('exited', onExit);
        resolve(id);
      };
      h.engine.pool.on('exited', onExit);
    });
    await h.client.cancelRender(session, started.id);
    let deadline: NodeJS.Timeout | undefined;
    await Promise.race([
      exited,
      new Promise((_, reject) => {
        deadline = setTimeout(() => reject(new Error('ffmpeg still running a second after cancel')), 1000);
      }),
    ]).finally(() => clearTimeout(deadline));
    expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
    const after = await h.client.getRender(session, started.id);
    expect(after.status).toBe('cancelled');
    expect(after.outputUrl).toBeUndefined();
  });
});

describe('more operations, measured', RENDER_TEST, () => {
  it('joins two clips with a fade, lays uploaded music under them, and turns them black and white', async () => {
    const first = await makeFlatClip(h.dir, 3);
    const second = await makeColorClip(h.dir, 'second.mp4', '0xc04020', 3);
    const tune = join(h.dir, 'tune.wav');
    await runFfmpeg(['-f', 'lavfi', '-i', 'sine=frequency=660:sample_rate=44100:duration=2', tune]);
    const session = await h.newSession();
    await uploadFiles(h, session, [first, second, tune]);
    expect(await edit(h, session, 'add fade transitions of 1 second')).toMatch(/fade transitions \(1 s\)/);
    expect(await edit(h, session, 'mute and add music at 50% with fades')).toMatch(/tune at 50%/);
    expect(await edit(h, session, 'black and white')).toMatch(/black and white look/);
    const output = await renderToFile(h, session);
    const info = await probe(output);
    // Two 3 s clips overlapping by 1 s.
    expect(info.durationSec).toBeGreaterThan(4.8);
    expect(info.durationSec).toBeLessThan(5.2);
    // The 2 s tune loops under the whole video: sound throughout, with no gap.
    expect(await meanVolumeDb(output)).toBeGreaterThan(-35);
    expect(await silences(output, -50, 0.5)).toEqual([]);
    // Grey everywhere: red, green and blue agree in every sampled pixel.
    const frame = await frameAt(output, 4, 'rgb24');
    let spread = 0;
    for (let i = 0; i < frame.data.length; i += 3) {
      const [r, g, b] = [frame.data[i]!, frame.data[i + 1]!, frame.data[i + 2]!];
      spread = Math.max(spread, Math.max(r, g, b) - Math.min(r, g, b));
    }
    expect(spread).toBeLessThan(12);
    // Half-way through the fade both clips show: the middle frame lies between their brightness.
    const mean = async (t: number) => {
      const { data } = await frameAt(output, t, 'gray');
      return data.reduce((sum, v) => sum + v, 0) / data.length;
    };
    const [atStart, inFade, atEnd] = await Promise.all([mean(0.5), mean(2.5), mean(4.5)]);
    expect(inFade).toBeGreaterThan(Math.min(atStart, atEnd) + 2);
    expect(inFade).toBeLessThan(Math.max(atStart, atEnd) - 2);
  });

  it('moves a still image with Ken Burns zoom in a slideshow', async () => {
    const image = join(h.dir, 'pattern.png');
    await runFfmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=640x360', '-frames:v', '1', image]);
    const session = await h.newSession();
    await uploadFiles(h, session, [image]);
    expect(await edit(h, session, 'make a 4-second slideshow')).toMatch(/4-second slideshow of 1 image/);
    const output = await renderToFile(h, session);
    const [early, late] = await Promise.all([frameAt(output, 0.3, 'gray'), frameAt(output, 3.5, 'gray')]);
    expect(changedShare(early, late, 0, 1)).toBeGreaterThan(0.05);
    expect((await probe(output)).durationSec).toBeCloseTo(4, 0);
  });
});

describe('local engine answers', () => {
  it('lists what it can do when it does not understand, and sends text-to-video to the cloud', async () => {
    const session = await h.newSession();
    await uploadFiles(h, session, [await makeFlatClip(h.dir, 2)]);
    const unknown = await edit(h, session, 'make the dog look happier');
    expect(unknown).toMatch(/didn't understand/);
    expect(unknown).toMatch(/trim the pauses/);
    expect(unknown).toMatch(/cloud engine understands free text/);
    expect(await edit(h, session, 'generate a video of a cat surfing')).toMatch(/needs the cloud engine/);
    expect(await edit(h, session, '生成一段小猫冲浪的视频')).toMatch(/需要云端引擎/);
    expect(existsSync(h.dir)).toBe(true);
  });
});
