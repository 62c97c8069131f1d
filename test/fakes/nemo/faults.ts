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
  return false;
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
