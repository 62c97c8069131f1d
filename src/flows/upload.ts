/**
 * Files the user sent → the backend. Each file is checked before a byte goes out: its declared size against
 * the limit (before opening it at all), then its first bytes against the accepted formats (a renamed
 * executable stays here). The accepted files then stream, peeked bytes first, into one upload call, with a
 * byte count that stops a file of undeclared size at the limit.
 */
import { Readable } from 'node:stream';
import { fileTypeFromBuffer } from 'file-type';
import { safeFileName } from '../file-names.js';
import { type Attachment, AttachmentUnavailableError } from '../messages.js';
import type { UploadSource } from '../nemo/index.js';
import { type AcceptedExtension, acceptedExtensionOf, formatAcceptedList } from '../profiles.js';
import { editQuietly, type FlowContext, firstExample, nextStepButtons, reply } from './context.js';
import { describeFailure } from './error-messages.js';

/** How many bytes `file-type` needs to recognise every format it knows. */
const SNIFF_BYTES = 4100;

interface CheckedFile {
  attachment: Attachment;
  name: string;
  mimeType: string;
  head: Buffer;
  /** The first stream, already started; later opens (the client's one retry) start from scratch. */
  body: AsyncIterator<Buffer>;
}

/** Raised inside the byte stream when a file grows past the limit; the flow turns it into a message. */
class OverLimitError extends Error {
  override name = 'OverLimitError';
}

/** Uploads what it can and says so. True when at least one file reached the backend. */
export async function uploadFlow(
  ctx: FlowContext,
  attachments: readonly Attachment[],
  options: { followedByEdit?: boolean } = {},
): Promise<boolean> {
  const limit = Math.min(ctx.profile.maxUploadBytes, ctx.port.limits.maxDownloadBytes);
  const platformLimited = ctx.port.limits.maxDownloadBytes < ctx.profile.maxUploadBytes;
  const accepted: CheckedFile[] = [];
  try {
    for (const attachment of attachments.map(withSafeName)) {
      const checked = await checkFile(ctx, attachment, limit, platformLimited);
      if (checked) accepted.push(checked);
    }
    if (accepted.length === 0) return false;
    return await send(ctx, accepted, {
      limit,
      platformLimited,
      followedByEdit: options.followedByEdit ?? false,
    });
  } finally {
    // Streams of refused files, or of files whose upload failed early, must not stay open.
    for (const file of accepted) await file.body.return?.();
  }
}

async function checkFile(
  ctx: FlowContext,
  attachment: Attachment,
  limit: number,
  platformLimited: boolean,
): Promise<CheckedFile | undefined> {
  const { t } = ctx;
  if (attachment.size !== undefined && attachment.size > limit) {
    await reply(ctx, t.uploadTooLarge(attachment.name, limit, platformLimited));
    return undefined;
  }
  if (attachment.size === 0) {
    await reply(ctx, t.uploadEmpty(attachment.name));
    return undefined;
  }
  let body: AsyncIterator<Buffer> | undefined;
  let head: Buffer;
  try {
    body = byteChunks(await attachment.open(ctx.signal));
    head = await readHead(body, SNIFF_BYTES);
  } catch (error) {
    await body?.return?.().catch(() => undefined);
    if (!(error instanceof AttachmentUnavailableError)) throw error;
    await reply(ctx, unavailableText(ctx, attachment.name, error, limit));
    return undefined;
  }
  if (head.length === 0) {
    await body.return?.();
    await reply(ctx, t.uploadEmpty(attachment.name));
    return undefined;
  }
  const sniffed = await fileTypeFromBuffer(head);
  const extension = sniffed && acceptedExtensionOf(`.${sniffed.ext}`);
  if (!sniffed || !extension || !ctx.profile.acceptedExtensions.includes(extension)) {
    await body.return?.();
    ctx.log.info(
      { file: attachment.name, sniffed: sniffed?.mime ?? 'unknown' },
      'refused a file that is not accepted media',
    );
    await reply(
      ctx,
      t.uploadNotAccepted(attachment.name, formatAcceptedList(ctx.profile.acceptedExtensions)),
    );
    return undefined;
  }
  return {
    attachment,
    name: nameWithExtension(attachment.name, extension),
    mimeType: sniffed.mime,
    head,
    body,
  };
}

interface SendOptions {
  limit: number;
  platformLimited: boolean;
  /** The files came with an instruction that runs next, so no "tell me what to do" hint. */
  followedByEdit: boolean;
}

async function send(ctx: FlowContext, files: CheckedFile[], options: SendOptions): Promise<boolean> {
  const { t } = ctx;
  const { limit, platformLimited } = options;
  const status = await reply(ctx, t.uploading(files.length));
  await ctx.port.showAction(ctx.chat, 'typing').catch(() => undefined);
  const overLimit = new Set<string>();
  // Files the platform stopped handing over mid-upload (or on a retry's reopen), by the user's name.
  const unavailable = new Map<string, AttachmentUnavailableError>();
  const note = (name: string, error: unknown) => {
    if (error instanceof AttachmentUnavailableError && !unavailable.has(name)) unavailable.set(name, error);
  };
  const sources: UploadSource[] = files.map((file) => {
    let opened = 0;
    return {
      name: file.name,
      mimeType: file.mimeType,
      size: file.attachment.size,
      open: async (signal?: AbortSignal) => {
        // The first open continues the stream already peeked; a retry reads the file again from the start.
        const chunks =
          opened++ === 0
            ? prepend(file.head, file.body)
            : byteChunks(
                await file.attachment.open(signal ?? ctx.signal).catch((error: unknown) => {
                  note(file.attachment.name, error);
                  throw error;
                }),
              );
        return Readable.from(
          noting(
            capped(chunks, limit, () => overLimit.add(file.name)),
            (error) => note(file.attachment.name, error),
          ),
          { objectMode: false },
        );
      },
    };
  });
  try {
    const result = await ctx.nemo.uploadFiles(ctx.conn, sources, { signal: ctx.signal });
    const bytes = files.reduce((sum, f) => sum + (f.attachment.size ?? 0), 0);
    ctx.metrics?.uploadBytes.inc({ platform: ctx.port.platform }, bytes);
    const received = files.map((file, i) => {
      const info = result.files[i];
      return {
        name: file.attachment.name,
        durationSec: info?.durationSec,
        width: info?.width,
        height: info?.height,
      };
    });
    const followUp = options.followedByEdit ? '' : `\n${t.afterUpload(firstExample(ctx))}`;
    await editQuietly(ctx, status.id, t.uploaded(received) + followUp, nextStepButtons(t, true));
    return true;
  } catch (error) {
    const [tooBig] = overLimit;
    const [gone] = unavailable;
    const text =
      tooBig !== undefined
        ? t.uploadTooLarge(tooBig, limit, platformLimited)
        : gone !== undefined
          ? unavailableText(ctx, gone[0], gone[1], limit)
          : await describeFailure(ctx, error);
    await editQuietly(ctx, status.id, text);
    return false;
  }
}

/**
 * What to say about a file the platform would not hand over: too big to fetch there (its limit, when known),
 * or gone or unavailable, so the user sends it again. Never an apology: it is not our failure.
 */
function unavailableText(
  ctx: FlowContext,
  name: string,
  error: AttachmentUnavailableError,
  limit: number,
): string {
  ctx.log.info(
    { file: name, reason: error.reason, err: error.message },
    'the platform did not hand over a file',
  );
  return error.reason === 'too-large'
    ? ctx.t.uploadTooLarge(name, Math.min(limit, error.limitBytes ?? limit), true)
    : ctx.t.uploadUnavailable(name);
}

/**
 * The attachment under a name safe to show, to send to the backend and to log: a name is the user's text
 * (path tricks, control characters, right-to-left marks, 300 characters).
 */
function withSafeName(attachment: Attachment): Attachment {
  const name = safeFileName(attachment.name, `${attachment.kind}.bin`);
  return name === attachment.name ? attachment : { ...attachment, name };
}

/** Keeps the user's name but makes its extension match the bytes, as the backend checks both. */
function nameWithExtension(name: string, extension: AcceptedExtension): string {
  if (acceptedExtensionOf(name) === extension) return name;
  const base = name.replace(/\.[^./\\]*$/, '') || 'file';
  return `${base}.${extension}`;
}

/** A stream's chunks as Buffers, through one iterator that can be paused after peeking and resumed. */
function byteChunks(stream: NodeJS.ReadableStream | Readable): AsyncIterator<Buffer> {
  const source = (stream as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
  return {
    async next() {
      const r = await source.next();
      return r.done
        ? r
        : { done: false, value: typeof r.value === 'string' ? Buffer.from(r.value) : r.value };
    },
    async return() {
      await source.return?.();
      return { done: true, value: undefined };
    },
  };
}

/** Reads at least `bytes` (or the whole file, if smaller) and returns what was read. */
async function readHead(chunks: AsyncIterator<Buffer>, bytes: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let total = 0;
  while (total < bytes) {
    const r = await chunks.next();
    if (r.done) break;
    parts.push(r.value);
    total += r.value.length;
  }
  return Buffer.concat(parts);
}

async function* prepend(head: Buffer, rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  yield head;
  for (let r = await rest.next(); !r.done; r = await rest.next()) yield r.value;
}

/** Passes chunks through, telling `onError` of an error on its way out. */
async function* noting(chunks: AsyncIterable<Buffer>, onError: (error: unknown) => void) {
  try {
    yield* chunks;
  } catch (error) {
    onError(error);
    throw error;
  }
}

/** Passes bytes through until the total passes `limit`, then fails the stream (and so the upload). */
async function* capped(
  chunks: AsyncIterator<Buffer> | AsyncGenerator<Buffer>,
  limit: number,
  onOver: () => void,
) {
  let total = 0;
  try {
    for (let r = await chunks.next(); !r.done; r = await chunks.next()) {
      total += r.value.length;
      if (total > limit) {
        onOver();
        throw new OverLimitError(`file exceeds ${limit} bytes`);
      }
      yield r.value;
    }
  } finally {
    await chunks.return?.(undefined);
  }
}
