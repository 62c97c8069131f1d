import { stat } from 'node:fs/promises';
import { authenticate, hasAttribution, ownedSession } from './auth.js';
import type { RequestContext } from './context.js';
import { draftDurationMs, isExportable } from './draft.js';
import {
  ApiReply,
  detailError,
  missingField,
  renderError,
  requireObject,
  sendJson,
  sendOk,
  statusBody,
} from './http.js';
import { renderSeconds, renderVideo } from './render-video.js';
import type { EmulatorState } from './state.js';
import type { EmulatedRender, EmulatedToken } from './types.js';

const GENERATED_CLIP_SECONDS = 2;

/** Makes a generated clip servable under /media and returns its URL. */
export function registerGeneratedClip(state: EmulatorState, id: string): string {
  state.media.add(`${id}.mp4`, {
    contentType: 'video/mp4',
    locate: () => renderVideo(GENERATED_CLIP_SECONDS),
  });
  return `${state.url}/media/${id}.mp4`;
}

/** POST /api/render/proxy/lambda */
export function startRender(ctx: RequestContext): void {
  const { state } = ctx;
  const account = authenticate(ctx);
  if (!hasAttribution(ctx)) throw new ApiReply(402, statusBody(402));
  const body = requireObject(ctx.body);
  const { id, sessionId, draft, output } = body;
  if (typeof id !== 'string' || !id) throw missingField('id');
  if (typeof sessionId !== 'string') throw missingField('sessionId');
  ownedSession(ctx, account, sessionId);
  if (state.renders.has(id)) throw renderError(4000, 'render id already used');
  if (!isExportable(draft)) throw renderError(4003, 'draft is empty: nothing to render');

  const render: EmulatedRender = {
    id,
    sessionId,
    userId: account.userId,
    draft,
    quality: String((output as { quality?: unknown } | undefined)?.quality ?? 'high'),
    status: 'pending',
    progress: 0,
    createdAt: Date.now(),
    durationSec: renderSeconds(draftDurationMs(draft)),
    polls: 0,
  };
  state.renders.set(id, render);
  schedulePhases(state, render);
  sendJson(ctx.res, 200, { success: true, data: { id, status: render.status, progress: render.progress } });
}

/**
 * pending → processing after one step, → completed after the second step once the MP4 exists. While the
 * render gate is held, no timer runs: the render stays as it is until the gate is released.
 */
function schedulePhases(state: EmulatorState, render: EmulatedRender): void {
  const video = renderVideo(render.durationSec);
  video.catch(() => undefined); // the failure is reported by finish()
  state.renderOutputs.set(render.id, video);
  if (!state.renderGate.held) startTimers(state, render);
}

function startTimers(state: EmulatorState, render: EmulatedRender): void {
  const step = state.options.renderStepMs;
  const toProcessing = setTimeout(() => {
    if (render.status !== 'pending') return;
    render.status = 'processing';
    render.processingAt = Date.now();
    render.progress = 10;
  }, step);
  const toDone = setTimeout(() => void finish(state, render), 2 * step);
  state.renderTimers.set(render.id, [toProcessing, toDone]);
}

/** Stops every running render where it is (status, progress) until `releaseRenders`. */
export function holdRenders(state: EmulatorState): void {
  if (state.renderGate.held) return;
  state.renderGate.hold();
  for (const timers of state.renderTimers.values()) timers.forEach(clearTimeout);
  state.renderTimers.clear();
  void state.renderGate.passed().then(() => {
    // Every render still running completes, as soon as its MP4 exists.
    for (const render of state.renders.values()) {
      if (render.status !== 'pending' && render.status !== 'processing') continue;
      if (render.status === 'pending') render.processingAt = Date.now();
      render.status = 'processing';
      void finish(state, render);
    }
  });
}

/** A held render is processing at exactly this progress until the gate is released. */
export function setRenderProgress(state: EmulatorState, renderId: string, progress: number): void {
  const render = state.renders.get(renderId);
  if (!render) throw new Error(`setRenderProgress: unknown render ${renderId}`);
  if (!state.renderGate.held) throw new Error('setRenderProgress: hold the renders first');
  if (render.status !== 'pending' && render.status !== 'processing')
    throw new Error(`setRenderProgress: render ${renderId} is ${render.status}`);
  if (render.status === 'pending') render.processingAt = Date.now();
  render.status = 'processing';
  render.progress = progress;
}

async function finish(state: EmulatorState, render: EmulatedRender): Promise<void> {
  let path: string;
  try {
    path = await (state.renderOutputs.get(render.id) ?? Promise.reject(new Error('no output')));
  } catch {
    endRender(state, render, 'failed', 'Encoder failed');
    return;
  }
  const { size } = await stat(path);
  // A cancel, a failRender(), a reset or a held gate may have come while ffmpeg ran.
  if (render.status !== 'processing' || state.renders.get(render.id) !== render) return;
  if (state.renderGate.held) return;
  render.status = 'completed';
  render.progress = 100;
  render.completedAt = Date.now();
  render.outputUrl = `${state.url}/media/${render.id}.mp4`;
  render.sizeBytes = size;
  state.media.add(`${render.id}.mp4`, { contentType: 'video/mp4', locate: async () => path });
  state.renderTimers.delete(render.id);
  state.renderOutputs.delete(render.id);
}

/** Ends a running render as failed or cancelled; a finished one stays as it is. */
export function endRender(
  state: EmulatorState,
  render: EmulatedRender,
  status: 'failed' | 'cancelled',
  error?: string,
) {
  if (render.status !== 'pending' && render.status !== 'processing') return;
  render.status = status;
  if (error) render.error = error;
  state.renderTimers.get(render.id)?.forEach(clearTimeout);
  state.renderTimers.delete(render.id);
  state.renderOutputs.delete(render.id);
}

function ownedRender(ctx: RequestContext, account: EmulatedToken, id: string | undefined): EmulatedRender {
  const render = id ? ctx.state.renders.get(id) : undefined;
  if (!render || render.userId !== account.userId) throw renderError(4004, 'render not found');
  return render;
}

function currentProgress(state: EmulatorState, render: EmulatedRender): number {
  // A held render stays at the progress the test set; otherwise progress follows the clock.
  if (render.status === 'processing' && render.processingAt !== undefined && !state.renderGate.held) {
    const stepMs = state.options.renderStepMs;
    const share = (Date.now() - render.processingAt) / stepMs;
    render.progress = Math.max(render.progress, Math.min(95, 10 + Math.floor(80 * share)));
  }
  return render.progress;
}

/** GET /api/render/proxy/lambda/<id>: the answer shape follows options.renderPollShape. */
export function pollRender(ctx: RequestContext): void {
  const { state } = ctx;
  const render = ownedRender(ctx, authenticate(ctx), ctx.params.id);
  render.polls += 1;
  const { renderPollShape } = state.options;
  const shape =
    renderPollShape === 'alternate'
      ? state.pollsAnswered % 2 === 0
        ? 'data'
        : 'top-level'
      : renderPollShape;
  state.pollsAnswered += 1;
  const progress = currentProgress(state, render);
  const error = render.error ? { error: render.error } : {};
  if (shape === 'data') {
    sendJson(ctx.res, 200, {
      success: true,
      data: {
        id: render.id,
        status: render.status,
        progress,
        outputUrl: render.outputUrl ?? null,
        createdAt: new Date(render.createdAt).toISOString(),
        completedAt: render.completedAt ? new Date(render.completedAt).toISOString() : null,
        ...error,
      },
    });
    return;
  }
  const output =
    render.status === 'completed'
      ? { output: { url: render.outputUrl, duration: render.durationSec, size: render.sizeBytes } }
      : {};
  sendJson(ctx.res, 200, { id: render.id, status: render.status, progress, ...output, ...error });
}

/** POST /api/render/proxy/lambda/<id>/cancel */
export function cancelRender(ctx: RequestContext): void {
  const render = ownedRender(ctx, authenticate(ctx), ctx.params.id);
  endRender(ctx.state, render, 'cancelled');
  sendOk(ctx.res, { id: render.id, status: render.status });
}

/** GET /api/render/proxy/<id>/download: a redirect to the file once it exists. */
export function downloadRender(ctx: RequestContext): void {
  const render = ownedRender(ctx, authenticate(ctx), ctx.params.id);
  if (render.status !== 'completed' || !render.outputUrl) throw detailError(404, 'Render output not ready');
  ctx.res.writeHead(302, { Location: render.outputUrl, 'Content-Length': 0 });
  ctx.res.end();
}
