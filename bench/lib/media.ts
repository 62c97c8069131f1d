/**
 * Big clips the emulator accepts: a real 1-second MP4 (moov first, so ffprobe reads it from the head), then
 * zeros up to the size. The zeros are a sparse extension: making a gigabyte costs no disk writes, and
 * reading it is as fast for the bot as for curl.
 */
import { execFile } from 'node:child_process';
import { truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { MB } from './stats.js';

const run = promisify(execFile);

export async function makeClip(dir: string, sizeMB: number): Promise<string> {
  const path = join(dir, `clip-${sizeMB}mb.mp4`);
  await run('ffmpeg', [
    ...['-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25', '-t', '1'],
    ...[
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv420p',
      '-movflags',
      '+faststart',
      '-y',
      path,
    ],
  ]);
  await truncate(path, sizeMB * MB);
  return path;
}
