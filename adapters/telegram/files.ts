import { createReadStream } from 'node:fs';
import { isAbsolute } from 'node:path';
import type { Readable } from 'node:stream';
import type { Api } from 'grammy';
import { request } from 'undici';
import type { ChatPort } from '../../src/messages.js';

const MB = 1024 * 1024;
const CLOUD_HOST = 'api.telegram.org';

/**
 * Whether `apiRoot` looks like a self-hosted `telegram-bot-api --local` server: anything but the cloud host.
 * A guess from the URL only, so callers that know better (a proxy in front of the cloud, a test double on
 * loopback playing the cloud) say so explicitly instead.
 */
export function isLocalBotApi(apiRoot: string): boolean {
  return new URL(apiRoot).hostname !== CLOUD_HOST;
}

/**
 * What the Bot API lets a bot move: the cloud server caps downloads at 20 MB and uploads at 50 MB; a
 * self-hosted `telegram-bot-api --local` server lifts both to 2000 MB.
 */
export function telegramLimits(apiRoot: string, localServer = isLocalBotApi(apiRoot)): ChatPort['limits'] {
  return {
    maxDownloadBytes: (localServer ? 2000 : 20) * MB,
    maxUploadBytes: (localServer ? 2000 : 50) * MB,
    maxTextLength: 4096,
  };
}

/** Opens a stream of a Telegram file by its file_id. */
export type OpenTelegramFile = (fileId: string, signal?: AbortSignal) => Promise<Readable>;

/** The download failed; the message never contains the URL, because the URL contains the bot token. */
export class TelegramDownloadError extends Error {
  override name = 'TelegramDownloadError';
}

/**
 * getFile, then stream the bytes: over HTTP from `<apiRoot>/file/bot<token>/<file_path>`, or straight from
 * disk when a local Bot API server answers with an absolute path (it stores files next to itself).
 */
export function createFileOpener(api: Api, token: string, apiRoot: string): OpenTelegramFile {
  return async (fileId, signal) => {
    // grammY types its signal with the abort-controller polyfill; Node's AbortSignal is what it uses at run time.
    const file = await api.getFile(fileId, signal as Parameters<Api['getFile']>[1]);
    if (!file.file_path) throw new TelegramDownloadError('Telegram gave no path for this file');
    if (isAbsolute(file.file_path)) return createReadStream(file.file_path);
    const response = await request(`${apiRoot}/file/bot${token}/${file.file_path}`, { signal }).catch(
      (error: unknown) => {
        throw new TelegramDownloadError(`Telegram file download failed: ${(error as Error).name}`);
      },
    );
    if (response.statusCode !== 200) {
      await response.body.dump();
      throw new TelegramDownloadError(`Telegram file download failed with HTTP ${response.statusCode}`);
    }
    return response.body;
  };
}
