import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RequestContext } from './context.js';
import { envelopeError, sendJson, statusBody } from './http.js';
import type { EndpointKey, Fault } from './types.js';

/** Faults wait in one queue per endpoint; each request takes the head and uses up one of its `times`. */
export class FaultQueue {
  private readonly queues = new Map<EndpointKey, Array<{ fault: Fault; left: number }>>();

  add(fault: Fault): void {
    const kinds = [
      fault.code,
      fault.httpStatus,
      fault.delayMs,
      fault.malformed,
      fault.dropAfterEvents,
      fault.resetConnection,
      fault.hang,
      fault.resetMidBody,
      fault.htmlErrorPage,
      fault.contentType,
      fault.hugeBodyBytes,
    ];
    if (kinds.every((k) => k === undefined || k === false)) throw new Error('a fault needs a kind');
    if (fault.dropAfterEvents !== undefined && fault.endpoint !== 'run-sse') {
      throw new Error('dropAfterEvents applies to run-sse only');
    }
    const queue = this.queues.get(fault.endpoint) ?? [];
    queue.push({ fault, left: fault.times ?? 1 });
    this.queues.set(fault.endpoint, queue);
  }

  take(endpoint: EndpointKey): Fault | undefined {
    const queue = this.queues.get(endpoint);
    const head = queue?.[0];
    if (!queue || !head) return undefined;
    head.left -= 1;
    if (head.left <= 0) queue.shift();
    return head.fault;
  }

  clear(): void {
    this.queues.clear();
  }
}

/**
 * Plays a fault. Returns true when the fault answered (or killed) the request, false when the
 * normal handler should run (after a delay, or for run-sse drops, which the stream applies).
 */
export async function playFault(fault: Fault, ctx: RequestContext): Promise<boolean> {
  if (fault.delayMs) await sleep(fault.delayMs, undefined, { signal: ctx.state.lifetime.signal });
  if (fault.resetConnection) {
    ctx.req.socket.destroy();
    return true;
  }
  if (fault.code !== undefined) {
    const reply = envelopeError(fault.code);
    sendJson(ctx.res, reply.status, reply.body);
    return true;
  }
  if (fault.httpStatus !== undefined) {
    sendJson(ctx.res, fault.httpStatus, statusBody(fault.httpStatus));
    return true;
  }
  if (fault.malformed) {
    sendMalformed(ctx);
    return true;
  }
  if (fault.hang) {
    await untilClosed(ctx);
    return true;
  }
  if (fault.htmlErrorPage !== undefined) {
    const page = `<!DOCTYPE html><html><head><title>${fault.htmlErrorPage} Error</title></head><body><h1>${fault.htmlErrorPage} Error</h1><p>nginx</p></body></html>`;
    ctx.res.writeHead(fault.htmlErrorPage, { 'Content-Type': 'text/html; charset=utf-8' });
    ctx.res.end(page);
    return true;
  }
  if (fault.hugeBodyBytes !== undefined) {
    await sendHugeBody(ctx, fault.hugeBodyBytes);
    return true;
  }
  if (fault.contentType !== undefined) relabel(ctx, fault.contentType);
  if (fault.resetMidBody) cutMidBody(ctx);
  return false;
}

/** Resolves once the client closed the connection (or the emulator is closing). */
function untilClosed({ req, state }: RequestContext): Promise<void> {
  return new Promise((resolve) => {
    if (req.socket.destroyed) return resolve();
    req.socket.once('close', () => resolve());
    state.lifetime.signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/** Streams `{"code":0,"data":{"pad":"xxx…` with backpressure, so only what the client reads is produced. */
async function sendHugeBody(ctx: RequestContext, bytes: number): Promise<void> {
  const { res, record } = ctx;
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': bytes });
  const head = Buffer.from('{"code":0,"message":"success","data":{"pad":"');
  const chunk = Buffer.alloc(64 * 1024, 'x');
  record.answerBytes = 0;
  let left = bytes;
  const closed = untilClosed(ctx);
  let open = true;
  void closed.then(() => {
    open = false;
  });
  const write = (piece: Buffer) => {
    record.answerBytes = (record.answerBytes ?? 0) + piece.length;
    left -= piece.length;
    return res.write(piece);
  };
  write(head.subarray(0, Math.min(head.length, left)));
  while (open && left > 0) {
    if (!write(chunk.subarray(0, Math.min(chunk.length, left)))) {
      await Promise.race([new Promise((resolve) => res.once('drain', resolve)), closed]);
    }
  }
  if (open) res.end();
}

/** Rewrites the Content-Type of whatever the handler answers. */
function relabel({ res }: RequestContext, contentType: string): void {
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  res.writeHead = ((status: number, ...rest: unknown[]) => {
    const headers = rest.find((r) => typeof r === 'object' && r !== null) as
      | Record<string, unknown>
      | undefined;
    for (const key of Object.keys(headers ?? {}))
      if (key.toLowerCase() === 'content-type') delete headers![key];
    res.setHeader('Content-Type', contentType);
    return writeHead(status, ...rest);
  }) as ServerResponse['writeHead'];
}

/** Lets the handler's headers (with their Content-Length) go out, then half its body, then resets. */
function cutMidBody({ res, req }: RequestContext): void {
  res.end = ((chunk?: unknown) => {
    const body =
      typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.isBuffer(chunk) ? chunk : Buffer.alloc(0);
    res.write(body.subarray(0, Math.floor(body.length / 2)), () => req.socket.destroy());
    return res;
  }) as ServerResponse['end'];
}

function sendMalformed({ res, route }: RequestContext): void {
  if (route.endpoint === 'run-sse') {
    // A stream whose event data is cut mid-JSON, then the connection closes.
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    res.end('data: {"content":{"role":"model","parts":[{"text":"Half an ev\n\n');
    return;
  }
  // What a misconfigured proxy sends: HTML labelled as JSON.
  const text = '<html><body><h1>502 Bad Gateway</h1></body></html>';
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
