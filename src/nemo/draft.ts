/**
 * The session timeline ("draft"), read tolerantly. Its short keys are known (`t` tracks, `tt`
 * track type, `sg` segments, `d` duration ms, `m` metadata); segment fields are not public, so
 * several spellings are accepted and anything unreadable is left out rather than failing.
 */

import { withoutControls } from '../file-names.js';

export type TrackKind = 'video' | 'audio' | 'text' | 'other';

export interface Segment {
  label?: string;
  startMs?: number;
  endMs?: number;
  /** 0..1 */
  volume?: number;
  /** A look applied to the segment (filter, LUT, effect, style), as the backend names it. */
  look?: string;
}

export interface Track {
  kind: TrackKind;
  /** The backend's `tt` (0 video, 1 audio, 7 text); -1 when the track gave none. */
  typeCode: number;
  segments: Segment[];
}

export interface Draft {
  tracks: Track[];
  durationMs?: number;
  title?: string;
  width?: number;
  height?: number;
}

// ---------------------------------------------------------------------------------------------
// Parsing

const TRACK_KIND_BY_CODE: Readonly<Record<number, TrackKind>> = { 0: 'video', 1: 'audio', 7: 'text' };
const TRACK_CODE_BY_NAME: Readonly<Record<string, number>> = {
  video: 0,
  audio: 1,
  bgm: 1,
  music: 1,
  text: 7,
  title: 7,
  subtitle: 7,
  caption: 7,
};

type Fields = Record<string, unknown>;

function asFields(value: unknown): Fields | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Fields) : undefined;
}

/** A finite, non-negative number, also from a numeric string ("1500"). */
function asAmount(value: unknown): number | undefined {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) && number >= 0 ? number : undefined;
}

/** Labels are shown in chat lines: no control characters or display-reordering marks from the backend. */
function asText(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = withoutControls(value).replace(/\s+/g, ' ').trim();
  return text || undefined;
}

/** The first of `keys` whose value `read` accepts. */
function pick<T>(
  fields: Fields,
  keys: readonly string[],
  read: (value: unknown) => T | undefined,
): T | undefined {
  for (const key of keys) {
    const value = read(fields[key]);
    if (value !== undefined) return value;
  }
  return undefined;
}

/** `https://cdn/x/city%20night.mp4?sig=1` → `city night.mp4` */
function fileNameOf(value: unknown): string | undefined {
  const text = asText(value);
  if (!text) return undefined;
  const path = text.split(/[?#]/)[0] ?? '';
  const name = path.split(/[\\/]/).pop() ?? '';
  try {
    return asText(decodeURIComponent(name));
  } catch {
    return asText(name);
  }
}

/** Text content may be a string or an object holding one (`{text: "Hi"}`). */
function labelFrom(value: unknown): string | undefined {
  const nested = asFields(value);
  return nested ? pick(nested, ['text', 'txt', 'name', 'title'], asText) : asText(value);
}

function parseVolume(value: unknown): number | undefined {
  const amount = asAmount(value);
  if (amount === undefined) return undefined;
  if (amount <= 1) return amount;
  // Above 1 it is a percentage; above 100 it is neither scale.
  return amount <= 100 ? amount / 100 : undefined;
}

/**
 * `followsMs`: where the previous segment of the track ends (0 for the first), the start to
 * assume when a segment gives only a length or an end.
 */
function parseSegment(raw: unknown, followsMs: number | undefined): Segment | undefined {
  const fields = asFields(raw);
  if (!fields) return undefined;
  const label =
    pick(fields, ['name', 'n', 'title', 'text', 'txt', 'content'], labelFrom) ??
    pick(fields, ['src', 'url', 'file', 'path', 'source'], fileNameOf);
  let startMs = pick(fields, ['s', 'start', 'st', 'startMs', 'begin'], asAmount);
  let endMs = pick(fields, ['e', 'end', 'endMs'], asAmount);
  const durationMs = pick(fields, ['d', 'dur', 'duration'], asAmount);
  if (startMs === undefined && (endMs !== undefined || durationMs !== undefined)) {
    if (followsMs !== undefined && (endMs === undefined || followsMs <= endMs)) startMs = followsMs;
  }
  if (endMs === undefined && durationMs !== undefined && startMs !== undefined) endMs = startMs + durationMs;
  if (endMs !== undefined && startMs !== undefined && endMs < startMs) endMs = undefined;
  const volume = pick(fields, ['v', 'vol', 'volume'], parseVolume);
  const look = pick(fields, ['filter', 'fx', 'effect', 'lut', 'look', 'style'], labelFrom);

  const segment: Segment = {};
  if (label !== undefined) segment.label = label;
  if (startMs !== undefined) segment.startMs = startMs;
  if (endMs !== undefined) segment.endMs = endMs;
  if (volume !== undefined) segment.volume = volume;
  if (look !== undefined) segment.look = look;
  return segment;
}

function parseTrackCode(value: unknown): number | undefined {
  const code = asAmount(value);
  if (code !== undefined && Number.isInteger(code)) return code;
  return typeof value === 'string' ? TRACK_CODE_BY_NAME[value.trim().toLowerCase()] : undefined;
}

function parseTrack(raw: unknown): Track | undefined {
  const fields = asFields(raw);
  if (!fields) return undefined;
  const typeCode = pick(fields, ['tt', 'type', 'trackType', 'track_type', 'kind'], parseTrackCode) ?? -1;
  const rawSegments = pick(fields, ['sg', 'segments', 'clips', 'items'], (v) =>
    Array.isArray(v) ? v : undefined,
  );
  const segments: Segment[] = [];
  for (const rawSegment of rawSegments ?? []) {
    const follows = segments.length === 0 ? 0 : segments[segments.length - 1]!.endMs;
    const segment = parseSegment(rawSegment, follows);
    if (segment) segments.push(segment);
  }
  return { kind: TRACK_KIND_BY_CODE[typeCode] ?? 'other', typeCode, segments };
}

/** Never throws: a missing, malformed or foreign draft is an empty one. Accepts the JSON text too. */
export function parseDraft(raw: unknown): Draft {
  let value = raw;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return { tracks: [] };
    }
  }
  const fields = asFields(value);
  if (!fields) return { tracks: [] };
  const rawTracks = pick(fields, ['t', 'tracks'], (v) => (Array.isArray(v) ? v : undefined)) ?? [];
  const draft: Draft = { tracks: rawTracks.map(parseTrack).filter((t): t is Track => t !== undefined) };

  const meta = pick(fields, ['m', 'meta', 'metadata'], asFields) ?? {};
  const durationMs = pick(fields, ['d', 'duration', 'durationMs'], asAmount);
  const title = pick(meta, ['title', 'name'], asText) ?? pick(fields, ['title', 'name'], asText);
  const width = pick(meta, ['width', 'w'], asAmount) ?? pick(fields, ['width', 'w'], asAmount);
  const height = pick(meta, ['height', 'h'], asAmount) ?? pick(fields, ['height', 'h'], asAmount);
  if (durationMs !== undefined) draft.durationMs = durationMs;
  if (title !== undefined) draft.title = title;
  if (width !== undefined) draft.width = width;
  if (height !== undefined) draft.height = height;
  return draft;
}

/** The backend exports a draft only when some track has a segment. */
export function isExportable(draft: Draft): boolean {
  return draft.tracks.some((track) => track.segments.length > 0);
}

/** The draft's own length, else where its last segment ends. */
export function timelineLengthMs(draft: Draft): number | undefined {
  if (draft.durationMs !== undefined && draft.durationMs > 0) return draft.durationMs;
  const ends = draft.tracks.flatMap((t) => t.segments.map((s) => s.endMs ?? 0));
  const last = Math.max(0, ...ends);
  return last > 0 ? last : undefined;
}

// ---------------------------------------------------------------------------------------------
// Wording

const HEADING: Readonly<Record<TrackKind, string>> = {
  video: 'Video',
  audio: 'BGM',
  text: 'Title',
  other: 'Track',
};
/** How a single segment is named in a sentence: "Removed clip intro", "Volume of BGM Lo-fi". */
const NOUN: Readonly<Record<TrackKind, string>> = {
  video: 'clip',
  audio: 'BGM',
  text: 'title',
  other: 'item',
};
const PLURAL: Readonly<Record<TrackKind, string>> = {
  video: 'clips',
  audio: 'clips',
  text: 'titles',
  other: 'items',
};
const MAX_LABEL = 40;

/** 2500 → "2.5", 10000 → "10": tenths of a second, no trailing ".0". */
export function formatSeconds(ms: number): string {
  return String(Math.round(ms / 100) / 10);
}

function formatSpan(segment: Segment): string | undefined {
  const { startMs, endMs } = segment;
  if (startMs !== undefined && endMs !== undefined)
    return `${formatSeconds(startMs)}-${formatSeconds(endMs)}s`;
  if (startMs !== undefined) return `from ${formatSeconds(startMs)}s`;
  if (endMs !== undefined) return `until ${formatSeconds(endMs)}s`;
  return undefined;
}

const formatPercent = (volume: number) => `${Math.round(volume * 100)}%`;

function formatLabel(kind: TrackKind, label: string | undefined): string {
  if (label === undefined) return 'untitled';
  const short = label.length > MAX_LABEL ? `${label.slice(0, MAX_LABEL - 1).trimEnd()}…` : label;
  return kind === 'text' ? `"${short}"` : short;
}

/** `Lo-fi (0-10s, 35%)`: the span, and the volume for audio. */
function formatSegment(kind: TrackKind, segment: Segment): string {
  const details = [formatSpan(segment)];
  if (kind === 'audio' && segment.volume !== undefined) details.push(formatPercent(segment.volume));
  const shown = details.filter(Boolean);
  const label = formatLabel(kind, segment.label);
  return shown.length > 0 ? `${label} (${shown.join(', ')})` : label;
}

/** One or two segments are listed; more are counted, with the span they cover. */
function formatTrack(track: Track): string {
  const { kind, segments } = track;
  if (segments.length <= 2)
    return `${HEADING[kind]}: ${segments.map((s) => formatSegment(kind, s)).join(', ')}`;
  const starts = segments.flatMap((s) => (s.startMs === undefined ? [] : [s.startMs]));
  const ends = segments.flatMap((s) => (s.endMs === undefined ? [] : [s.endMs]));
  const span =
    starts.length > 0 && ends.length > 0
      ? ` (${formatSpan({ startMs: Math.min(...starts), endMs: Math.max(...ends) })})`
      : '';
  return `${HEADING[kind]}: ${segments.length} ${PLURAL[kind]}${span}`;
}

/**
 * `Timeline (3 tracks): 1. Video: city timelapse (0-10s) 2. BGM: Lo-fi (0-10s, 35%) 3. Title: "Urban Dreams" (0-3s)`.
 * Tracks with no segments are left out; with none left, "Timeline is empty".
 */
export function summarizeDraft(draft: Draft): string {
  const tracks = draft.tracks.filter((track) => track.segments.length > 0);
  if (tracks.length === 0) return 'Timeline is empty';
  const listed = tracks.map((track, i) => `${i + 1}. ${formatTrack(track)}`).join(' ');
  return `Timeline (${tracks.length} track${tracks.length === 1 ? '' : 's'}): ${listed}`;
}

// ---------------------------------------------------------------------------------------------
// Changes

interface Placed {
  kind: TrackKind;
  segment: Segment;
  /** Where it sits, to pair a renamed segment with the one it replaced. */
  position: string;
  /** Kind, label and how many same-named segments came before: what stays the same across an edit. */
  identity: string;
}

function placeSegments(draft: Draft): Placed[] {
  const occurrences = new Map<string, number>();
  return draft.tracks.flatMap((track, t) =>
    track.segments.map((segment, s) => {
      const name = `${track.kind}\u0000${segment.label ?? ''}`;
      const nth = occurrences.get(name) ?? 0;
      occurrences.set(name, nth + 1);
      return { kind: track.kind, segment, position: `${t}:${s}`, identity: `${name}\u0000${nth}` };
    }),
  );
}

function nameOf(kind: TrackKind, segment: Segment): string {
  if (segment.label !== undefined) return `${NOUN[kind]} ${formatLabel(kind, segment.label)}`;
  const span = formatSpan(segment);
  return `untitled ${NOUN[kind]}${span ? ` (${span})` : ''}`;
}

function segmentChanges(kind: TrackKind, before: Segment, after: Segment): string[] {
  const lines: string[] = [];
  const was = formatSpan(before);
  const now = formatSpan(after);
  if (now && was !== now) {
    lines.push(`${HEADING[kind]}: ${formatLabel(kind, after.label)} now ${now}${was ? ` (was ${was})` : ''}`);
  }
  if (after.volume !== undefined && formatPercent(after.volume) !== formatPercent(before.volume ?? -1)) {
    lines.push(
      before.volume === undefined
        ? `Volume of ${nameOf(kind, after)} set to ${formatPercent(after.volume)}`
        : `Volume of ${nameOf(kind, after)} ${formatPercent(before.volume)} → ${formatPercent(after.volume)}`,
    );
  }
  if (after.look !== before.look) {
    lines.push(
      after.look === undefined
        ? `Removed the ${before.look} look from ${nameOf(kind, after)}`
        : `Applied a ${after.look} look to ${nameOf(kind, after)}`,
    );
  }
  return lines;
}

/**
 * What an edit did to the timeline, one short line per change, for when the backend says nothing:
 * `Added BGM: Lo-fi (0-10s, 35%)`, `Removed title "X"`, `Video: city timelapse now 0-8s (was 0-10s)`,
 * `Volume of BGM Lo-fi 35% → 60%`, `Timeline length 10s → 8s`. Empty when nothing changed.
 */
export function describeChanges(before: Draft, after: Draft): string[] {
  const old = placeSegments(before);
  const oldByIdentity = new Map(old.map((p) => [p.identity, p]));
  const newIdentities = new Set(placeSegments(after).map((p) => p.identity));
  const removed = old.filter((p) => !newIdentities.has(p.identity));
  const removedAt = new Map(removed.map((p) => [`${p.kind}@${p.position}`, p]));

  const lines: string[] = [];
  const changed: string[] = [];
  for (const placed of placeSegments(after)) {
    const { kind, segment } = placed;
    const previous = oldByIdentity.get(placed.identity);
    if (previous) {
      changed.push(...segmentChanges(kind, previous.segment, segment));
      continue;
    }
    // A new label where an old one of the same kind sat: a rename or a replacement, one line.
    const replaced = removedAt.get(`${kind}@${placed.position}`);
    if (replaced) {
      removedAt.delete(`${kind}@${placed.position}`);
      changed.push(
        `${HEADING[kind]}: ${formatLabel(kind, replaced.segment.label)} → ${formatLabel(kind, segment.label)}`,
        ...segmentChanges(kind, { ...replaced.segment, label: segment.label }, segment),
      );
      continue;
    }
    changed.push(`Added ${HEADING[kind]}: ${formatSegment(kind, segment)}`);
  }
  for (const gone of removedAt.values()) lines.push(`Removed ${nameOf(gone.kind, gone.segment)}`);
  lines.push(...changed);

  const lengthBefore = timelineLengthMs(before);
  const lengthAfter = timelineLengthMs(after);
  if (
    lengthBefore !== undefined &&
    lengthAfter !== undefined &&
    formatSeconds(lengthBefore) !== formatSeconds(lengthAfter)
  ) {
    lines.push(`Timeline length ${formatSeconds(lengthBefore)}s → ${formatSeconds(lengthAfter)}s`);
  }
  if (before.width && before.height && after.width && after.height) {
    const was = `${before.width}x${before.height}`;
    const now = `${after.width}x${after.height}`;
    if (was !== now) lines.push(`Canvas ${was} → ${now}`);
  }
  if (before.title !== undefined && after.title !== undefined && before.title !== after.title) {
    lines.push(`Project title "${before.title}" → "${after.title}"`);
  }
  return lines;
}
