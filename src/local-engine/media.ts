/**
 * What an uploaded file is, decided the way the backend decides: an accepted extension, bytes that look
 * like that kind of media (magic bytes, via file-type), and ffprobe able to read it. Runs ffprobe as a
 * child process, so the event loop never waits on it.
 */
import { execFile } from 'node:child_process';
import { extname } from 'node:path';
import { promisify } from 'node:util';
import { fileTypeFromFile } from 'file-type';

const run = promisify(execFile);

export type MediaKind = 'video' | 'image' | 'audio';

export const ACCEPTED: Readonly<Record<string, { kind: MediaKind; mime: string }>> = {
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
const ALIASES: Readonly<Record<string, string>> = { m4v: 'mp4', qt: 'mov', jpeg: 'jpg' };

export function extensionOf(filename: string): string {
  const ext = extname(filename).slice(1).toLowerCase();
  return ALIASES[ext] ?? ext;
}

export interface ProbedMedia {
  kind: MediaKind;
  durationMs?: number;
  width?: number;
  height?: number;
  fps?: number;
  hasAudio: boolean;
}

interface ProbeJson {
  streams?: Array<{
    codec_type?: string;
    width?: number;
    height?: number;
    avg_frame_rate?: string;
    duration?: string;
  }>;
  format?: { duration?: string };
}

function rate(fraction: string | undefined): number | undefined {
  const [num, den] = (fraction ?? '').split('/').map(Number);
  return num && den ? Math.round((num / den) * 100) / 100 : undefined;
}

/** ffprobe's JSON for a file, or undefined when it cannot read it. */
async function probeJson(path: string): Promise<ProbeJson | undefined> {
  try {
    const { stdout } = await run(
      'ffprobe',
      ['-v', 'error', '-print_format', 'json', '-show_streams', '-show_format', path],
      { maxBuffer: 4 * 1024 * 1024 },
    );
    return JSON.parse(stdout) as ProbeJson;
  } catch {
    return undefined;
  }
}

/** The file's media facts, or undefined when it is not media the backend accepts (code 4001). */
export async function probeMedia(path: string, filename: string): Promise<ProbedMedia | undefined> {
  const declared = ACCEPTED[extensionOf(filename)];
  if (!declared) return undefined;
  const detected = await fileTypeFromFile(path).catch(() => undefined);
  const detectedExt = detected ? (ALIASES[detected.ext] ?? detected.ext) : undefined;
  const sniffed = detectedExt ? ACCEPTED[detectedExt]?.kind : undefined;
  if (!sniffed) return undefined;
  const probe = await probeJson(path);
  if (!probe) return undefined;
  const video = probe.streams?.find((s) => s.codec_type === 'video');
  const audio = probe.streams?.find((s) => s.codec_type === 'audio');
  // MP4-family files without pictures are audio (an m4a written with an isom brand, for one).
  const kind: MediaKind = sniffed === 'video' && !video ? 'audio' : sniffed;
  if (kind === 'audio' ? !audio : !video?.width || !video.height) return undefined;
  const seconds = Number(probe.format?.duration ?? video?.duration ?? audio?.duration);
  return {
    kind,
    ...(kind !== 'image' && Number.isFinite(seconds) && { durationMs: Math.round(seconds * 1000) }),
    ...(kind !== 'audio' && { width: video?.width, height: video?.height }),
    ...(kind === 'video' && { fps: rate(video?.avg_frame_rate) }),
    hasAudio: kind !== 'image' && Boolean(audio),
  };
}
