import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export class FileTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`file is larger than ${limitBytes} bytes`);
  }
}

export interface SavedFile {
  filename: string;
  path: string;
  sizeBytes: number;
  /** sha256, hex. */
  hash: string;
}

/**
 * Streams to a file with backpressure (memory stays flat for any size), hashing as it goes, and
 * fails with FileTooLargeError the moment the limit is crossed. A failed file is removed.
 */
export async function saveToDisk(
  source: Readable,
  filename: string,
  path: string,
  limitBytes: number,
  signal?: AbortSignal,
): Promise<SavedFile> {
  const hash = createHash('sha256');
  let sizeBytes = 0;
  try {
    await pipeline(
      source,
      async function* countAndHash(chunks: AsyncIterable<Buffer>) {
        for await (const chunk of chunks) {
          sizeBytes += chunk.length;
          if (sizeBytes > limitBytes) throw new FileTooLargeError(limitBytes);
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
