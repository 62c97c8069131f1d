/** Small HTTP helpers for the engine's API: the backend's envelopes, JSON bodies, errors as thrown replies. */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** An answer decided part-way through a handler: thrown, then sent once by the router. */
export class Reply extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`reply ${status}`);
  }
}

/** The backend's envelope error: HTTP 200 with a nonzero code. */
export const envelopeError = (code: number, message: string, data: unknown = null) =>
  new Reply(200, { code, message, data });
/** The render gateway's error form, with the envelope's code too so either reading finds it. */
export const renderError = (code: number, message: string) =>
  new Reply(200, { success: false, code, message, error: message, data: null });
export const detailError = (status: number, detail: unknown) => new Reply(status, { detail });

export const sessionNotFound = () => envelopeError(1002, 'Session not found');

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export const sendOk = (res: ServerResponse, data: unknown) =>
  sendJson(res, 200, { code: 0, message: 'success', data });

export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first?.trim() || undefined;
}

const MAX_JSON_BYTES = 8 * 1024 * 1024;

/** A JSON object body; anything else is FastAPI's 422, as the backend answers. */
export async function readJsonObject(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_JSON_BYTES) throw detailError(413, 'Request body too large');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw detailError(422, [{ loc: ['body'], msg: 'body is not valid JSON', type: 'value_error' }]);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw detailError(422, [{ loc: ['body'], msg: 'expected a JSON object', type: 'value_error' }]);
  }
  return value as Record<string, unknown>;
}

export const missingField = (field: string) =>
  detailError(422, [{ loc: ['body', field], msg: 'Field required', type: 'missing' }]);
