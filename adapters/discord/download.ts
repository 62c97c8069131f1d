import type { Readable } from 'node:stream';
import { Agent, interceptors, request } from 'undici';

/** A CDN answered with something other than the file (expired link, 404, 5xx). */
export class DownloadError extends Error {
  override name = 'DownloadError';
  constructor(readonly status: number) {
    super(`download failed with HTTP ${status}`);
  }
}

// CDNs (and the backend's video links) may redirect to signed storage URLs.
const dispatcher = new Agent().compose(interceptors.redirect({ maxRedirections: 3 }));

/**
 * Stops a download the caller will not read. undici reports a body destroyed before its end as an
 * 'error' event ("Request aborted"); with no listener that is an uncaught exception that ends the process.
 */
export function discard(body: Readable): void {
  body.on('error', () => undefined);
  body.destroy();
}

export interface Download {
  body: Readable;
  /** Content-Length when the server sent one. */
  length?: number;
}

/** Starts a streaming GET; the caller reads or destroys `body`. */
export async function download(url: string, signal?: AbortSignal): Promise<Download> {
  const response = await request(url, { dispatcher, signal });
  if (response.statusCode !== 200) {
    discard(response.body);
    throw new DownloadError(response.statusCode);
  }
  const length = Number(response.headers['content-length']);
  return { body: response.body, length: Number.isFinite(length) ? length : undefined };
}
