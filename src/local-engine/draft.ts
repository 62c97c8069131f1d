/**
 * The local engine's timeline, in the backend's short-key format that the bot's draft parser reads
 * (`t` tracks, `tt` type, `sg` segments, `d` ms, `m` metadata). The field names beyond those are the ones
 * `src/nemo/draft.ts` already understands (`n` name, `txt` text, `s`/`e` ms, `v` volume, `filter` look), so
 * the bot's timeline summary and change list work unchanged; render-only fields use keys it ignores.
 *
 * Positions (`s`, `e`, `d`) are derived: `layout()` recomputes them from the clips after every change.
 */
import { z } from 'zod';

export const TRACK_VIDEO = 0;
export const TRACK_AUDIO = 1;
export const TRACK_TEXT = 7;
/** Overlays (a logo): the bot's parser lists an unknown track type as a plain "Track". */
export const TRACK_OVERLAY = 9;

/** Images on the timeline last this long until an instruction says otherwise (the emulator's value too). */
export const IMAGE_MS = 5000;

export const LOOKS = ['cinematic', 'warm', 'cool', 'black and white', 'vintage'] as const;
export type Look = (typeof LOOKS)[number];
export const TRANSITIONS = ['fade', 'wipe', 'slide'] as const;
export type TransitionKind = (typeof TRANSITIONS)[number];
export const POSITIONS = ['top', 'center', 'bottom'] as const;
export type TextPosition = (typeof POSITIONS)[number];

const ms = z.number().finite().min(0);

/** A clip or an image on the video track: source range `i`..`o` (ms) played at speed `sp`. */
export const visualSegment = z.object({
  n: z.string(),
  src: z.string(),
  img: z.literal(1).optional(),
  i: ms,
  o: ms,
  sp: z.number().min(0.25).max(4).default(1),
  /** Ken Burns motion on an image: 1 zooms in, -1 zooms out. */
  kb: z.union([z.literal(1), z.literal(-1)]).optional(),
  filter: z.enum(LOOKS).optional(),
  s: ms.default(0),
  e: ms.default(0),
});
export type VisualSegment = z.infer<typeof visualSegment>;

/** Background music: loops to fill the timeline. `src` is an uploaded file id or `builtin:pad`. */
export const audioSegment = z.object({
  n: z.string(),
  src: z.string(),
  v: z.number().min(0).max(1).default(1),
  fi: ms.default(0),
  fo: ms.default(0),
  s: ms.default(0),
  e: ms.default(0),
});
export type AudioSegment = z.infer<typeof audioSegment>;

/**
 * Title, caption or call to action, shown from `at` for `len` ms (`len` 0: to the end), or over the last
 * `len` ms when `end` is set. `s`/`e` are where that lands on the timeline as it is now.
 */
export const textSegment = z.object({
  txt: z.string().min(1).max(200),
  k: z.enum(['title', 'caption', 'cta']).default('title'),
  pos: z.enum(POSITIONS).default('center'),
  /** Font size as a share of the frame height. */
  sz: z.number().min(0.02).max(0.3).default(0.08),
  c: z
    .string()
    .regex(/^[a-z]+$|^#[0-9a-f]{6}$/i)
    .default('white'),
  box: z.boolean().default(true),
  end: z.boolean().optional(),
  at: ms.default(0),
  len: ms.default(3000),
  s: ms.default(0),
  e: ms.default(0),
});
export type TextSegment = z.infer<typeof textSegment>;

/** A logo shown over the last `len` ms. */
export const overlaySegment = z.object({
  n: z.string(),
  src: z.string(),
  len: ms.default(3000),
  s: ms.default(0),
  e: ms.default(0),
});
export type OverlaySegment = z.infer<typeof overlaySegment>;

export const draftMeta = z.object({
  title: z.string().default('project'),
  // Even sizes (H.264 4:2:0), never more pixels than 1080p.
  width: z.number().int().multipleOf(2).min(2).max(1920).default(1920),
  height: z.number().int().multipleOf(2).min(2).max(1920).default(1080),
  /** How other shapes meet the frame: crop to fill, or pad with bars. */
  fit: z.enum(['crop', 'pad']).default('crop'),
  /** Set once an instruction chose the aspect ratio; until then the first clip's shape wins. */
  aspect: z.string().optional(),
  tr: z.object({ k: z.enum(TRANSITIONS), ms: z.number().min(100).max(2000) }).optional(),
  mute: z.boolean().optional(),
  norm: z.boolean().optional(),
  smooth: z.boolean().optional(),
});
export type DraftMeta = z.infer<typeof draftMeta>;

const MAX_PIXELS = 1920 * 1080;

export const engineDraft = z.object({
  t: z.array(
    z.discriminatedUnion('tt', [
      z.object({ tt: z.literal(TRACK_VIDEO), sg: z.array(visualSegment) }),
      z.object({ tt: z.literal(TRACK_AUDIO), sg: z.array(audioSegment) }),
      z.object({ tt: z.literal(TRACK_TEXT), sg: z.array(textSegment) }),
      z.object({ tt: z.literal(TRACK_OVERLAY), sg: z.array(overlaySegment) }),
    ]),
  ),
  d: ms.default(0),
  m: draftMeta.refine((m) => m.width * m.height <= MAX_PIXELS, 'at most 1080p'),
});
export type EngineDraft = z.infer<typeof engineDraft>;

export function emptyDraft(title: string): EngineDraft {
  return { t: [], d: 0, m: draftMeta.parse({ title }) };
}

/** The segments of one track (the track is made, in type order, on first use). */
export function visuals(draft: EngineDraft): VisualSegment[] {
  return trackOf(draft, TRACK_VIDEO) as VisualSegment[];
}
export function music(draft: EngineDraft): AudioSegment[] {
  return trackOf(draft, TRACK_AUDIO) as AudioSegment[];
}
export function texts(draft: EngineDraft): TextSegment[] {
  return trackOf(draft, TRACK_TEXT) as TextSegment[];
}
export function overlays(draft: EngineDraft): OverlaySegment[] {
  return trackOf(draft, TRACK_OVERLAY) as OverlaySegment[];
}

function trackOf(draft: EngineDraft, tt: number): unknown[] {
  let track = draft.t.find((candidate) => candidate.tt === tt);
  if (!track) {
    track = { tt, sg: [] } as unknown as EngineDraft['t'][number];
    draft.t.push(track);
    draft.t.sort((a, b) => a.tt - b.tt);
  }
  return track.sg;
}

/** How long a clip plays on the timeline, in ms. */
export function playedMs(segment: VisualSegment): number {
  return (segment.o - segment.i) / segment.sp;
}

/** The cross-fade length between two clips: the transition's, but never more than a third of either clip. */
export function overlapMs(draft: EngineDraft, before: VisualSegment, after: VisualSegment): number {
  if (!draft.m.tr) return 0;
  return Math.floor(Math.min(draft.m.tr.ms, playedMs(before) / 3, playedMs(after) / 3));
}

/**
 * Recomputes every position from the clips: clips follow each other (overlapping by the transition),
 * music spans the whole timeline, texts are clipped to it and end-anchored ones sit at its end, the logo
 * covers the last seconds. Tracks left empty are dropped. Returns the draft for chaining.
 */
export function layout(draft: EngineDraft): EngineDraft {
  const clips = visuals(draft);
  let cursor = 0;
  clips.forEach((clip, index) => {
    const start = index === 0 ? 0 : cursor - overlapMs(draft, clips[index - 1]!, clip);
    clip.s = Math.round(start);
    clip.e = Math.round(start + playedMs(clip));
    cursor = clip.e;
  });
  const videoMs = cursor;
  const audio = music(draft);
  const length = videoMs;
  for (const segment of audio) {
    segment.s = 0;
    segment.e = length > 0 ? length : segment.e;
  }
  const captions = texts(draft);
  for (const text of captions) {
    const start = text.end ? Math.max(0, length - text.len) : Math.min(text.at, length);
    text.s = start;
    text.e = text.len === 0 || text.end ? length : Math.min(start + text.len, length);
  }
  for (const logo of overlays(draft)) {
    logo.s = Math.max(0, length - logo.len);
    logo.e = length;
  }
  draft.t = draft.t.filter((track) => track.sg.length > 0);
  draft.d = Math.round(length);
  return draft;
}
