/** Tokens, sessions, credits, state and claim tokens: the bookkeeping endpoints of nemo-api.md. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { authenticate, type EngineContext, fileInfo } from '../engine.js';
import { unguessable } from '../sessions.js';
import { detailError, header, readJsonObject, sendOk, sessionNotFound } from './http.js';

const WEEK_MS = 7 * 24 * 3600 * 1000;

/** POST /api/auth/anonymous-token */
export function anonymousToken(ctx: EngineContext, req: IncomingMessage, res: ServerResponse): void {
  if (!header(req, 'x-client-id')) throw detailError(400, 'X-Client-Id header is required');
  const { token, userId } = ctx.registry.issueToken();
  sendOk(res, {
    token,
    user_id: userId,
    expires_at: new Date(Date.now() + WEEK_MS).toISOString(),
    credits: ctx.settings.credits,
  });
}

/** POST /api/tasks/me/with-session/nemo_agent */
export async function createSession(ctx: EngineContext, req: IncomingMessage, res: ServerResponse) {
  const userId = authenticate(ctx, req);
  const body = await readJsonObject(req);
  const taskName = typeof body.task_name === 'string' && body.task_name ? body.task_name : 'project';
  const language = typeof body.language === 'string' ? body.language : undefined;
  const session = ctx.registry.createSession(userId, taskName, language);
  sendOk(res, { task_id: session.taskId, session_id: session.sessionId, user_id: userId });
}

/** GET /api/credits/balance/simple: local work costs nothing, so the balance never moves. */
export function credits(ctx: EngineContext, req: IncomingMessage, res: ServerResponse): void {
  authenticate(ctx, req);
  sendOk(res, { available: ctx.settings.credits, frozen: 0, total: ctx.settings.credits });
}

/** GET /api/state/nemo_agent/me/<sid>/latest */
export function sessionState(
  ctx: EngineContext,
  req: IncomingMessage,
  res: ServerResponse,
  params: Record<string, string>,
): void {
  const session = ctx.registry.owned(authenticate(ctx, req), params.sid);
  if (!session) throw sessionNotFound();
  const { width, height, aspect } = session.draft.m;
  sendOk(res, {
    session_id: session.sessionId,
    task_id: session.taskId,
    task_name: session.taskName,
    user_id: session.userId,
    state: {
      video_infos: [...session.files.values()].map((file) => fileInfo(ctx, file)),
      draft: session.draft,
      canvas_config: { width, height, ratio: aspect ?? `${width}:${height}` },
      video_analyses: [],
      generated_media: [],
    },
  });
}

/** POST /api/auth/claim-token: there is no account to claim into locally, but the call must not fail. */
export async function claimToken(ctx: EngineContext, req: IncomingMessage, res: ServerResponse) {
  const userId = authenticate(ctx, req);
  const body = await readJsonObject(req);
  if (!ctx.registry.owned(userId, body.session_id)) throw sessionNotFound();
  sendOk(res, { claim_token: `clm_local_${unguessable(8)}`, expires_in: 3600 });
}
