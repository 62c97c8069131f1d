import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * One `text/event-stream` answer: `data: <json>\n\n` frames only (no `event:`/`id:` lines, no end
 * marker), headers flushed at once. Knows when the client went away and can drop the connection
 * after N content events (heartbeats are not counted, their number depends on timing).
 */
export class SseStream {
  private sent = 0;
  private keepAlives = 0;
  private readonly stop = new AbortController();

  constructor(
    private readonly res: ServerResponse,
    lifetime: AbortSignal,
    private readonly dropAfterEvents?: number,
  ) {
    const abort = () => this.stop.abort();
    lifetime.addEventListener('abort', abort, { once: true });
    res.once('close', () => {
      abort();
      lifetime.removeEventListener('abort', abort);
    });
  }

  /** True once the client left, the connection was dropped, or the emulator is closing. */
  get closed(): boolean {
    return this.stop.signal.aborted || this.res.destroyed;
  }

  open(): void {
    this.res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    this.res.flushHeaders();
    this.maybeDrop();
  }

  send(payload: unknown): void {
    if (this.closed || payload === undefined) return;
    this.res.write(`data: ${JSON.stringify(payload)}\n\n`);
    this.sent += 1;
    this.maybeDrop();
  }

  /** Alternates the two keep-alives the backend uses: a heartbeat event and an empty `data:` line. */
  keepAlive(): void {
    if (this.closed) return;
    this.res.write(this.keepAlives++ % 2 === 0 ? 'data: {"type":"heartbeat"}\n\n' : 'data: \n\n');
  }

  /** Waits; returns early (without throwing) when the stream closes. */
  async pause(ms: number): Promise<void> {
    if (this.closed || ms <= 0) return;
    await sleep(ms, undefined, { signal: this.stop.signal }).catch(() => undefined);
  }

  /** Works for `ms`, sending a keep-alive every `heartbeatMs`. */
  async work(ms: number, heartbeatMs: number): Promise<void> {
    let left = ms;
    while (left > 0 && !this.closed) {
      const slice = Math.min(left, heartbeatMs);
      await this.pause(slice);
      left -= slice;
      if (slice === heartbeatMs) this.keepAlive();
    }
  }

  end(): void {
    if (!this.res.destroyed) this.res.end();
  }

  private maybeDrop(): void {
    if (this.dropAfterEvents !== undefined && this.sent >= this.dropAfterEvents) {
      this.res.socket?.destroy();
      this.stop.abort();
    }
  }
}
