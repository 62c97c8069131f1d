/**
 * The session timeline in the backend's short keys: `t` tracks, `tt` track type (0 video, 1 audio/BGM,
 * 7 text), `sg` segments, `d` duration ms, `m` metadata. Segment fields beyond these are the emulator's
 * guess (n name, s/e start/end ms, v volume, txt text, filter); clients must read them tolerantly.
 */
import type { Draft } from './types.js';

export const TRACK = { video: 0, audio: 1, text: 7 } as const;
type Segment = Record<string, unknown>;

export function emptyDraft(title: string): Draft {
  return { t: [], d: 0, m: { title, width: 1920, height: 1080 } };
}

/** A draft can be exported when some track has a segment. */
export function isExportable(draft: unknown): boolean {
  const tracks = (draft as { t?: unknown } | null)?.t;
  return Array.isArray(tracks) && tracks.some((track) => Array.isArray(track?.sg) && track.sg.length > 0);
}

/** Duration in ms: `d` when present, else the latest segment end. */
export function draftDurationMs(draft: unknown): number {
  const { d, t } = (draft ?? {}) as { d?: unknown; t?: Array<{ sg?: Segment[] }> };
  if (typeof d === 'number' && d > 0) return d;
  const ends = (Array.isArray(t) ? t : []).flatMap((track) =>
    (track.sg ?? []).map((seg) => Number(seg.e) || 0),
  );
  return Math.max(0, ...ends);
}

function track(draft: Draft, type: number): Segment[] {
  let found = draft.t.find((tr) => tr.tt === type);
  if (!found) {
    found = { tt: type, sg: [] };
    draft.t.push(found);
    draft.t.sort((a, b) => a.tt - b.tt);
  }
  return found.sg;
}

function endOf(segments: Segment[]): number {
  return Math.max(0, ...segments.map((seg) => Number(seg.e) || 0));
}

function recomputeDuration(draft: Draft): void {
  draft.d = Math.max(0, ...draft.t.flatMap((tr) => tr.sg.map((seg) => Number(seg.e) || 0)));
}

/** Appends a clip (or image, or generated clip) at the end of the video track. */
export function appendVisual(draft: Draft, name: string, durationMs: number, extra: Segment = {}): Segment {
  const segments = track(draft, TRACK.video);
  const start = endOf(segments);
  const segment = { n: name, s: start, e: start + durationMs, ...extra };
  segments.push(segment);
  recomputeDuration(draft);
  return segment;
}

/** Background music over the whole timeline (10 s when it is still empty). */
export function addBgm(draft: Draft, name: string, volume: number): Segment {
  const segment = { n: name, s: 0, e: draft.d || 10_000, v: volume };
  track(draft, TRACK.audio).push(segment);
  recomputeDuration(draft);
  return segment;
}

/** An uploaded audio file on the audio track, from 0. */
export function addAudio(draft: Draft, name: string, durationMs: number): Segment {
  const segment = { n: name, s: 0, e: durationMs, v: 1 };
  track(draft, TRACK.audio).push(segment);
  recomputeDuration(draft);
  return segment;
}

export function addTitle(draft: Draft, text: string, durationMs = 3000): Segment {
  const segment = { txt: text, s: 0, e: durationMs };
  track(draft, TRACK.text).push(segment);
  recomputeDuration(draft);
  return segment;
}

/** Cuts every track at `endMs`, dropping segments that start after it. */
export function trimTo(draft: Draft, endMs: number): void {
  for (const tr of draft.t) {
    tr.sg = tr.sg
      .filter((seg) => (Number(seg.s) || 0) < endMs)
      .map((seg) => ({ ...seg, e: Math.min(Number(seg.e) || 0, endMs) }));
  }
  recomputeDuration(draft);
}

export function setFilter(draft: Draft, filter: string): void {
  for (const seg of draft.t.find((tr) => tr.tt === TRACK.video)?.sg ?? []) seg.filter = filter;
}
