/** What every handler of the local engine shares: who is who, the data folder, renders and the pool. */

import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import { envelopeError, header } from './api/http.js';
import type { RenderPool } from './render/pool.js';
import type { MediaFile, Registry, Session } from './sessions.js';
import type { DataDir, Evictable } from './storage.js';

export interface EngineSettings {
  /** Longest upload, bytes (the backend's 500 MB). */
  maxUploadBytes: number;
  /** x264 preset: `veryfast` by default; tests use `ultrafast`. */
  preset: string;
  fontOverride?: string;
  /** What the engine reports as the balance: everything is free locally. */
  credits: number;
}

export type RenderStatus = 'pending' | 'processing' | 'completed' | 'failed' | 'cancelled';

export interface RenderRecord {
  id: string;
  sessionId: string;
  userId: string;
  status: RenderStatus;
  progress: number;
  createdAt: number;
  completedAt?: number;
  /** The public name of the output under /media. */
  outputId: string;
  outputPath: string;
  workDir: string;
  durationSec?: number;
  sizeBytes?: number;
  /** What the user may see: never ffmpeg's own text (that goes to the log). */
  error?: string;
}

export interface EngineContext {
  url: string;
  registry: Registry;
  data: DataDir;
  pool: RenderPool;
  renders: Map<string, RenderRecord>;
  settings: EngineSettings;
  log: Logger;
  /** Aborted when the engine closes: stops edit streams and analyses in flight. */
  lifetime: AbortSignal;
}

/** The caller's user id from `Authorization: Bearer <token>`; none → code 1001. */
export function authenticate(ctx: EngineContext, req: IncomingMessage): string {
  const token = /^Bearer\s+(\S+)$/i.exec(header(req, 'authorization') ?? '')?.[1];
  if (!token) throw envelopeError(1001, 'Token is invalid or expired');
  return ctx.registry.userFor(token);
}

/**
 * What the size cap may delete, in the order to delete it: finished renders (delivered already), oldest
 * first, then idle sessions with their uploads, least recently used first.
 */
export function evictables(ctx: EngineContext, keepSession?: string): Evictable[] {
  const finished = [...ctx.renders.values()]
    .filter((render) => render.status !== 'pending' && render.status !== 'processing')
    .sort((a, b) => (a.completedAt ?? a.createdAt) - (b.completedAt ?? b.createdAt));
  const items: Evictable[] = finished.map((render) => ({
    paths: [render.outputPath, render.workDir],
    forget: () => ctx.renders.delete(render.id),
  }));
  const rendering = new Set(
    [...ctx.renders.values()]
      .filter((r) => r.status === 'pending' || r.status === 'processing')
      .map((r) => r.sessionId),
  );
  const idle = [...ctx.registry.sessions.values()]
    .filter((session) => session.sessionId !== keepSession && !rendering.has(session.sessionId))
    .sort((a, b) => a.lastUsedAt - b.lastUsedAt);
  for (const session of idle) {
    items.push({
      paths: [...session.files.values()].map((file) => file.path),
      forget: () => ctx.registry.sessions.delete(session.sessionId),
    });
  }
  return items;
}

/** The public URL of an uploaded file or a finished render. */
export function mediaUrl(ctx: EngineContext, id: string): string {
  return `${ctx.url}/media/${id}`;
}

export function fileInfo(ctx: EngineContext, file: MediaFile) {
  return {
    filename: file.name,
    file_type: file.kind,
    cdn_url: mediaUrl(ctx, file.id),
    duration: file.durationMs === undefined ? null : file.durationMs / 1000,
    width: file.width ?? null,
    height: file.height ?? null,
    fps: file.fps ?? null,
    hash: file.hash,
  };
}

export function touch(session: Session): void {
  session.lastUsedAt = Date.now();
}
