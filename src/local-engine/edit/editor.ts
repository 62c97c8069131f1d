/**
 * Applies understood operations to a session's timeline. Works on a copy and commits it only when every
 * operation went through, so a failure (a clip ffmpeg cannot read) leaves the timeline as it was.
 * Returns one sentence per operation for the agent's answer.
 */
import {
  type AudioSegment,
  type EngineDraft,
  engineDraft,
  layout,
  music,
  overlays,
  playedMs,
  texts,
  type VisualSegment,
  visuals,
} from '../draft.js';
import type { MediaFile, Session } from '../sessions.js';
import type { EngineTexts } from '../texts.js';
import type { AspectRatio, Operation } from './operations.js';
import { detectSilences, keepBetween } from './silence.js';

export const BUILTIN_PAD = 'builtin:pad';

const FRAME: Readonly<Record<AspectRatio, { width: number; height: number }>> = {
  '16:9': { width: 1920, height: 1080 },
  '9:16': { width: 1080, height: 1920 },
  '1:1': { width: 1080, height: 1080 },
};
const PROMO_TRANSITION_MS = 700;

export interface EditResult {
  lines: string[];
  lengthMs: number;
}

interface EditContext {
  session: Session;
  draft: EngineDraft;
  t: EngineTexts;
  signal?: AbortSignal;
}

export async function applyOperations(
  session: Session,
  operations: Operation[],
  t: EngineTexts,
  signal?: AbortSignal,
): Promise<EditResult> {
  const draft = structuredClone(session.draft);
  const ctx: EditContext = { session, draft, t, ...(signal && { signal }) };
  const lines: string[] = [];
  for (const operation of operations) {
    lines.push(await apply(ctx, operation));
    layout(draft);
  }
  // The draft is served to clients and read back by the renderer: it must always be valid.
  session.draft = engineDraft.parse(layout(draft));
  return { lines, lengthMs: session.draft.d };
}

async function apply(ctx: EditContext, operation: Operation): Promise<string> {
  const { draft, t } = ctx;
  switch (operation.op) {
    case 'keep':
      return keepRange(ctx, operation.fromMs, operation.toMs)
        ? t.keep(operation.fromMs, operation.toMs)
        : t.rangeOutside(draft.d);
    case 'keep-last': {
      const from = Math.max(0, draft.d - operation.ms);
      return keepRange(ctx, from, draft.d) ? t.keep(from, draft.d) : t.rangeOutside(draft.d);
    }
    case 'cut':
      return cutRange(ctx, operation.fromMs, operation.toMs)
        ? t.cut(operation.fromMs, operation.toMs)
        : t.rangeOutside(draft.d);
    case 'remove-pauses':
      return removePauses(ctx, operation.thresholdDb, operation.minPauseMs);
    case 'speed':
      for (const clip of visuals(draft)) if (!clip.img) clip.sp = operation.factor;
      return t.speed(operation.factor);
    case 'transition':
      draft.m.tr = { k: operation.kind, ms: operation.ms };
      return t.transition(operation.kind, operation.ms);
    case 'aspect': {
      const frame = FRAME[operation.ratio];
      Object.assign(draft.m, frame, { aspect: operation.ratio, fit: operation.fit });
      return t.aspect(operation.ratio, operation.fit, frame.width, frame.height);
    }
    case 'text': {
      // A second title in the same place replaces the first rather than printing over it.
      const track = texts(draft);
      const kept = track.filter((text) => text.k !== operation.kind || text.pos !== operation.position);
      track.splice(0, track.length, ...kept);
      track.push({
        txt: operation.text,
        k: operation.kind,
        pos: operation.position,
        sz: operation.size,
        c: operation.color,
        box: true,
        at: operation.atMs,
        len: operation.lenMs,
        ...(operation.atEnd && { end: true }),
        s: 0,
        e: 0,
      });
      layout(draft);
      const added = texts(draft).at(-1)!;
      return t.text(operation.kind, operation.text, added.s, added.e, operation.position);
    }
    case 'remove-text': {
      const count = texts(draft).length;
      texts(draft).length = 0;
      return t.textRemoved(count);
    }
    case 'music':
      return setMusic(ctx, operation.volume, operation.fadeInMs, operation.fadeOutMs);
    case 'remove-music':
      music(draft).length = 0;
      return t.musicRemoved;
    case 'mute':
      draft.m.mute = true;
      return t.mute;
    case 'normalize':
      draft.m.norm = true;
      return t.normalize;
    case 'look':
      for (const clip of visuals(draft)) {
        if (operation.look) clip.filter = operation.look;
        else delete clip.filter;
      }
      return t.look(operation.look);
    case 'smooth':
      draft.m.smooth = true;
      return t.smooth;
    case 'promo':
      return promo(ctx, operation.seconds, operation.withMusic);
  }
}

/** Keeps the part of the timeline between two times; false when that part is empty. */
function keepRange(ctx: EditContext, fromMs: number, toMs: number): boolean {
  const { draft } = ctx;
  const kept: VisualSegment[] = [];
  for (const clip of visuals(draft)) {
    const start = Math.max(fromMs, clip.s);
    const end = Math.min(toMs, clip.e);
    if (end - start < 40) continue;
    kept.push({ ...clip, i: clip.i + (start - clip.s) * clip.sp, o: clip.i + (end - clip.s) * clip.sp });
  }
  if (kept.length === 0) return false;
  replaceVisuals(draft, kept);
  for (const text of texts(draft)) if (!text.end) text.at = Math.max(0, text.at - fromMs);
  return true;
}

/** Removes the part of the timeline between two times; false when nothing of it was on the timeline. */
function cutRange(ctx: EditContext, fromMs: number, toMs: number): boolean {
  const { draft } = ctx;
  if (fromMs >= draft.d) return false;
  const kept: VisualSegment[] = [];
  for (const clip of visuals(draft)) {
    for (const [start, end] of [
      [clip.s, Math.min(clip.e, fromMs)],
      [Math.max(clip.s, toMs), clip.e],
    ] as const) {
      if (end - start < 40) continue;
      kept.push({ ...clip, i: clip.i + (start - clip.s) * clip.sp, o: clip.i + (end - clip.s) * clip.sp });
    }
  }
  if (kept.length === 0) return false;
  replaceVisuals(draft, kept);
  return true;
}

function replaceVisuals(draft: EngineDraft, clips: VisualSegment[]): void {
  const track = visuals(draft);
  track.length = 0;
  track.push(...clips.map((clip) => ({ ...clip, i: Math.round(clip.i), o: Math.round(clip.o) })));
}

async function removePauses(ctx: EditContext, thresholdDb: number, minPauseMs: number): Promise<string> {
  const { draft, session, t } = ctx;
  const clips = visuals(draft);
  if (clips.length === 0) return t.nothingToEdit;
  const sounding = clips.filter((clip) => session.files.get(clip.src)?.hasAudio && !clip.img);
  if (sounding.length === 0) return t.noSound;
  const kept: VisualSegment[] = [];
  let pauses = 0;
  let savedMs = 0;
  for (const clip of clips) {
    const file = session.files.get(clip.src);
    if (!file?.hasAudio || clip.img) {
      kept.push(clip);
      continue;
    }
    const range = { fromMs: clip.i, toMs: clip.o };
    const silences = await detectSilences({
      path: file.path,
      ...range,
      thresholdDb,
      minPauseMs,
      ...(ctx.signal && { signal: ctx.signal }),
    });
    const pieces = keepBetween(range, silences);
    const pieceMs = pieces.reduce((sum, p) => sum + p.toMs - p.fromMs, 0);
    if (pieces.length === 0 || pieceMs >= clip.o - clip.i) {
      kept.push(clip);
      continue;
    }
    pauses += silences.length;
    savedMs += (clip.o - clip.i - pieceMs) / clip.sp;
    kept.push(...pieces.map((piece) => ({ ...clip, i: piece.fromMs, o: piece.toMs })));
  }
  if (pauses === 0) return t.noPauses;
  replaceVisuals(draft, kept);
  return t.pausesRemoved(pauses, savedMs);
}

/** The most recently uploaded audio file, if any. */
function latestAudio(session: Session): MediaFile | undefined {
  return [...session.files.values()].filter((file) => file.kind === 'audio').at(-1);
}

function setMusic(ctx: EditContext, volume?: number, fadeInMs?: number, fadeOutMs?: number): string {
  const { draft, session, t } = ctx;
  const track = music(draft);
  let segment: AudioSegment | undefined = track[0];
  const lines: string[] = [];
  if (!segment) {
    const file = latestAudio(session);
    if (!file) lines.push(t.builtInMusic);
    const clipsHaveSound = visuals(draft).some((clip) => session.files.get(clip.src)?.hasAudio);
    segment = {
      n: file ? file.name.replace(/\.[^.]+$/, '') : 'soft pad',
      src: file ? file.id : BUILTIN_PAD,
      v: clipsHaveSound ? 0.35 : 0.8,
      fi: 0,
      fo: 0,
      s: 0,
      e: 0,
    };
    track.push(segment);
  }
  if (volume !== undefined) segment.v = volume;
  if (fadeInMs !== undefined) segment.fi = fadeInMs;
  if (fadeOutMs !== undefined) segment.fo = fadeOutMs;
  lines.unshift(t.music(segment.n, segment.v, segment.fi, segment.fo));
  return lines.join(' ');
}

function promo(ctx: EditContext, seconds: number, withMusic: boolean): string {
  const { draft, t } = ctx;
  const clips = visuals(draft);
  const images = clips.filter((clip) => clip.img);
  if (images.length === 0) return t.noImages;
  draft.m.tr ??= { k: 'fade', ms: PROMO_TRANSITION_MS };
  const targetMs = seconds * 1000;
  const videoMs = clips.filter((clip) => !clip.img).reduce((sum, clip) => sum + playedMs(clip), 0);
  const overlapTotal = (clips.length - 1) * draft.m.tr.ms;
  const imageMs = Math.max(1000, Math.round((targetMs + overlapTotal - videoMs) / images.length));
  images.forEach((image, index) => {
    image.i = 0;
    image.o = imageMs;
    image.sp = 1;
    image.kb = index % 2 === 0 ? 1 : -1;
  });
  const lines = [t.promo(images.length, seconds, overlays(draft).length > 0)];
  if (withMusic) {
    layout(draft);
    lines.push(setMusic(ctx, undefined, 1000, 2000));
  }
  return lines.join(' ');
}
