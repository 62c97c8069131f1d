import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { authenticate, ownedSession } from './auth.js';
import type { RequestContext } from './context.js';
import { addAudio, appendVisual } from './draft.js';
import { ApiReply, detailError, header, readJsonBody, requireObject, sendOk } from './http.js';
import { receiveMultipart, UploadRejected } from './multipart.js';
import { ACCEPTED_TYPES, extensionOf, probeUpload } from './probe.js';
import { FileTooLargeError, type SavedFile } from './save-to-disk.js';
import type { EmulatedSession, UploadedFile } from './types.js';
import { fetchToDisk, UrlNotFetchable } from './url-source.js';

const MB = 1024 * 1024;
/** nemo-video-gen's documented limit is lower than the others'. */
const SKILL_UPLOAD_CAPS: Record<string, number> = { 'nemo-video-gen': 200 * MB };
const IMAGE_SEGMENT_MS = 5000;
const ACCEPTED_LIST = Object.keys(ACCEPTED_TYPES).join(', ');

function uploadLimit(ctx: RequestContext): number {
  const cap = SKILL_UPLOAD_CAPS[header(ctx.req, 'x-skill-source') ?? ''] ?? Number.POSITIVE_INFINITY;
  return Math.min(ctx.state.options.maxUploadBytes, cap);
}

/**
 * 4001/4002 answers. When the body was not read to its end, the connection is closed after the
 * answer so the client stops sending.
 */
function uploadError(error: unknown, limitBytes: number, bodyUnread: boolean): unknown {
  const reply = (code: number, message: string) =>
    new ApiReply(200, { code, message, data: null }, bodyUnread);
  if (error instanceof FileTooLargeError) {
    return reply(
      4002,
      `File too large: the limit is ${Math.floor(limitBytes / MB)} MB (${limitBytes} bytes)`,
    );
  }
  if (error instanceof UploadRejected && error.reason === 'unsupported') {
    return reply(4001, `Unsupported file type: ${error.filename}. Accepted: ${ACCEPTED_LIST}`);
  }
  if (error instanceof UploadRejected) return detailError(422, 'Malformed multipart body');
  if (error instanceof UrlNotFetchable) return reply(4001, `Could not fetch the URL: ${error.message}`);
  return error;
}

async function receiveUrls(ctx: RequestContext, limitBytes: number): Promise<SavedFile[]> {
  const body = await readJsonBody(ctx.req);
  if (body.ok) ctx.record.body = body.value;
  const { urls } = requireObject(body);
  if (!Array.isArray(urls) || urls.length === 0 || !urls.every((u) => typeof u === 'string')) {
    throw detailError(422, [{ loc: ['body', 'urls'], msg: 'a non-empty list of URLs', type: 'value_error' }]);
  }
  const saved: SavedFile[] = [];
  try {
    for (const url of urls)
      saved.push(await fetchToDisk(url, ctx.state.tmpDir, limitBytes, ctx.state.lifetime.signal));
  } catch (error) {
    await Promise.all(saved.map((f) => rm(f.path, { force: true })));
    throw error;
  }
  return saved;
}

/** POST /api/upload-video/nemo_agent/me/<sid>: multipart `files` or JSON `{urls, source_type:"url"}`. */
export async function upload(ctx: RequestContext): Promise<void> {
  const session = ownedSession(ctx, authenticate(ctx), ctx.params.sid);
  const limitBytes = uploadLimit(ctx);
  ctx.record.bodyBytes = 0;
  ctx.req.on('data', (chunk: Buffer) => {
    ctx.record.bodyBytes = (ctx.record.bodyBytes ?? 0) + chunk.length;
  });
  const multipart = (header(ctx.req, 'content-type') ?? '').toLowerCase().startsWith('multipart/');
  let saved: SavedFile[];
  try {
    saved = multipart
      ? await receiveMultipart(ctx.req, ctx.state.tmpDir, limitBytes)
      : await receiveUrls(ctx, limitBytes);
  } catch (error) {
    throw uploadError(error, limitBytes, multipart);
  }
  if (saved.length === 0) {
    throw detailError(422, [{ loc: ['body', 'files'], msg: 'Field required', type: 'missing' }]);
  }

  const probed = await Promise.all(saved.map((f) => probeUpload(f.path, f.filename)));
  const rejected = saved.find((_, i) => !probed[i]);
  if (rejected) {
    await Promise.all(saved.map((f) => rm(f.path, { force: true })));
    throw uploadError(new UploadRejected('unsupported', rejected.filename), limitBytes, false);
  }
  const files = saved.map((file, i) => publish(ctx, session, file, probed[i]!));
  sendOk(ctx.res, {
    files: files.map(fileInfo),
    session_state_applied: true,
  });
}

/** An uploaded file as the backend describes it, in upload answers and in the state's video_infos. */
export function fileInfo(f: UploadedFile) {
  return {
    filename: f.filename,
    file_type: f.fileType,
    cdn_url: f.cdnUrl,
    duration: f.durationSec ?? null,
    width: f.width ?? null,
    height: f.height ?? null,
    fps: f.fps ?? null,
    hash: f.hash,
  };
}

/** Serves the file from the "CDN" and puts it on the session's timeline. */
function publish(
  ctx: RequestContext,
  session: EmulatedSession,
  file: SavedFile,
  media: NonNullable<Awaited<ReturnType<typeof probeUpload>>>,
): UploadedFile {
  const ext = extensionOf(file.filename);
  const name = `up_${randomUUID().slice(0, 12)}.${ext}`;
  ctx.state.media.add(name, {
    contentType: ACCEPTED_TYPES[ext]?.mime ?? 'application/octet-stream',
    locate: async () => file.path,
  });
  const uploaded: UploadedFile = {
    filename: file.filename,
    fileType: media.kind,
    cdnUrl: `${ctx.state.url}/media/${name}`,
    sizeBytes: file.sizeBytes,
    durationSec: media.durationSec,
    width: media.width,
    height: media.height,
    fps: media.fps,
    hash: file.hash,
  };
  session.uploads.push(uploaded);
  const label = file.filename.replace(/\.[^.]+$/, '');
  const durationMs = Math.round((media.durationSec ?? 0) * 1000);
  if (media.kind === 'audio') addAudio(session.draft, label, durationMs);
  else
    appendVisual(session.draft, label, media.kind === 'image' ? IMAGE_SEGMENT_MS : durationMs, {
      src: uploaded.cdnUrl,
    });
  return uploaded;
}
