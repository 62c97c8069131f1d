import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';

/**
 * An answer decided part-way through a handler: thrown, then sent once by the router.
 * `closeConnection` is for answers given before the request body was read (e.g. 4002):
 * the socket is closed after the answer so the client stops sending.
 */
export class ApiReply extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly closeConnection = false,
  ) {
    super(`emulator reply ${status}`);
  }
}

const ENVELOPE_MESSAGES: Record<number, string> = {
  1001: 'Token is invalid or expired',
  1002: 'Session not found',
  2001: 'Insufficient credits',
  4001: 'Unsupported file type',
  4002: 'File too large',
};

/** The backend's envelope error: HTTP 200 with a nonzero code. */
export function envelopeError(
  code: number,
  message = ENVELOPE_MESSAGES[code] ?? 'Error',
  data: unknown = null,
) {
  return new ApiReply(200, { code, message, data });
}

/** FastAPI-style error of the gateway (400, 404, 405, 422, 5xx). */
export function detailError(status: number, detail: unknown) {
  return new ApiReply(status, { detail });
}

/** The render gateway's error form, with the envelope's code too so either reading finds it. */
export function renderError(code: number, message: string) {
  return new ApiReply(200, { success: false, code, message, error: message, data: null });
}

/** A body typical for a bare HTTP status, as gateways answer them. */
export function statusBody(status: number): unknown {
  switch (status) {
    case 400:
      return { detail: 'Bad Request' };
    case 402:
      return { code: 402, message: 'Payment Required: export is not available on the free plan', data: null };
    case 404:
      return { detail: 'Not Found' };
    case 429:
      return { code: 429, message: 'Too Many Requests', data: null };
    case 502:
      return { message: 'Bad Gateway' };
    case 503:
      return { message: 'Service Unavailable' };
    default:
      return { detail: status >= 500 ? 'Internal Server Error' : 'Error' };
  }
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: OutgoingHttpHeaders = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** The success envelope. */
export function sendOk(res: ServerResponse, data: unknown): void {
  sendJson(res, 200, { code: 0, message: 'success', data });
}

export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  const first = Array.isArray(value) ? value[0] : value;
  return first?.trim() || undefined;
}

export function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

const MAX_JSON_BYTES = 1024 * 1024;

export type JsonBody = { ok: true; value: unknown } | { ok: false; reason: string };

/** Reads a small JSON body (an empty body reads as undefined). */
export async function readJsonBody(req: IncomingMessage): Promise<JsonBody> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_JSON_BYTES) return { ok: false, reason: 'body too large' };
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, reason: 'body is not valid JSON' };
  }
}

/** An object from a parsed body, or a 422 like FastAPI's validation error. */
export function requireObject(body: JsonBody): Record<string, unknown> {
  if (!body.ok) throw detailError(422, [{ loc: ['body'], msg: body.reason, type: 'value_error' }]);
  if (typeof body.value !== 'object' || body.value === null || Array.isArray(body.value)) {
    throw detailError(422, [{ loc: ['body'], msg: 'expected a JSON object', type: 'value_error' }]);
  }
  return body.value as Record<string, unknown>;
}

export function missingField(field: string): ApiReply {
  return detailError(422, [{ loc: ['body', field], msg: 'Field required', type: 'missing' }]);
}
