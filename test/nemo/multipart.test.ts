import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import busboy from 'busboy';
import { afterEach, describe, expect, it } from 'vitest';
import { NemoClient, quoteParam, type UploadSource } from '../../src/nemo/index.js';
import { fakeSession, type RawServer, startRawServer } from './helpers.js';

interface Received {
  headers: IncomingMessage['headers'];
  rawHead: string;
  bodyBytes: number;
  parts: { field: string; filename: string; mimeType: string; bytes: Buffer }[];
}

/** A backend stand-in that parses the multipart body with busboy and answers the documented envelope. */
async function startUploadServer(received: Received[]): Promise<RawServer> {
  return startRawServer((req: IncomingMessage, res: ServerResponse) => {
    const entry: Received = { headers: req.headers, rawHead: '', bodyBytes: 0, parts: [] };
    req.on('data', (chunk: Buffer) => {
      if (entry.bodyBytes === 0) entry.rawHead = chunk.subarray(0, 400).toString('utf8');
      entry.bodyBytes += chunk.length;
    });
    const bb = busboy({ headers: req.headers, defParamCharset: 'utf8' });
    bb.on('file', (field, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () =>
        entry.parts.push({
          field,
          filename: info.filename ?? '',
          mimeType: info.mimeType,
          bytes: Buffer.concat(chunks),
        }),
      );
    });
    bb.on('close', () => {
      received.push(entry);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          code: 0,
          message: 'success',
          data: {
            files: entry.parts.map((p) => ({
              filename: p.filename,
              file_type: 'video',
              cdn_url: `https://cdn/${p.filename}`,
            })),
            session_state_applied: true,
          },
        }),
      );
    });
    req.pipe(bb);
  });
}

function bytes(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

function source(
  name: string,
  data: Buffer,
  opts: { declareSize?: number | null; chunk?: number } = {},
): UploadSource {
  const chunk = opts.chunk ?? 4096;
  return {
    name,
    mimeType: 'video/mp4',
    ...(opts.declareSize !== null && { size: opts.declareSize ?? data.length }),
    open: async () =>
      Readable.from(
        (function* () {
          for (let i = 0; i < data.length; i += chunk) yield data.subarray(i, i + chunk);
        })(),
      ),
  };
}

describe('streaming multipart upload', () => {
  let server: RawServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  function client(url: string) {
    return new NemoClient({
      baseUrl: url,
      skill: { source: 'nemo-video-gen', version: '1.0.0', platform: 'cursor' },
      rateLimitRetryMs: 1,
      renderPollMaxMs: 10,
    });
  }

  it('sends repeated `files` parts with an exact Content-Length when every size is known', async () => {
    const received: Received[] = [];
    server = await startUploadServer(received);
    const a = bytes(100_003, 1);
    const b = bytes(7, 2);
    const { ref } = fakeSession({ token: 'nmv_usr_multipart', sessionId: '5529798706024415232' });
    const progress: number[] = [];
    const result = await client(server.url).uploadFiles(ref, [source('a.mp4', a), source('b.mp4', b)], {
      onProgress: (n) => progress.push(n),
    });

    expect(result.files.map((f) => f.cdnUrl)).toEqual(['https://cdn/a.mp4', 'https://cdn/b.mp4']);
    const [got] = received;
    expect(got!.headers['content-length']).toBe(String(got!.bodyBytes));
    expect(got!.headers['transfer-encoding']).toBeUndefined();
    expect(got!.headers['authorization']).toBe('Bearer nmv_usr_multipart');
    expect(got!.headers['x-skill-source']).toBe('nemo-video-gen');
    expect(got!.headers['x-skill-platform']).toBe('cursor');
    expect(got!.parts.map((p) => p.field)).toEqual(['files', 'files']);
    expect(got!.parts[0]!.bytes.equals(a)).toBe(true);
    expect(got!.parts[1]!.bytes.equals(b)).toBe(true);
    expect(progress.at(-1)).toBe(a.length + b.length);
    expect(progress.length).toBeGreaterThan(2);
  });

  it('goes chunked when a size is unknown', async () => {
    const received: Received[] = [];
    server = await startUploadServer(received);
    const a = bytes(50_000, 3);
    const { ref } = fakeSession({ token: 'nmv_usr_x', sessionId: '1' });
    await client(server.url).uploadFiles(ref, [source('stream.webm', a, { declareSize: null })]);
    expect(received[0]!.headers['transfer-encoding']).toBe('chunked');
    expect(received[0]!.headers['content-length']).toBeUndefined();
    expect(received[0]!.parts[0]!.bytes.equals(a)).toBe(true);
  });

  it('escapes quotes and line breaks in file names and keeps UTF-8', async () => {
    const received: Received[] = [];
    server = await startUploadServer(received);
    const { ref } = fakeSession({ token: 'nmv_usr_x', sessionId: '1' });
    await client(server.url).uploadFiles(ref, [source('we"ird\r\nname 视频.mp4', bytes(10, 4))]);
    expect(received[0]!.rawHead).toContain('filename="we%22ird%0D%0Aname 视频.mp4"');
    expect(received[0]!.parts[0]!.filename).toBe('we%22ird%0D%0Aname 视频.mp4');
    expect(quoteParam('a"b')).toBe('"a%22b"');
  });

  it('refuses a source whose bytes do not match its declared size', async () => {
    server = await startUploadServer([]);
    const { ref } = fakeSession({ token: 'nmv_usr_x', sessionId: '1' });
    await expect(
      client(server.url).uploadFiles(ref, [source('short.mp4', bytes(10, 5), { declareSize: 20 })]),
    ).rejects.toThrow(/gave 10 bytes, declared 20/);
  });
});
