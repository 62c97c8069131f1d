import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';

/** A file part of a multipart request, kept whole so tests can compare bytes. */
export interface ReceivedFile {
  field: string;
  name: string;
  contentType: string;
  size: number;
  sha256: string;
  data: Buffer;
}

export interface ParsedBody {
  /** The JSON body, or the parsed `payload_json` part of a multipart body. */
  json: unknown;
  files: ReceivedFile[];
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Reads a JSON or multipart/form-data body the way Discord does (`payload_json` + `files[n]`). */
export async function parseBody(req: IncomingMessage): Promise<ParsedBody> {
  const type = req.headers['content-type'] ?? '';
  if (!type.startsWith('multipart/form-data')) {
    const raw = await readAll(req);
    return { json: raw.length ? JSON.parse(raw.toString('utf8')) : undefined, files: [] };
  }
  return new Promise((resolve, reject) => {
    const files: Promise<ReceivedFile>[] = [];
    let json: unknown;
    const parser = busboy({ headers: req.headers });
    parser.on('field', (name, value) => {
      if (name === 'payload_json') json = JSON.parse(value);
    });
    parser.on('file', (field, stream, info) => {
      files.push(
        (async () => {
          const chunks: Buffer[] = [];
          for await (const chunk of stream) chunks.push(chunk as Buffer);
          const data = Buffer.concat(chunks);
          return {
            field,
            name: info.filename ?? field,
            contentType: info.mimeType,
            size: data.length,
            sha256: createHash('sha256').update(data).digest('hex'),
            data,
          };
        })(),
      );
    });
    parser.on('error', reject);
    parser.on('close', () => {
      Promise.all(files).then((all) => resolve({ json, files: all }), reject);
    });
    req.pipe(parser);
  });
}
