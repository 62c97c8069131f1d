/**
 * Real 1920x1080 H.264 MP4s for finished renders, made once per duration per process (a 1-3 s
 * ultrafast clip takes well under a second) in a temp dir removed when the process exits.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFfmpeg } from '../../fixtures/ffmpeg.js';

export const MIN_RENDER_SECONDS = 1;
export const MAX_RENDER_SECONDS = 3;

let dir: string | undefined;
const made = new Map<number, Promise<string>>();

function cacheDir(): string {
  if (!dir) {
    const created = mkdtempSync(join(tmpdir(), 'nemo-emulator-renders-'));
    dir = created;
    process.once('exit', () => rmSync(created, { recursive: true, force: true }));
  }
  return dir;
}

/** The draft's length in whole seconds, kept within 1-3 s so tests stay fast. */
export function renderSeconds(draftMs: number): number {
  return Math.min(MAX_RENDER_SECONDS, Math.max(MIN_RENDER_SECONDS, Math.round(draftMs / 1000)));
}

export function renderVideo(seconds: number): Promise<string> {
  let pending = made.get(seconds);
  if (!pending) {
    const path = join(cacheDir(), `render-${seconds}s.mp4`);
    pending = runFfmpeg([
      ...['-f', 'lavfi', '-i', 'testsrc2=size=1920x1080:rate=25', '-t', String(seconds)],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', path],
    ]).then(() => path);
    pending.catch(() => made.delete(seconds));
    made.set(seconds, pending);
  }
  return pending;
}
