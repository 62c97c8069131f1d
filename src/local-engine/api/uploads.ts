/**
 * POST /api/upload-video/nemo_agent/me/<sid>: multipart field `files` (may repeat), streamed to the data
 * folder with a per-file limit, checked by magic bytes and ffprobe, then put on the timeline: clips and
 * images on the video track, audio as background music, an image named like a logo as the end overlay.
 * URL uploads (`{"urls": [...]}`) are refused with 4001: the local engine fetches nothing from the network.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { basename, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import { type EngineDraft, IMAGE_MS, layout, music, overlays, visuals } from '../draft.js';
import { authenticate, type EngineContext, evictables, fileInfo, touch } from '../engine.js';
import { ACCEPTED, extensionOf, probeMedia } from '../media.js';
import { exclusive, type MediaFile, type Session, unguessable } from '../sessions.js';
import { StorageFullError } from '../storage.js';
import { detailError, envelopeError, header, sendOk, sessionNotFound } from './http.js';

const MB = 1024 * 1024;
const ACCEPTED_LIST = Object.keys(ACCEPTED).join(', ');
const LOGO_NAME = /logo|标志|标识|徽标/i;

class TooLarge extends Error {}
class Unsupported extends Error {
  constructor(readonly filename: string) {
    super(`unsupported: ${filename}`);
  }
}

interface Saved {
  filename: string;
  path: string;
  sizeBytes: number;
  hash: string;
}

const tooLarge = (limit: number) =>
  envelopeError(4002, `File too large: the limit is ${Math.floor(limit / MB)} MB`, { limit_bytes: limit });
const unsupported = (name: string) =>
  envelopeError(4001, `Unsupported file type: ${name}. Accepted: ${ACCEPTED_LIST}`);

export async function upload(
  ctx: EngineContext,
  req: IncomingMessage,
  res: ServerResponse,
  params: Record<string, string>,
): Promise<void> {
  const session = ctx.registry.owned(authenticate(ctx, req), params.sid);
  if (!session) throw sessionNotFound();
  touch(session);
  if (!(header(req, 'content-type') ?? '').toLowerCase().startsWith('multipart/')) {
    req.resume();
    throw envelopeError(4001, 'The local engine takes files, not URLs: send the file itself.');
  }
  const limit = ctx.settings.maxUploadBytes;
  const declared = Number(header(req, 'content-length'));
  try {
    await ctx.data.makeRoom(Number.isFinite(declared) ? declared : 0, evictables(ctx, session.sessionId));
  } catch (error) {
    req.resume();
    if (error instanceof StorageFullError) throw tooLarge(Math.min(limit, error.limitBytes));
    throw error;
  }
  let saved: Saved[];
  try {
    saved = await receive(req, ctx.data.uploads, limit);
  } catch (error) {
    if (error instanceof TooLarge) throw tooLarge(limit);
    if (error instanceof Unsupported) throw unsupported(error.filename);
    throw detailError(422, 'Malformed multipart body');
  }
  if (saved.length === 0)
    throw detailError(422, [{ loc: ['body', 'files'], msg: 'Field required', type: 'missing' }]);

  const probed = await Promise.all(saved.map((file) => probeMedia(file.path, file.filename)));
  const rejected = saved.findIndex((_, i) => !probed[i]);
  if (rejected !== -1) {
    await Promise.all(saved.map((file) => rm(file.path, { force: true })));
    throw unsupported(saved[rejected]!.filename);
  }
  const files = await exclusive(session, async () =>
    saved.map((file, i) => {
      const media = probed[i]!;
      const ext = extensionOf(file.filename);
      const entry: MediaFile = {
        id: `${unguessable()}.${ext}`,
        name: file.filename,
        path: file.path,
        kind: media.kind,
        mime: ACCEPTED[ext]?.mime ?? 'application/octet-stream',
        sizeBytes: file.sizeBytes,
        hash: file.hash,
        hasAudio: media.hasAudio,
        ...(media.durationMs !== undefined && { durationMs: media.durationMs }),
        ...(media.width !== undefined && { width: media.width }),
        ...(media.height !== undefined && { height: media.height }),
        ...(media.fps !== undefined && { fps: media.fps }),
      };
      session.files.set(entry.id, entry);
      place(session, entry);
      layout(session.draft);
      return entry;
    }),
  );
  ctx.log.info({ sessionId: session.sessionId, files: files.length }, 'local engine: files received');
  sendOk(res, { files: files.map((file) => fileInfo(ctx, file)), session_state_applied: true });
}

/** Puts a new file on the timeline. */
function place(session: Session, file: MediaFile): void {
  const draft = session.draft;
  const label = file.name.replace(/\.[^.]+$/, '');
  if (file.kind === 'audio') {
    music(draft).splice(0, 1, { n: label, src: file.id, v: 1, fi: 0, fo: 0, s: 0, e: file.durationMs ?? 0 });
    return;
  }
  if (file.kind === 'image' && LOGO_NAME.test(file.name)) {
    overlays(draft).splice(0, 1, { n: label, src: file.id, len: 3000, s: 0, e: 0 });
    return;
  }
  if (visuals(draft).length === 0 && !draft.m.aspect) frameFrom(draft, file);
  const lengthMs = file.kind === 'image' ? IMAGE_MS : (file.durationMs ?? 0);
  visuals(draft).push({
    n: label,
    src: file.id,
    ...(file.kind === 'image' && { img: 1 as const, kb: 1 as const }),
    i: 0,
    o: lengthMs,
    sp: 1,
    s: 0,
    e: 0,
  });
}

/** Until told otherwise, the output keeps the first clip's shape, at most 1080p and never upscaled. */
function frameFrom(draft: EngineDraft, file: MediaFile): void {
  if (!file.width || !file.height) return;
  const portrait = file.height > file.width;
  const [maxW, maxH] = portrait ? [1080, 1920] : [1920, 1080];
  const scale = Math.min(1, maxW / file.width, maxH / file.height);
  draft.m.width = Math.max(2, Math.round((file.width * scale) / 2) * 2);
  draft.m.height = Math.max(2, Math.round((file.height * scale) / 2) * 2);
}

/** Saves every `files` part to `dir`; stops reading at the first problem and removes what it wrote. */
function receive(req: IncomingMessage, dir: string, limit: number): Promise<Saved[]> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, defParamCharset: 'utf8', limits: { fileSize: limit + 1 } });
    } catch (error) {
      reject(error);
      return;
    }
    const saves: Array<Promise<Saved>> = [];
    const abort = new AbortController();
    let failed = false;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      abort.abort();
      req.unpipe(parser);
      req.resume();
      void Promise.allSettled(saves).then((results) =>
        Promise.all(
          results.map((r) => (r.status === 'fulfilled' ? rm(r.value.path, { force: true }) : undefined)),
        ),
      );
      reject(error);
    };
    parser.on('file', (field, stream, info) => {
      const filename = basename(info.filename || 'upload');
      if (field !== 'files' || failed) {
        stream.resume();
        return;
      }
      if (!(extensionOf(filename) in ACCEPTED)) {
        stream.resume();
        fail(new Unsupported(filename));
        return;
      }
      const save = saveFile(
        stream,
        filename,
        join(dir, `${unguessable()}.${extensionOf(filename)}`),
        limit,
        abort.signal,
      );
      save.catch(fail);
      saves.push(save);
    });
    parser.on('error', fail);
    parser.on('close', () => {
      Promise.all(saves).then((files) => {
        if (!failed) resolve(files);
      }, fail);
    });
    req.pipe(parser);
  });
}

async function saveFile(
  source: Readable,
  filename: string,
  path: string,
  limit: number,
  signal: AbortSignal,
): Promise<Saved> {
  const hash = createHash('sha256');
  let sizeBytes = 0;
  try {
    await pipeline(
      source,
      async function* count(chunks: AsyncIterable<Buffer>) {
        for await (const chunk of chunks) {
          sizeBytes += chunk.length;
          if (sizeBytes > limit) throw new TooLarge();
          hash.update(chunk);
          yield chunk;
        }
      },
      createWriteStream(path),
      { signal },
    );
  } catch (error) {
    await rm(path, { force: true });
    throw error;
  }
  return { filename, path, sizeBytes, hash: hash.digest('hex') };
}
