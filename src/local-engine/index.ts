/**
 * The local engine: the NemoVideo API of nemo-api.md served on loopback by this process, doing the edits
 * itself with ffmpeg. The composition root starts it when NEMO_ENGINE=local and points the NemoClient at
 * its URL, so the bot's client and flows are the same for both engines. See docs/local-engine.md.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { EngineContext } from './engine.js';
import { RenderPool } from './render/pool.js';
import { createEngineServer } from './server.js';
import { Registry } from './sessions.js';
import { DataDir } from './storage.js';

export interface LocalEngineOptions {
  /** The data folder (LOCAL_ENGINE_DIR); emptied at start. */
  dir: string;
  /** Size cap of the data folder, bytes. */
  maxBytes: number;
  /** ffmpeg renders at once; more wait in a queue. */
  renderWorkers: number;
  log: Logger;
  /** x264 preset (default veryfast). */
  preset?: string;
  maxUploadBytes?: number;
  fontOverride?: string;
  host?: string;
  /** 0 (default): any free port. */
  port?: number;
}

export interface LocalEngine {
  url: string;
  /** The render pool, whose `spawned`/`exited` events name each ffmpeg process. */
  pool: RenderPool;
  close(): Promise<void>;
}

export async function startLocalEngine(options: LocalEngineOptions): Promise<LocalEngine> {
  const data = new DataDir(options.dir, options.maxBytes);
  await data.init();
  const pool = new RenderPool(options.renderWorkers);
  const lifetime = new AbortController();
  const ctx: EngineContext = {
    url: '',
    registry: new Registry(),
    data,
    pool,
    renders: new Map(),
    settings: {
      maxUploadBytes: options.maxUploadBytes ?? 500 * 1024 * 1024,
      preset: options.preset ?? 'veryfast',
      credits: 1000,
      ...(options.fontOverride && { fontOverride: options.fontOverride }),
    },
    log: options.log,
    lifetime: lifetime.signal,
  };
  const server = createEngineServer(ctx);
  server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  ctx.url = `http://${options.host ?? '127.0.0.1'}:${port}`;
  options.log.info(
    { url: ctx.url, dir: options.dir, workers: options.renderWorkers },
    'local engine listening',
  );

  let closing: Promise<void> | undefined;
  return {
    url: ctx.url,
    pool,
    close: () => {
      closing ??= (async () => {
        lifetime.abort();
        await pool.close();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      })();
      return closing;
    },
  };
}
