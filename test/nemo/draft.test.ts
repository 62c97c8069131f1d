import { describe, expect, it } from 'vitest';
import {
  type Draft,
  describeChanges,
  formatSeconds,
  isExportable,
  parseDraft,
  summarizeDraft,
  timelineLengthMs,
} from '../../src/nemo/draft.js';
import * as fake from '../fakes/nemo/draft.js';

/** The timeline the seeds show, in the backend's short keys. */
const SEED_DRAFT = {
  t: [
    { tt: 0, sg: [{ n: 'city timelapse', s: 0, e: 10_000 }] },
    { tt: 1, sg: [{ n: 'Lo-fi', s: 0, e: 10_000, v: 0.35 }] },
    { tt: 7, sg: [{ txt: 'Urban Dreams', s: 0, e: 3000 }] },
  ],
  d: 10_000,
  m: { title: 'project', width: 1920, height: 1080 },
};
const SEED_SUMMARY =
  'Timeline (3 tracks): 1. Video: city timelapse (0-10s) 2. BGM: Lo-fi (0-10s, 35%) 3. Title: "Urban Dreams" (0-3s)';

describe('parseDraft', () => {
  it('reads the short-key draft', () => {
    expect(parseDraft(SEED_DRAFT)).toEqual({
      tracks: [
        { kind: 'video', typeCode: 0, segments: [{ label: 'city timelapse', startMs: 0, endMs: 10_000 }] },
        {
          kind: 'audio',
          typeCode: 1,
          segments: [{ label: 'Lo-fi', startMs: 0, endMs: 10_000, volume: 0.35 }],
        },
        { kind: 'text', typeCode: 7, segments: [{ label: 'Urban Dreams', startMs: 0, endMs: 3000 }] },
      ],
      durationMs: 10_000,
      title: 'project',
      width: 1920,
      height: 1080,
    });
  });

  it('reads the same draft given as JSON text', () => {
    expect(parseDraft(JSON.stringify(SEED_DRAFT))).toEqual(parseDraft(SEED_DRAFT));
  });

  it.each([
    undefined,
    null,
    0,
    42,
    true,
    '',
    'not json',
    '[1,2]',
    [],
    [SEED_DRAFT],
    {},
    { t: 'tracks' },
    { t: null },
    { tracks: {} },
  ])('reads %j as an empty draft', (raw) => {
    const draft = parseDraft(raw);
    expect(draft.tracks).toEqual([]);
    expect(isExportable(draft)).toBe(false);
    expect(summarizeDraft(draft)).toBe('Timeline is empty');
  });

  it('skips tracks and segments that are not objects, keeping the rest', () => {
    const draft = parseDraft({
      t: [null, 3, 'x', { tt: 0, sg: [null, 'a', 7, [], { n: 'ok', s: 0, e: 1000 }] }],
    });
    expect(draft.tracks).toEqual([
      { kind: 'video', typeCode: 0, segments: [{ label: 'ok', startMs: 0, endMs: 1000 }] },
    ]);
  });

  it.each<[string, Record<string, unknown>, string | undefined]>([
    ['name', { name: 'intro' }, 'intro'],
    ['n', { n: 'intro' }, 'intro'],
    ['title', { title: 'intro' }, 'intro'],
    ['text', { text: 'Hello' }, 'Hello'],
    ['txt', { txt: 'Hello' }, 'Hello'],
    ['content string', { content: 'Hello' }, 'Hello'],
    ['content object', { content: { text: 'Hello' } }, 'Hello'],
    ['src URL file name', { src: 'https://cdn.example/u/1/city%20night.mp4?sig=abc#t=2' }, 'city night.mp4'],
    ['url', { url: 'https://cdn.example/a/b/beach.mov' }, 'beach.mov'],
    ['file path', { file: 'C:\\clips\\take2.mp4' }, 'take2.mp4'],
    ['a name wins over a src', { src: 'https://x/y.mp4', n: 'named' }, 'named'],
    ['whitespace collapsed', { txt: '  Urban \n Dreams ' }, 'Urban Dreams'],
    ['blank name falls through to src', { n: '   ', src: '/a/b.mp3' }, 'b.mp3'],
    ['non-string name ignored', { n: 42, title: ['x'] }, undefined],
    ['bad percent-encoding kept as is', { src: 'https://x/100%.mp4' }, '100%.mp4'],
  ])('segment label from %s', (_case, segment, label) => {
    const [track] = parseDraft({ t: [{ tt: 0, sg: [segment] }] }).tracks;
    expect(track!.segments[0]!.label).toBe(label);
  });

  it.each<[string, Record<string, unknown>, number | undefined, number | undefined]>([
    ['s/e', { s: 1000, e: 4000 }, 1000, 4000],
    ['start/end', { start: 1000, end: 4000 }, 1000, 4000],
    ['st/endMs', { st: 1000, endMs: 4000 }, 1000, 4000],
    ['startMs/e', { startMs: 1000, e: 4000 }, 1000, 4000],
    ['begin + duration', { begin: 1000, duration: 3000 }, 1000, 4000],
    ['s + d', { s: 500, d: 2000 }, 500, 2500],
    ['start + dur', { start: 0, dur: 2500 }, 0, 2500],
    ['numeric strings', { s: '1000', e: '4000' }, 1000, 4000],
    ['end wins over duration', { s: 0, e: 4000, d: 9999 }, 0, 4000],
    ['duration only, first in track', { d: 3000 }, 0, 3000],
    ['end before start dropped', { s: 5000, e: 1000 }, 5000, undefined],
    ['negative and NaN dropped', { s: -5, e: Number.NaN }, undefined, undefined],
    ['nothing', {}, undefined, undefined],
    ['non-numeric strings dropped', { s: 'soon', e: '' }, undefined, undefined],
  ])('segment times from %s', (_case, segment, startMs, endMs) => {
    const parsed = parseDraft({ t: [{ tt: 0, sg: [segment] }] }).tracks[0]!.segments[0]!;
    expect([parsed.startMs, parsed.endMs]).toEqual([startMs, endMs]);
  });

  it('places a segment that gives only its length after the one before it', () => {
    const draft = parseDraft({
      t: [
        {
          tt: 0,
          sg: [
            { n: 'a', d: 2000 },
            { n: 'b', d: 3000 },
            { n: 'c', s: 9000, d: 1000 },
          ],
        },
      ],
    });
    expect(draft.tracks[0]!.segments.map((s) => [s.startMs, s.endMs])).toEqual([
      [0, 2000],
      [2000, 5000],
      [9000, 10_000],
    ]);
  });

  it.each<[string, Record<string, unknown>, number | undefined]>([
    ['v 0..1', { v: 0.35 }, 0.35],
    ['vol', { vol: 0.6 }, 0.6],
    ['volume as percent', { volume: 35 }, 0.35],
    ['full volume 1', { v: 1 }, 1],
    ['full volume 100', { v: 100 }, 1],
    ['mute', { v: 0 }, 0],
    ['string', { v: '0.5' }, 0.5],
    ['beyond either scale', { v: 250 }, undefined],
    ['negative', { v: -1 }, undefined],
    ['not a number', { v: 'loud' }, undefined],
  ])('segment volume from %s', (_case, segment, volume) => {
    expect(parseDraft({ t: [{ tt: 1, sg: [segment] }] }).tracks[0]!.segments[0]!.volume).toBe(volume);
  });

  it.each<[unknown, string, number]>([
    [0, 'video', 0],
    [1, 'audio', 1],
    [7, 'text', 7],
    [3, 'other', 3],
    ['7', 'text', 7],
    ['audio', 'audio', 1],
    ['BGM', 'audio', 1],
    ['Title', 'text', 7],
    ['sticker', 'other', -1],
    [undefined, 'other', -1],
    [1.5, 'other', -1],
  ])('track type %j is %s', (tt, kind, typeCode) => {
    expect(parseDraft({ t: [{ tt, sg: [] }] }).tracks[0]).toEqual({ kind, typeCode, segments: [] });
  });

  it('reads long-key drafts and metadata on the draft itself', () => {
    const draft = parseDraft({
      tracks: [
        { type: 'video', segments: [{ name: 'a', start: 0, end: 1000 }] },
        { trackType: 1, clips: [] },
      ],
      duration: 1000,
      title: 'Trip',
      width: 1080,
      height: '1920',
    });
    expect(draft).toEqual({
      tracks: [
        { kind: 'video', typeCode: 0, segments: [{ label: 'a', startMs: 0, endMs: 1000 }] },
        { kind: 'audio', typeCode: 1, segments: [] },
      ],
      durationMs: 1000,
      title: 'Trip',
      width: 1080,
      height: 1920,
    });
  });
});

describe('isExportable', () => {
  it('needs a track with at least one segment', () => {
    expect(isExportable(parseDraft(SEED_DRAFT))).toBe(true);
    expect(
      isExportable(
        parseDraft({
          t: [
            { tt: 0, sg: [] },
            { tt: 1, sg: [] },
          ],
          d: 5000,
        }),
      ),
    ).toBe(false);
    expect(
      isExportable(
        parseDraft({
          t: [
            { tt: 0, sg: [] },
            { tt: 7, sg: [{}] },
          ],
        }),
      ),
    ).toBe(true);
  });
});

describe('summarizeDraft', () => {
  it("reproduces the seeds' example exactly", () => {
    expect(summarizeDraft(parseDraft(SEED_DRAFT))).toBe(SEED_SUMMARY);
  });

  it.each<[string, unknown, string]>([
    [
      'one track',
      { t: [{ tt: 0, sg: [{ n: 'a', s: 0, e: 2500 }] }] },
      'Timeline (1 track): 1. Video: a (0-2.5s)',
    ],
    [
      'empty tracks left out of the count',
      {
        t: [
          { tt: 1, sg: [] },
          { tt: 7, sg: [{ txt: 'Hi', s: 0, e: 3000 }] },
        ],
      },
      'Timeline (1 track): 1. Title: "Hi" (0-3s)',
    ],
    [
      'two segments listed',
      {
        t: [
          {
            tt: 0,
            sg: [
              { n: 'intro', s: 0, e: 2000 },
              { n: 'beach', s: 2000, e: 9500 },
            ],
          },
        ],
      },
      'Timeline (1 track): 1. Video: intro (0-2s), beach (2-9.5s)',
    ],
    [
      'three or more counted',
      {
        t: [
          {
            tt: 0,
            sg: [
              { n: 'a', s: 0, e: 1000 },
              { n: 'b', s: 1000, e: 2000 },
              { n: 'c', s: 2000, e: 12_340 },
            ],
          },
        ],
      },
      'Timeline (1 track): 1. Video: 3 clips (0-12.3s)',
    ],
    [
      'titles counted',
      { t: [{ tt: 7, sg: [{ txt: 'a' }, { txt: 'b' }, { txt: 'c' }] }] },
      'Timeline (1 track): 1. Title: 3 titles',
    ],
    ['no label, no times', { t: [{ tt: 0, sg: [{}] }] }, 'Timeline (1 track): 1. Video: untitled'],
    [
      'audio without volume',
      { t: [{ tt: 1, sg: [{ n: 'song', s: 0, e: 5000 }] }] },
      'Timeline (1 track): 1. BGM: song (0-5s)',
    ],
    [
      'only a start',
      { t: [{ tt: 3, sg: [{ n: 'fx', s: 4000 }] }] },
      'Timeline (1 track): 1. Track: fx (from 4s)',
    ],
    [
      'long text shortened',
      {
        t: [{ tt: 7, sg: [{ txt: 'A very long subtitle line that goes on and on and on', s: 0, e: 1000 }] }],
      },
      'Timeline (1 track): 1. Title: "A very long subtitle line that goes on…" (0-1s)',
    ],
  ])('%s', (_case, raw, expected) => {
    expect(summarizeDraft(parseDraft(raw))).toBe(expected);
  });

  it.each([
    [0, '0'],
    [10_000, '10'],
    [2500, '2.5'],
    [2549, '2.5'],
    [2960, '3'],
    [125_000, '125'],
  ])('formatSeconds(%d) is %s', (ms, text) => {
    expect(formatSeconds(ms)).toBe(text);
  });
});

describe('describeChanges', () => {
  const seed = () => parseDraft(SEED_DRAFT);
  /** The seed draft with some fields changed; tracks are given in full. */
  const variant = (tracks: unknown[], extra: Record<string, unknown> = {}): Draft =>
    parseDraft({ ...SEED_DRAFT, t: tracks, ...extra });
  const [video, bgm, title] = SEED_DRAFT.t;

  it('says nothing when nothing changed', () => {
    expect(describeChanges(seed(), seed())).toEqual([]);
    expect(describeChanges(parseDraft(null), parseDraft(undefined))).toEqual([]);
  });

  it('names added segments in the summary form', () => {
    expect(describeChanges(variant([video, title]), seed())).toEqual(['Added BGM: Lo-fi (0-10s, 35%)']);
    expect(describeChanges(parseDraft({}), seed())).toEqual([
      'Added Video: city timelapse (0-10s)',
      'Added BGM: Lo-fi (0-10s, 35%)',
      'Added Title: "Urban Dreams" (0-3s)',
    ]);
  });

  it('reports a look (filter) applied to or removed from a clip, whatever key carries it', () => {
    const withLook = (key: string, value: unknown) =>
      variant([{ ...video, sg: [{ ...(video as { sg: object[] }).sg[0], [key]: value }] }, bgm, title]);
    expect(describeChanges(seed(), withLook('filter', 'cinematic'))).toEqual([
      'Applied a cinematic look to clip city timelapse',
    ]);
    expect(describeChanges(seed(), withLook('lut', { name: 'teal-orange' }))).toEqual([
      'Applied a teal-orange look to clip city timelapse',
    ]);
    expect(describeChanges(withLook('effect', 'vintage'), seed())).toEqual([
      'Removed the vintage look from clip city timelapse',
    ]);
  });

  it('names removed segments', () => {
    expect(describeChanges(seed(), variant([video, bgm]))).toEqual(['Removed title "Urban Dreams"']);
    expect(describeChanges(seed(), variant([title]))).toEqual([
      'Removed clip city timelapse',
      'Removed BGM Lo-fi',
    ]);
  });

  it('reports a trim and the new timeline length', () => {
    const trimmed = variant(
      [
        { tt: 0, sg: [{ n: 'city timelapse', s: 0, e: 8000 }] },
        { tt: 1, sg: [{ n: 'Lo-fi', s: 0, e: 8000, v: 0.35 }] },
        title,
      ],
      { d: 8000 },
    );
    expect(describeChanges(seed(), trimmed)).toEqual([
      'Video: city timelapse now 0-8s (was 0-10s)',
      'BGM: Lo-fi now 0-8s (was 0-10s)',
      'Timeline length 10s → 8s',
    ]);
  });

  it('reports a volume change', () => {
    const louder = variant([video, { tt: 1, sg: [{ n: 'Lo-fi', s: 0, e: 10_000, v: 60 }] }, title]);
    expect(describeChanges(seed(), louder)).toEqual(['Volume of BGM Lo-fi 35% → 60%']);
    const first = variant([video, { tt: 1, sg: [{ n: 'Lo-fi', s: 0, e: 10_000 }] }, title]);
    expect(describeChanges(first, seed())).toEqual(['Volume of BGM Lo-fi set to 35%']);
  });

  it('reports new text in the same place as a change of that title', () => {
    const renamed = variant([video, bgm, { tt: 7, sg: [{ txt: 'City Dreams', s: 0, e: 4000 }] }]);
    expect(describeChanges(seed(), renamed)).toEqual([
      'Title: "Urban Dreams" → "City Dreams"',
      'Title: "City Dreams" now 0-4s (was 0-3s)',
    ]);
  });

  it('tells apart two segments with the same name', () => {
    const twice = parseDraft({
      t: [
        {
          tt: 0,
          sg: [
            { n: 'a', s: 0, e: 1000 },
            { n: 'a', s: 1000, e: 2000 },
          ],
        },
      ],
    });
    const once = parseDraft({ t: [{ tt: 0, sg: [{ n: 'a', s: 0, e: 1000 }] }] });
    expect(describeChanges(once, twice)).toEqual(['Added Video: a (1-2s)', 'Timeline length 1s → 2s']);
    expect(describeChanges(twice, once)).toEqual(['Removed clip a', 'Timeline length 2s → 1s']);
  });

  it('reports a new canvas and project title', () => {
    const vertical = variant(SEED_DRAFT.t, { m: { title: 'Urban', width: 1080, height: 1920 } });
    expect(describeChanges(seed(), vertical)).toEqual([
      'Canvas 1920x1080 → 1080x1920',
      'Project title "project" → "Urban"',
    ]);
  });

  it('measures the timeline from its segments when the draft gives no length', () => {
    const draft = parseDraft({ t: [{ tt: 0, sg: [{ s: 0, e: 4200 }] }] });
    expect(timelineLengthMs(draft)).toBe(4200);
    expect(timelineLengthMs(parseDraft({}))).toBeUndefined();
    const longer = parseDraft({ t: [{ tt: 0, sg: [{ s: 0, e: 6000 }] }] });
    expect(describeChanges(draft, longer)).toEqual([
      'Video: untitled now 0-6s (was 0-4.2s)',
      'Timeline length 4.2s → 6s',
    ]);
  });
});

describe('drafts the NemoVideo emulator builds', () => {
  it('summarize and diff as the seeds show', () => {
    const draft = fake.emptyDraft('project');
    const before = parseDraft(structuredClone(draft));
    fake.appendVisual(draft, 'city timelapse', 10_000);
    fake.addBgm(draft, 'Lo-fi', 0.35);
    fake.addTitle(draft, 'Urban Dreams');
    const after = parseDraft(draft);
    expect(summarizeDraft(after)).toBe(SEED_SUMMARY);
    expect(describeChanges(before, after)).toEqual([
      'Added Video: city timelapse (0-10s)',
      'Added BGM: Lo-fi (0-10s, 35%)',
      'Added Title: "Urban Dreams" (0-3s)',
    ]);
  });
});
