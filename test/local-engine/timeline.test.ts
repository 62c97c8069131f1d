/** The pure parts: where clips land on the timeline, what is kept between silences, what ffmpeg is asked. */
import { describe, expect, it } from 'vitest';
import { emptyDraft, layout, texts, visuals } from '../../src/local-engine/draft.js';
import { keepBetween, parseSilences } from '../../src/local-engine/edit/silence.js';
import { buildRenderCommand } from '../../src/local-engine/render/graph.js';
import type { MediaFile } from '../../src/local-engine/sessions.js';
import { parseDraft, summarizeDraft } from '../../src/nemo/draft.js';

const clipFile = (id: string): MediaFile => ({
  id,
  name: `${id}.mp4`,
  path: `/media/${id}.mp4`,
  kind: 'video',
  mime: 'video/mp4',
  sizeBytes: 1,
  hash: '',
  durationMs: 4000,
  width: 1920,
  height: 1080,
  hasAudio: true,
});

function twoClips() {
  const draft = emptyDraft('city');
  visuals(draft).push(
    { n: 'a', src: 'a', i: 0, o: 4000, sp: 1, s: 0, e: 0 },
    { n: 'b', src: 'b', i: 1000, o: 4000, sp: 1.5, s: 0, e: 0 },
  );
  return draft;
}

describe('layout', () => {
  it('places clips one after another, overlapping by the transition, and clips texts to the timeline', () => {
    const draft = twoClips();
    draft.m.tr = { k: 'fade', ms: 500 };
    texts(draft).push({
      txt: 'Hi',
      k: 'cta',
      pos: 'bottom',
      sz: 0.08,
      c: 'white',
      box: true,
      end: true,
      at: 0,
      len: 2000,
      s: 0,
      e: 0,
    });
    layout(draft);
    expect(visuals(draft).map((c) => [c.s, c.e])).toEqual([
      [0, 4000],
      [3500, 5500],
    ]);
    expect(draft.d).toBe(5500);
    expect(texts(draft)[0]).toMatchObject({ s: 3500, e: 5500 });
    // The bot's own parser reads it and summarizes it the way the seeds show.
    expect(summarizeDraft(parseDraft(draft))).toBe(
      'Timeline (2 tracks): 1. Video: a (0-4s), b (3.5-5.5s) 2. Title: "Hi" (3.5-5.5s)',
    );
  });
});

describe('silences', () => {
  it('reads silencedetect lines, a silence running to the end included', () => {
    const log = 'silence_start: 2.001\nsilence_end: 4.0 | silence_duration: 2\nsilence_start: 8.5\n';
    expect(parseSilences(log, 1000, 11_000)).toEqual([
      { fromMs: 3001, toMs: 5000 },
      { fromMs: 9500, toMs: 11_000 },
    ]);
  });

  it('keeps what lies between, with a little quiet at each cut', () => {
    const kept = keepBetween({ fromMs: 0, toMs: 10_000 }, [
      { fromMs: 2000, toMs: 4000 },
      { fromMs: 6000, toMs: 8000 },
    ]);
    expect(kept).toEqual([
      { fromMs: 0, toMs: 2060 },
      { fromMs: 3940, toMs: 6060 },
      { fromMs: 7940, toMs: 10_000 },
    ]);
  });
});

describe('the render command', () => {
  it('seeks each clip, changes its speed, and chains xfade at the places layout gave', () => {
    const draft = twoClips();
    draft.m.tr = { k: 'wipe', ms: 500 };
    layout(draft);
    const { args, durationMs } = buildRenderCommand({
      draft,
      file: (id) => clipFile(id),
      outputPath: '/out.mp4',
      workDir: '/work',
      quality: 'high',
      preset: 'ultrafast',
    });
    expect(durationMs).toBe(5500);
    expect(args.join(' ')).toContain('-ss 1.000 -t 3.000 -i /media/b.mp4');
    const graph = args[args.indexOf('-filter_complex') + 1]!;
    expect(graph).toContain('setpts=PTS/1.5');
    expect(graph).toContain('atempo=1.5000');
    expect(graph).toContain('xfade=transition=wipeleft:duration=0.500:offset=3.500');
    expect(graph).toContain('acrossfade=d=0.500');
    expect(args.slice(-8)).toEqual([
      '-movflags',
      '+faststart',
      '-progress',
      'pipe:1',
      '-nostats',
      '-stats_period',
      '0.5',
      '/out.mp4',
    ]);
  });

  it('refuses media the session does not have', () => {
    const draft = layout(twoClips());
    expect(() =>
      buildRenderCommand({
        draft,
        file: () => undefined,
        outputPath: '/o.mp4',
        workDir: '/w',
        quality: 'high',
        preset: 'ultrafast',
      }),
    ).toThrow(/unknown media/);
  });
});
