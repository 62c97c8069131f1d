/**
 * Real 1920x1080 H.264 MP4s for finished renders: one per duration (a 1-3 s ultrafast clip takes
 * well under a second to make), kept in the shared test media cache so every emulator reuses it.
 */

import { runFfmpeg } from '../../fixtures/ffmpeg.js';
import { cachedFile } from '../../fixtures/file-cache.js';

export const MIN_RENDER_SECONDS = 1;
export const MAX_RENDER_SECONDS = 3;

/** The draft's length in whole seconds, kept within 1-3 s so tests stay fast. */
export function renderSeconds(draftMs: number): number {
  return Math.min(MAX_RENDER_SECONDS, Math.max(MIN_RENDER_SECONDS, Math.round(draftMs / 1000)));
}

export function renderVideo(seconds: number): Promise<string> {
  return cachedFile(`render-1920x1080-${seconds}s.mp4`, (path) =>
    runFfmpeg([
      ...['-f', 'lavfi', '-i', 'testsrc2=size=1920x1080:rate=25', '-t', String(seconds)],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', path],
    ]),
  );
}
