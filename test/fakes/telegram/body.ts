import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';

/** A file part the fake received: only its size and hash are kept, so large uploads cost no memory. */
export interface ReceivedFile {
  field: string;
  filename: string;
  mimeType: string;
  bytes: number;
  sha256: string;
}

export interface ParsedBody {
  params: Record<string, unknown>;
  files: ReceivedFile[];
}

// Fields the Bot API documents as JSON-serialized objects when sent as form fields.
const JSON_FIELDS = new Set([
  'reply_markup',
  'reply_parameters',
  'entities',
  'caption_entities',
  'allowed_updates',
  'commands',
  'link_preview_options',
  'scope',
  'media',
]);
const INTEGER_FIELDS = new Set([
  'chat_id',
  'message_id',
  'message_thread_id',
  'offset',
  'limit',
  'timeout',
  'duration',
  'width',
  'height',
  'cache_time',
  'max_connections',
]);
const BOOLEAN_FIELDS = new Set([
  'supports_streaming',
  'show_alert',
  'drop_pending_updates',
  'disable_notification',
  'allow_sending_without_reply',
]);

/** Form fields arrive as strings; the real server reads them by the method's declared types. */
function coerceField(name: string, value: string): unknown {
  if (JSON_FIELDS.has(name)) {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  if (INTEGER_FIELDS.has(name) && /^-?\d+$/.test(value)) return Number(value);
  if (BOOLEAN_FIELDS.has(name)) return value === 'true' || value === '1';
  return value;
}

/** Parses a JSON, form-urlencoded or multipart request body the way the Bot API accepts all three. */
export async function parseBody(req: IncomingMessage): Promise<ParsedBody> {
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  if (type.startsWith('multipart/form-data')) return parseMultipart(req);
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  if (raw === '') return { params: {}, files: [] };
  if (type.startsWith('application/json'))
    return { params: JSON.parse(raw) as Record<string, unknown>, files: [] };
  const params: Record<string, unknown> = {};
  for (const [name, value] of new URLSearchParams(raw)) params[name] = coerceField(name, value);
  return { params, files: [] };
}

function parseMultipart(req: IncomingMessage): Promise<ParsedBody> {
  return new Promise((resolve, reject) => {
    const params: Record<string, unknown> = {};
    const files: ReceivedFile[] = [];
    const pending: Promise<void>[] = [];
    const parser = busboy({ headers: req.headers });
    parser.on('field', (name, value) => {
      params[name] = coerceField(name, value);
    });
    parser.on('file', (field, stream, info) => {
      pending.push(
        new Promise((done, fail) => {
          const hash = createHash('sha256');
          let bytes = 0;
          stream.on('data', (chunk: Buffer) => {
            bytes += chunk.length;
            hash.update(chunk);
          });
          stream.on('error', fail);
          stream.on('end', () => {
            files.push({
              field,
              filename: info.filename ?? '',
              mimeType: info.mimeType,
              bytes,
              sha256: hash.digest('hex'),
            });
            done();
          });
        }),
      );
    });
    parser.on('error', reject);
    // A client that gives up mid-upload never lets busboy finish.
    req.on('aborted', () => reject(new Error('client aborted the upload')));
    req.on('error', reject);
    parser.on('close', () => {
      Promise.all(pending).then(() => resolve({ params, files }), reject);
    });
    req.pipe(parser);
  });
}
