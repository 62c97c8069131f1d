import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { RequestContext } from './context.js';
import { ApiReply, detailError, header } from './http.js';

/** A file the emulator's "CDN" serves; `locate` may make it first (renders, generated clips). */
export interface MediaItem {
  contentType: string;
  locate(): Promise<string>;
}

/** What `/media/<name>` serves: uploads, finished renders and generated clips. */
export class MediaRegistry {
  private readonly items = new Map<string, MediaItem>();

  add(name: string, item: MediaItem): void {
    this.items.set(name, item);
  }

  get(name: string): MediaItem | undefined {
    return this.items.get(name);
  }

  clear(): void {
    this.items.clear();
  }
}

type ByteRange = { start: number; end: number };

/**
 * One `bytes=` range (RFC 9110): `a-b`, `a-` or `-n`. Multiple ranges or an unparsable header are
 * ignored (a full 200 answer is allowed then); a range past the end is unsatisfiable.
 */
export function parseRange(value: string | undefined, size: number): ByteRange | 'unsatisfiable' | undefined {
  const match = value ? /^bytes=(\d*)-(\d*)$/.exec(value.trim()) : null;
  if (!match) return undefined;
  const [, from = '', to = ''] = match;
  if (!from && !to) return undefined;
  if (!from) {
    const suffix = Number(to);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(from);
  const end = to ? Math.min(Number(to), size - 1) : size - 1;
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

export async function serveMedia(ctx: RequestContext): Promise<void> {
  const { req, res } = ctx;
  const item = ctx.state.media.get(ctx.params.name ?? '');
  if (!item) throw detailError(404, 'Not Found');
  const path = await item.locate();
  const { size } = await stat(path);
  const range = parseRange(header(req, 'range'), size);
  if (range === 'unsatisfiable') {
    res.writeHead(416, { 'Content-Range': `bytes */${size}`, 'Content-Length': 0 });
    res.end();
    return;
  }
  const { start, end } = range ?? { start: 0, end: size - 1 };
  res.writeHead(range ? 206 : 200, {
    'Content-Type': item.contentType,
    'Accept-Ranges': 'bytes',
    'Content-Length': size === 0 ? 0 : end - start + 1,
    ...(range ? { 'Content-Range': `bytes ${start}-${end}/${size}` } : {}),
  });
  if (req.method === 'HEAD' || size === 0) {
    res.end();
    return;
  }
  try {
    await pipeline(createReadStream(path, { start, end }), res);
  } catch (error) {
    // A client that stops reading half-way is normal for media (seeking players); anything else is a bug.
    if (!res.destroyed) throw new ApiReply(500, { detail: String(error) });
  }
}
