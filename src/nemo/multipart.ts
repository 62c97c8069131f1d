/**
 * A multipart/form-data body written as it is sent, so memory stays flat whatever the file size: part
 * headers, then each file's bytes piped through, then the closing boundary. With every size known the
 * exact Content-Length is computed up front; otherwise the request goes out chunked.
 */
import { randomBytes } from 'node:crypto';
import type { StreamedBody } from './http.js';
import type { UploadSource } from './types.js';

const CRLF = '\r\n';
const encoder = new TextEncoder();

/**
 * A quoted-string value for Content-Disposition. RFC 7578 §4.2 leaves escaping to the WHATWG form rules:
 * `"`, CR and LF are percent-encoded; other characters, non-ASCII included, go as UTF-8.
 */
export function quoteParam(value: string): string {
  return `"${value.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}"`;
}

function partHeader(boundary: string, field: string, file: UploadSource): Uint8Array {
  // A MIME type with a line break would inject a header; keep only its first line.
  const mimeType = file.mimeType.split(/[\r\n]/)[0]?.trim() || 'application/octet-stream';
  return encoder.encode(
    `--${boundary}${CRLF}` +
      `Content-Disposition: form-data; name=${quoteParam(field)}; filename=${quoteParam(file.name)}${CRLF}` +
      `Content-Type: ${mimeType}${CRLF}${CRLF}`,
  );
}

function toBytes(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk);
  throw new TypeError('an upload source yielded a chunk that is neither bytes nor a string');
}

export interface MultipartOptions {
  /** Form field of every file; the backend reads `files`, repeated. */
  field?: string;
  boundary?: string;
  signal?: AbortSignal;
  /** File bytes sent so far, over all files of this attempt. */
  onProgress?(bytesSent: number): void;
}

export function multipartBody(files: readonly UploadSource[], options: MultipartOptions = {}): StreamedBody {
  const field = options.field ?? 'files';
  const boundary = options.boundary ?? `----NemoVideoForm${randomBytes(12).toString('hex')}`;
  const headers = files.map((file) => partHeader(boundary, field, file));
  const closing = encoder.encode(`--${boundary}--${CRLF}`);
  const crlf = encoder.encode(CRLF);

  const sizes = files.map((f) => f.size);
  const allKnown = sizes.every((s): s is number => typeof s === 'number');
  const contentLength = allKnown
    ? headers.reduce((sum, h, i) => sum + h.byteLength + sizes[i]! + crlf.byteLength, closing.byteLength)
    : undefined;

  async function* stream(onChunk: () => void): AsyncGenerator<Uint8Array> {
    let sent = 0;
    for (const [i, file] of files.entries()) {
      yield headers[i]!;
      let fileBytes = 0;
      const source = (await file.open(options.signal)) as AsyncIterable<unknown>;
      for await (const chunk of source) {
        const bytes = toBytes(chunk);
        fileBytes += bytes.byteLength;
        sent += bytes.byteLength;
        onChunk();
        options.onProgress?.(sent);
        yield bytes;
      }
      if (file.size !== undefined && fileBytes !== file.size) {
        // The Content-Length promised the declared size; sending a different count would corrupt the body.
        throw new Error(`upload source "${file.name}" gave ${fileBytes} bytes, declared ${file.size}`);
      }
      yield crlf;
    }
    yield closing;
  }

  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    ...(contentLength !== undefined && { contentLength }),
    stream,
  };
}
