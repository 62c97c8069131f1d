import { randomUUID } from 'node:crypto';
import { basename, extname, join } from 'node:path';
import { request } from 'undici';
import { extensionForMime, extensionOf } from './probe.js';
import { FileTooLargeError, type SavedFile, saveToDisk } from './save-to-disk.js';

/** The emulator never reaches outside hosts: URL uploads must point at this machine. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export class UrlNotFetchable extends Error {}

/** Downloads one URL into `dir` as the backend would when given `{urls:[…]}`. */
export async function fetchToDisk(
  url: string,
  dir: string,
  limitBytes: number,
  signal: AbortSignal,
): Promise<SavedFile> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UrlNotFetchable(`not a URL: ${url}`);
  }
  if (!LOOPBACK_HOSTS.has(parsed.hostname) || !/^https?:$/.test(parsed.protocol)) {
    throw new UrlNotFetchable(`the emulator only fetches loopback URLs: ${parsed.host}`);
  }
  const answer = await request(parsed, { signal }).catch((error: unknown) => {
    throw new UrlNotFetchable(`fetch failed: ${String(error)}`);
  });
  if (answer.statusCode !== 200) {
    await answer.body.dump();
    throw new UrlNotFetchable(`fetch answered HTTP ${answer.statusCode}`);
  }
  const declared = Number(answer.headers['content-length']);
  if (declared > limitBytes) {
    answer.body.destroy();
    throw new FileTooLargeError(limitBytes);
  }
  let filename = decodeURIComponent(basename(parsed.pathname)) || 'download';
  if (!extname(filename)) {
    const contentType = answer.headers['content-type'];
    const ext = extensionForMime(Array.isArray(contentType) ? contentType[0] : contentType);
    if (ext) filename += `.${ext}`;
  }
  const path = join(dir, `${randomUUID()}.${extensionOf(filename) || 'bin'}`);
  return saveToDisk(answer.body, filename, path, limitBytes, signal);
}
