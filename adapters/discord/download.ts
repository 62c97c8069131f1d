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

export interface Download {
  body: Readable;
  /** Content-Length when the server sent one. */
  length?: number;
}

/** Starts a streaming GET; the caller reads or destroys `body`. */
export async function download(url: string, signal?: AbortSignal): Promise<Download> {
  const response = await request(url, { dispatcher, signal });
  if (response.statusCode !== 200) {
    response.body.destroy();
    throw new DownloadError(response.statusCode);
  }
  const length = Number(response.headers['content-length']);
  return { body: response.body, length: Number.isFinite(length) ? length : undefined };
}
