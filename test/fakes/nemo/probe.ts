/**
 * Decides whether an uploaded file is media the backend accepts, the way it would: the name's
 * extension must be on the list, the bytes must look like a media type on the list (magic bytes via
 * file-type), and ffprobe must read it. Metadata comes from ffprobe.
 */
import { extname } from 'node:path';
import { fileTypeFromFile } from 'file-type';
import { ffprobe, summarizeProbe } from '../../fixtures/ffmpeg.js';

export type MediaKind = 'video' | 'image' | 'audio';

export const ACCEPTED_TYPES: Readonly<Record<string, { kind: MediaKind; mime: string }>> = {
  mp4: { kind: 'video', mime: 'video/mp4' },
  mov: { kind: 'video', mime: 'video/quicktime' },
  avi: { kind: 'video', mime: 'video/x-msvideo' },
  webm: { kind: 'video', mime: 'video/webm' },
  mkv: { kind: 'video', mime: 'video/x-matroska' },
  jpg: { kind: 'image', mime: 'image/jpeg' },
  png: { kind: 'image', mime: 'image/png' },
  gif: { kind: 'image', mime: 'image/gif' },
  webp: { kind: 'image', mime: 'image/webp' },
  mp3: { kind: 'audio', mime: 'audio/mpeg' },
  wav: { kind: 'audio', mime: 'audio/wav' },
  m4a: { kind: 'audio', mime: 'audio/mp4' },
  aac: { kind: 'audio', mime: 'audio/aac' },
};

/** file-type names a few accepted formats differently from their usual extension. */
const DETECTED_ALIASES: Readonly<Record<string, string>> = { m4v: 'mp4', qt: 'mov', jpeg: 'jpg' };

export interface ProbedMedia {
  kind: MediaKind;
  durationSec?: number;
  width?: number;
  height?: number;
  fps?: number;
}

export function extensionOf(filename: string): string {
  const ext = extname(filename).slice(1).toLowerCase();
  return DETECTED_ALIASES[ext] ?? ext;
}

/** The accepted extension for a Content-Type, for URL uploads whose path has none. */
export function extensionForMime(mime: string | undefined): string | undefined {
  const bare = mime?.split(';')[0]?.trim().toLowerCase();
  return Object.entries(ACCEPTED_TYPES).find(([, type]) => type.mime === bare)?.[0];
}

export function hasAcceptedExtension(filename: string): boolean {
  return extensionOf(filename) in ACCEPTED_TYPES;
}

/** The file's media facts, or undefined when the backend would answer 4001. */
export async function probeUpload(path: string, filename: string): Promise<ProbedMedia | undefined> {
  if (!hasAcceptedExtension(filename)) return undefined;
  const detected = await fileTypeFromFile(path);
  const detectedExt = detected ? (DETECTED_ALIASES[detected.ext] ?? detected.ext) : undefined;
  const kind = detectedExt ? ACCEPTED_TYPES[detectedExt]?.kind : undefined;
  if (!kind) return undefined;
  let summary: ReturnType<typeof summarizeProbe>;
  try {
    summary = summarizeProbe(await ffprobe(path));
  } catch {
    return undefined;
  }
  // MP4-family files without pictures are audio (an m4a written with an isom brand, for one).
  const actualKind: MediaKind = kind === 'video' && !summary.videoCodec ? 'audio' : kind;
  const hasPicture = summary.width !== undefined && summary.height !== undefined;
  if (actualKind === 'audio' ? !summary.audioCodec : !hasPicture) return undefined;
  return {
    kind: actualKind,
    durationSec: actualKind === 'image' ? undefined : summary.durationSec,
    width: actualKind === 'audio' ? undefined : summary.width,
    height: actualKind === 'audio' ? undefined : summary.height,
    fps: actualKind === 'video' ? summary.fps : undefined,
  };
}
