import { open } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { Readable } from 'node:stream';
import { type Api, GrammyError, HttpError } from 'grammy';
import { request } from 'undici';
import { AttachmentUnavailableError, type ChatPort } from '../../src/messages.js';

const MB = 1024 * 1024;
/** The cloud Bot API's getFile limit: the one a "file is too big" answer means. */
const CLOUD_DOWNLOAD_BYTES = 20 * MB;

/**
 * What the Bot API lets a bot move: the cloud server caps downloads at 20 MB and uploads at 50 MB; a
 * self-hosted `telegram-bot-api --local` server lifts both to 2000 MB. Only the operator can say which one
 * the API root is (TELEGRAM_LOCAL_BOT_API): a proxy or mirror of the cloud looks local from its host.
 */
export function telegramLimits(localServer: boolean): ChatPort['limits'] {
  return {
    maxDownloadBytes: localServer ? 2000 * MB : CLOUD_DOWNLOAD_BYTES,
    maxUploadBytes: (localServer ? 2000 : 50) * MB,
    maxTextLength: 4096,
  };
}

/** Opens a stream of a Telegram file by its file_id. */
export type OpenTelegramFile = (fileId: string, signal?: AbortSignal) => Promise<Readable>;

/**
 * Any Bot API refusal to hand over a file, as the core's AttachmentUnavailableError: "file is too big"
 * (the cloud's 20 MB, whatever we assumed), or "invalid file_id", "wrong file_id or the file is temporarily
 * unavailable", "file not found", a download that failed or vanished. The message never has a URL: URLs
 * hold the token.
 */
function fileError(error: unknown, during: string): AttachmentUnavailableError {
  if (error instanceof AttachmentUnavailableError) return error;
  if (error instanceof GrammyError) {
    return /file is too big/i.test(error.description)
      ? new AttachmentUnavailableError('too-large', `${during}: ${error.description}`, CLOUD_DOWNLOAD_BYTES)
      : new AttachmentUnavailableError('unavailable', `${during}: ${error.description}`);
  }
  const code = (error as { code?: unknown })?.code;
  const cause = error instanceof HttpError ? 'network error' : (error as Error)?.name;
  return new AttachmentUnavailableError(
    'unavailable',
    `${during} failed: ${typeof code === 'string' ? code : (cause ?? 'error')}`,
  );
}

/** The stream's bytes, with an error on the way (a cut connection, a failed read) as a file error. */
function readingAsFile(stream: Readable, during: string, signal?: AbortSignal): Readable {
  async function* chunks() {
    try {
      for await (const chunk of stream) yield chunk as Buffer;
    } catch (error) {
      if (signal?.aborted) throw error;
      throw fileError(error, during);
    }
  }
  return Readable.from(chunks(), { objectMode: false });
}

/**
 * getFile, then stream the bytes: over HTTP from `<apiRoot>/file/bot<token>/<file_path>`, or straight from
 * disk when a local Bot API server answers with an absolute path (it stores files next to itself).
 */
export function createFileOpener(api: Api, token: string, apiRoot: string): OpenTelegramFile {
  return async (fileId, signal) => {
    // grammY types its signal with the abort-controller polyfill; Node's AbortSignal is what it uses at run time.
    const file = await api
      .getFile(fileId, signal as Parameters<Api['getFile']>[1])
      .catch((error: unknown) => {
        // Our own abort (a cancelled job) is not the file's fault.
        if (signal?.aborted) throw error;
        throw fileError(error, 'getFile');
      });
    if (!file.file_path) throw new AttachmentUnavailableError('unavailable', 'getFile gave no file_path');
    if (isAbsolute(file.file_path)) {
      // Opened here, so a file that vanished from the server's disk fails now, not in the middle of a read.
      const handle = await open(file.file_path).catch((error: unknown) => {
        throw fileError(error, 'reading the local Bot API file');
      });
      return readingAsFile(handle.createReadStream(), 'reading the local Bot API file', signal);
    }
    const response = await request(`${apiRoot}/file/bot${token}/${file.file_path}`, { signal }).catch(
      (error: unknown) => {
        if (signal?.aborted) throw error;
        throw fileError(error, 'file download');
      },
    );
    if (response.statusCode !== 200) {
      await response.body.dump();
      throw new AttachmentUnavailableError(
        'unavailable',
        `file download answered HTTP ${response.statusCode}`,
      );
    }
    return readingAsFile(response.body, 'file download', signal);
  };
}
