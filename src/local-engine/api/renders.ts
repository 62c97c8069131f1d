/**
 * The render endpoints: start (validates the draft against the engine's own schema and the session's
 * files, then queues it in the bounded pool), poll, cancel and download.
 */
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { engineDraft, visuals } from '../draft.js';
import { authenticate, type EngineContext, evictables, mediaUrl, type RenderRecord } from '../engine.js';
import { runFfmpeg } from '../render/ffmpeg-process.js';
import { buildRenderCommand, RenderInputError } from '../render/graph.js';
import { unguessable } from '../sessions.js';
import { StorageFullError } from '../storage.js';
import { detailError, missingField, readJsonObject, renderError, sendJson, sessionNotFound } from './http.js';

const PUBLIC_FAILURE = 'Render failed';

function renderView(ctx: EngineContext, render: RenderRecord) {
  return {
    id: render.id,
    status: render.status,
    progress: render.progress,
    outputUrl: render.status === 'completed' ? mediaUrl(ctx, render.outputId) : null,
    createdAt: new Date(render.createdAt).toISOString(),
    completedAt: render.completedAt ? new Date(render.completedAt).toISOString() : null,
    ...(render.status === 'completed' && { duration: render.durationSec, size: render.sizeBytes }),
    ...(render.error && { error: render.error }),
  };
}

/** POST /api/render/proxy/lambda */
export async function startRender(
  ctx: EngineContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const userId = authenticate(ctx, req);
  const body = await readJsonObject(req);
  const { id, sessionId } = body;
  if (typeof id !== 'string' || !/^[\w.-]{1,100}$/.test(id)) throw missingField('id');
  const session = ctx.registry.owned(userId, sessionId);
  if (!session) throw sessionNotFound();
  if (ctx.renders.has(id)) throw renderError(4000, 'render id already used');
  const parsed = engineDraft.safeParse(body.draft);
  if (!parsed.success) throw renderError(4003, 'the draft is not one the local engine made');
  const draft = parsed.data;
  if (visuals(draft).length === 0) throw renderError(4003, 'draft is empty: nothing to render');
  const quality = String((body.output as { quality?: unknown } | undefined)?.quality ?? 'high');

  const outputId = `${unguessable()}.mp4`;
  const render: RenderRecord = {
    id,
    sessionId: session.sessionId,
    userId,
    status: 'pending',
    progress: 0,
    createdAt: Date.now(),
    outputId,
    outputPath: join(ctx.data.renders, outputId),
    workDir: join(ctx.data.renders, `work-${outputId}`),
  };
  let command: ReturnType<typeof buildRenderCommand>;
  try {
    command = buildRenderCommand({
      draft,
      file: (fileId) => session.files.get(fileId),
      outputPath: render.outputPath,
      workDir: render.workDir,
      quality,
      preset: ctx.settings.preset,
      ...(ctx.settings.fontOverride && { fontOverride: ctx.settings.fontOverride }),
    });
  } catch (error) {
    if (error instanceof RenderInputError)
      throw renderError(4003, 'the draft refers to media this session does not have');
    throw error;
  }
  try {
    await ctx.data.makeRoom(0, evictables(ctx, session.sessionId));
  } catch (error) {
    if (error instanceof StorageFullError)
      throw renderError(4002, 'the local engine has no room left for the output');
    throw error;
  }
  await mkdir(render.workDir, { recursive: true });
  await Promise.all(command.files.map((file) => writeFile(file.path, file.content)));
  ctx.renders.set(id, render);
  const log = ctx.log.child({ renderId: id, sessionId: session.sessionId });

  ctx.pool.submit({
    id,
    start: () => {
      render.status = 'processing';
      log.info({ durationMs: command.durationMs }, 'local engine: render started');
      const run = runFfmpeg(command.args, command.durationMs, (percent) => {
        if (render.status === 'processing') render.progress = Math.max(render.progress, percent);
      });
      const done = run.done.then(async (outcome) => {
        if (outcome.status === 'completed' && render.status === 'processing') {
          const info = await stat(render.outputPath);
          Object.assign(render, {
            status: 'completed',
            progress: 100,
            completedAt: Date.now(),
            sizeBytes: info.size,
            durationSec: command.durationMs / 1000,
          });
          log.info({ sizeBytes: info.size }, 'local engine: render completed');
        } else {
          if (outcome.status === 'failed' && render.status === 'processing') {
            Object.assign(render, { status: 'failed', error: PUBLIC_FAILURE, completedAt: Date.now() });
            log.error({ ffmpeg: outcome.error.slice(-1500) }, 'local engine: render failed');
          }
          await rm(render.outputPath, { force: true });
        }
        await rm(render.workDir, { recursive: true, force: true });
      });
      return { pid: run.pid, done, cancel: run.cancel };
    },
    dropped: () => {
      void rm(render.workDir, { recursive: true, force: true });
    },
  });
  sendJson(res, 200, { success: true, data: { id, status: render.status, progress: render.progress } });
}

function ownedRender(ctx: EngineContext, req: IncomingMessage, id: string | undefined): RenderRecord {
  const userId = authenticate(ctx, req);
  const render = id ? ctx.renders.get(id) : undefined;
  if (!render || render.userId !== userId) throw renderError(4004, 'render not found');
  return render;
}

/** GET /api/render/proxy/lambda/<id> */
export function pollRender(
  ctx: EngineContext,
  req: IncomingMessage,
  res: ServerResponse,
  params: Record<string, string>,
): void {
  const render = ownedRender(ctx, req, params.id);
  sendJson(res, 200, { success: true, data: renderView(ctx, render) });
}

/** POST /api/render/proxy/lambda/<id>/cancel: stops ffmpeg at once (or takes the render off the queue). */
export function cancelRender(
  ctx: EngineContext,
  req: IncomingMessage,
  res: ServerResponse,
  params: Record<string, string>,
): void {
  const render = ownedRender(ctx, req, params.id);
  req.resume();
  if (render.status === 'pending' || render.status === 'processing') {
    render.status = 'cancelled';
    render.completedAt = Date.now();
    ctx.pool.cancel(render.id);
    ctx.log.info({ renderId: render.id }, 'local engine: render cancelled');
  }
  sendJson(res, 200, { success: true, data: { id: render.id, status: render.status } });
}

/** GET /api/render/proxy/<id>/download: a redirect to the file once it exists. */
export function downloadRender(
  ctx: EngineContext,
  req: IncomingMessage,
  res: ServerResponse,
  params: Record<string, string>,
): void {
  const render = ownedRender(ctx, req, params.id);
  if (render.status !== 'completed') throw detailError(404, 'Render output not ready');
  res.writeHead(302, { Location: mediaUrl(ctx, render.outputId), 'Content-Length': 0 });
  res.end();
}
