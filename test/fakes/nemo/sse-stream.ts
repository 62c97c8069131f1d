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
  private dropping = false;
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
    const socket = this.res.socket;
    if (this.dropAfterEvents === 0) this.dropAfter(socket ? (done) => socket.write('', done) : undefined);
  }

  send(payload: unknown): void {
    if (this.closed || payload === undefined) return;
    const frame = `data: ${JSON.stringify(payload)}\n\n`;
    this.sent += 1;
    if (this.sent === this.dropAfterEvents) this.dropAfter((done) => this.res.write(frame, done));
    else this.res.write(frame);
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

  /**
   * Keeps the stream alive until `done` resolves, even after the client left: the backend goes on working
   * for a client that is gone. Keep-alives stop with the client; the wait ends early only on `lifetime`.
   */
  async keepAliveUntil(done: Promise<void>, heartbeatMs: number, lifetime: AbortSignal): Promise<void> {
    const timer = setInterval(() => this.keepAlive(), heartbeatMs);
    let onAbort: () => void = () => undefined;
    const closing = new Promise<void>((resolve) => {
      onAbort = resolve;
      if (lifetime.aborted) resolve();
      lifetime.addEventListener('abort', onAbort, { once: true });
    });
    try {
      await Promise.race([done, closing]);
    } finally {
      clearInterval(timer);
      lifetime.removeEventListener('abort', onAbort);
    }
  }

  end(): void {
    // A dropped stream must not end cleanly: its socket is destroyed instead.
    if (!this.dropping && !this.res.destroyed) this.res.end();
  }

  /** Stops the stream now and destroys the socket once `write` has flushed (so the client gets it). */
  private dropAfter(write: ((done: () => void) => unknown) | undefined): void {
    this.dropping = true;
    this.stop.abort();
    const destroy = () => this.res.socket?.destroy();
    if (write) write(destroy);
    else destroy();
  }
}
