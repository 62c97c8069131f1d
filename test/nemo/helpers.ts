/** Small real parts the nemo tests share: a raw-bytes HTTP server and credential/session doubles. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NemoCredentials, NemoSessionRef } from '../../src/nemo/index.js';

export interface RawServer {
  url: string;
  /** Sockets accepted so far, and how many are still open (to catch leaks). */
  openSockets(): number;
  close(): Promise<void>;
}

/** A node:http server whose handler writes whatever bytes a test wants. */
export async function startRawServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<RawServer> {
  const server = createServer(handler);
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    openSockets: () => sockets.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Writes `chunks` one by one with a flush between them, then ends (or destroys) the response. */
export async function writeChunks(
  res: ServerResponse,
  chunks: (string | Uint8Array)[],
  end: 'end' | 'destroy' = 'end',
) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.flushHeaders();
  for (const chunk of chunks) {
    res.write(chunk);
    await new Promise((r) => setImmediate(r));
  }
  if (end === 'end') res.end();
  else res.destroy();
}

/** Credentials that count refreshes and hand out a new token each time. */
export function fakeSession(
  initial: { token: string; sessionId: string },
  next?: { token?: () => Promise<string>; session?: () => Promise<string> },
) {
  const state = { ...initial, refreshes: 0, renewals: 0 };
  const ref: NemoSessionRef = {
    token: async () => state.token,
    refreshToken: async () => {
      state.refreshes++;
      state.token = next?.token ? await next.token() : `${initial.token}_r${state.refreshes}`;
      return state.token;
    },
    sessionId: async () => state.sessionId,
    renewSession: async () => {
      state.renewals++;
      state.sessionId = next?.session ? await next.session() : `${initial.sessionId}${state.renewals}`;
      return state.sessionId;
    },
  };
  return { ref, state, creds: ref as NemoCredentials };
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/**
 * Sleep double that records the waits asked for and really waits only a hundredth of each (at most
 * 100 ms), so schedules keep their order against a real server but tests stay fast.
 */
export function recordingSleep() {
  const waits: number[] = [];
  const sleep = async (ms: number, signal?: AbortSignal) => {
    waits.push(ms);
    signal?.throwIfAborted();
    const { setTimeout: delay } = await import('node:timers/promises');
    await delay(Math.min(ms / 100, 100), undefined, signal ? { signal } : undefined);
  };
  return { waits, sleep };
}

/** An UploadSource over a file on disk; `knownSize: false` hides the size so the upload goes chunked. */
export async function fileSource(
  path: string,
  opts: { name?: string; mimeType?: string; knownSize?: boolean } = {},
) {
  const { createReadStream } = await import('node:fs');
  const { stat } = await import('node:fs/promises');
  const { basename } = await import('node:path');
  const size = (await stat(path)).size;
  let opens = 0;
  return {
    name: opts.name ?? basename(path),
    mimeType: opts.mimeType ?? 'video/mp4',
    ...(opts.knownSize !== false && { size }),
    opens: () => opens,
    open: async () => {
      opens++;
      return createReadStream(path);
    },
  };
}
