import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { basename, join } from 'node:path';
import busboy from 'busboy';
import { extensionOf, hasAcceptedExtension } from './probe.js';
import { type SavedFile, saveToDisk } from './save-to-disk.js';

/** Why a multipart upload stopped before its body was read to the end. */
export class UploadRejected extends Error {
  constructor(
    readonly reason: 'unsupported' | 'malformed',
    readonly filename?: string,
  ) {
    super(`upload rejected: ${reason}`);
  }
}

/**
 * Saves every part of field `files` to `dir`. On the first problem (a file over the limit, a name
 * with an extension that is not accepted, a broken body) it stops reading the request at once and
 * rejects; the files it already wrote are removed.
 */
export function receiveMultipart(
  req: IncomingMessage,
  dir: string,
  limitBytes: number,
): Promise<SavedFile[]> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      // One byte over the limit reaches saveToDisk, which is what reports "too large".
      // RFC 7578 filenames are UTF-8; busboy's default latin1 would garble non-ASCII names.
      parser = busboy({
        headers: req.headers,
        defParamCharset: 'utf8',
        limits: { fileSize: limitBytes + 1 },
      });
    } catch {
      reject(new UploadRejected('malformed'));
      return;
    }
    const abort = new AbortController();
    const saves: Array<Promise<SavedFile>> = [];
    let failed = false;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      req.unpipe(parser);
      req.pause();
      abort.abort();
      void Promise.allSettled(saves).then(async (results) => {
        for (const r of results) if (r.status === 'fulfilled') await rm(r.value.path, { force: true });
      });
      reject(error);
    };

    parser.on('file', (field, stream, info) => {
      if (field !== 'files' || failed) {
        stream.resume();
        return;
      }
      const filename = basename(info.filename || 'upload');
      if (!hasAcceptedExtension(filename)) {
        stream.resume();
        fail(new UploadRejected('unsupported', filename));
        return;
      }
      const path = join(dir, `${randomUUID()}.${extensionOf(filename)}`);
      const save = saveToDisk(stream, filename, path, limitBytes, abort.signal);
      save.catch(fail);
      saves.push(save);
    });
    parser.on('error', () => fail(new UploadRejected('malformed')));
    parser.on('close', () => {
      Promise.all(saves).then((files) => {
        if (!failed) resolve(files);
      }, fail);
    });
    req.pipe(parser);
  });
}
