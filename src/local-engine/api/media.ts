/**
 * GET/HEAD /media/<id>: the engine's "CDN" for uploads and finished renders. Ids are unguessable, like a
 * signed CDN link, because the bot downloads results without its token. One byte range is honoured.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { EngineContext } from '../engine.js';
import { detailError, header } from './http.js';

function locate(ctx: EngineContext, id: string): { path: string; mime: string } | undefined {
  const file = ctx.registry.file(id);
  if (file) return { path: file.path, mime: file.mime };
  for (const render of ctx.renders.values()) {
    if (render.outputId === id && render.status === 'completed')
      return { path: render.outputPath, mime: 'video/mp4' };
  }
  return undefined;
}

export async function serveMedia(
  ctx: EngineContext,
  req: IncomingMessage,
  res: ServerResponse,
  params: Record<string, string>,
): Promise<void> {
  const item = locate(ctx, params.name ?? '');
  const info = item && (await stat(item.path).catch(() => undefined));
  if (!item || !info) throw detailError(404, 'Not Found');
  const size = info.size;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header(req, 'range') ?? '');
  let start = 0;
  let end = size - 1;
  if (match && (match[1] || match[2])) {
    start = match[1] ? Number(match[1]) : Math.max(0, size - Number(match[2]));
    end = match[1] && match[2] ? Math.min(Number(match[2]), size - 1) : size - 1;
    if (start >= size || end < start) {
      res.writeHead(416, { 'Content-Range': `bytes */${size}`, 'Content-Length': 0 });
      res.end();
      return;
    }
  }
  const ranged = Boolean(match && (match[1] || match[2]));
  res.writeHead(ranged ? 206 : 200, {
    'Content-Type': item.mime,
    'Accept-Ranges': 'bytes',
    'Content-Length': size === 0 ? 0 : end - start + 1,
    ...(ranged && { 'Content-Range': `bytes ${start}-${end}/${size}` }),
  });
  if (req.method === 'HEAD' || size === 0) {
    res.end();
    return;
  }
  // A reader that stops half-way (a seeking player) is normal: nothing to report.
  await pipeline(createReadStream(item.path, { start, end }), res).catch(() => undefined);
}
