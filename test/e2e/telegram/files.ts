/** File helpers for the end-to-end tests: hashes, the emulator's rendered video, a large valid MP4. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { appendFile, copyFile, mkdtemp, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { request } from 'undici';
import type { EmulatedRender, Emulator } from '../../fakes/nemo/emulator.js';

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

/** A fresh directory for one test file's own files. */
export function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'e2e-telegram-'));
}

/** The one finished render of a session at the emulator, and its MP4 downloaded into `dir`. */
export async function downloadRender(
  emulator: Emulator,
  sessionId: string,
  dir: string,
): Promise<{ render: EmulatedRender; path: string }> {
  const renders = [...emulator.renders.values()].filter(
    (r) => r.sessionId === sessionId && r.status === 'completed',
  );
  if (renders.length !== 1) throw new Error(`expected one finished render, found ${renders.length}`);
  const render = renders[0]!;
  if (!render.outputUrl) throw new Error('the finished render has no output URL');
  const response = await request(render.outputUrl);
  if (response.statusCode !== 200) throw new Error(`render download answered HTTP ${response.statusCode}`);
  const path = join(dir, `${render.id}.mp4`);
  await writeFile(path, response.body);
  return { render, path };
}

/**
 * A valid MP4 of exactly `bytes` bytes, made in no time: a short real clip followed by one `free` box
 * (ISO BMFF padding every reader skips). The file on disk is sparse, so even 30 MB costs nothing to write.
 */
export async function paddedClip(clip: string, dir: string, bytes: number): Promise<string> {
  const path = join(dir, `padded-${bytes}.mp4`);
  await copyFile(clip, path);
  const { size } = await stat(path);
  const padding = bytes - size;
  if (padding < 8) throw new Error(`the clip is already ${size} bytes`);
  const header = Buffer.alloc(8);
  header.writeUInt32BE(padding, 0);
  header.write('free', 4, 'latin1');
  await appendFile(path, header);
  await truncate(path, bytes);
  return path;
}
